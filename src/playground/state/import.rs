//! Nomad input: the jobspec and allocation being pasted, the requests sent
//! to the import worker, and a job whose task group the user is choosing.
//! Every failure leaves the page as it was.

use std::rc::Rc;

use crate::tools::import::{check_size, GroupChoice, ImportReply, ImportRequest};
use crate::tools::scenario::Scenario;
use crate::TaskState;

/// A task group ready to load: its scenario (every task pending, and how
/// run mode runs it), and the log line that says where it came from.
pub struct Imported {
    pub scenario: Scenario,
    pub why: String,
}

/// What a worker's reply asks of the page.
pub enum ImportOutcome {
    /// Load this task group.
    Load(Imported),
    /// Apply these task states (by name) via restore.
    Allocation(Vec<(String, TaskState)>),
}

#[derive(Default)]
pub struct ImportState {
    pub job_text: String,
    pub alloc_text: String,
    /// The last import's error (with line and column for HCL syntax errors).
    pub error: Option<String>,
    /// What the last import skipped.
    pub notes: Rc<Vec<String>>,
    /// A job's groups, while the user chooses one.
    pub pending_job: Option<Vec<GroupChoice>>,
    /// Requests sent to the worker and not answered yet.
    pub in_flight: u32,
    /// Replies handled so far (shown on the page, so tests can wait for one).
    pub answered: u64,
}

impl ImportState {
    /// The request that parses the jobspec as typed (none if it is over
    /// the size limit: that is said at once, and nothing reaches the worker).
    pub fn job_request(&mut self) -> Option<ImportRequest> {
        let text = self.checked("jobspec", self.job_text.clone())?;
        self.in_flight += 1;
        Some(ImportRequest::Jobspec(text))
    }

    /// The request that parses the allocation as typed (none if too large).
    pub fn allocation_request(&mut self) -> Option<ImportRequest> {
        let text = self.checked("allocation", self.alloc_text.clone())?;
        self.in_flight += 1;
        Some(ImportRequest::Allocation(text))
    }

    fn checked(&mut self, input: &'static str, text: String) -> Option<String> {
        match check_size(input, &text) {
            Ok(()) => Some(text),
            Err(err) => {
                self.fail(err.to_string());
                None
            }
        }
    }

    /// The worker's reply (or why there is none). A job with one group is
    /// ready to load; with several, it waits for [`ImportState::pick_group`].
    pub fn on_reply(&mut self, reply: Result<ImportReply, String>) -> Option<ImportOutcome> {
        if reply == Ok(ImportReply::Ready) {
            return None; // the worker's handshake, not an answer
        }
        self.in_flight = self.in_flight.saturating_sub(1);
        self.answered += 1;
        self.pending_job = None;
        match reply {
            Err(why) | Ok(ImportReply::Failed(why)) => self.fail(why),
            Ok(ImportReply::Job { notes, groups }) => {
                self.error = None;
                self.notes = Rc::new(notes);
                if let [group] = groups.as_slice() {
                    return self.load(group).map(ImportOutcome::Load);
                }
                self.pending_job = Some(groups);
            }
            Ok(ImportReply::Allocation(states)) => {
                self.error = None;
                return Some(ImportOutcome::Allocation(states));
            }
            Ok(ImportReply::Ready) => {}
        }
        None
    }

    /// The chosen group of the job read last.
    pub fn pick_group(&mut self, i: usize) -> Option<Imported> {
        let groups = self.pending_job.take()?;
        self.load(groups.get(i)?)
    }

    /// The worker stopped: each request it had not answered is answered
    /// with `why` (one error shown for all). Returns whether the page
    /// changes: a worker lost while idle (warming up) says nothing until a
    /// request needs it, when a new one starts.
    pub fn worker_lost(&mut self, why: String) -> bool {
        if self.in_flight == 0 {
            return false;
        }
        self.answered += u64::from(self.in_flight);
        self.in_flight = 0;
        self.pending_job = None;
        self.fail(why);
        true
    }

    /// Shows `why`, adding that nothing was changed.
    pub fn fail(&mut self, why: String) {
        self.error = Some(format!("{why}. Nothing was changed."));
    }

    fn load(&mut self, group: &GroupChoice) -> Option<Imported> {
        match group.scenario() {
            Ok(scenario) => Some(Imported {
                scenario,
                why: group.why.clone(),
            }),
            Err(why) => {
                self.fail(why);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::import::{ImportedGroup, ImportedJob, ImportedTask};
    use crate::tools::sim::restarts::JobType;
    use crate::TaskSpec;

    fn job(groups: &[(&str, &[&str])]) -> ImportReply {
        let group = |(name, tasks): &(&str, &[&str])| ImportedGroup {
            name: name.to_string(),
            tasks: tasks
                .iter()
                .map(|t| ImportedTask {
                    spec: TaskSpec::main(*t),
                    leader: *t == "lead",
                    kill_timeout: (*t == "lead").then_some(45_000_000_000),
                    restart: None,
                })
                .collect(),
            restart: None,
            max_run_duration: None,
        };
        let reply = ImportReply::job(&ImportedJob {
            name: "j".into(),
            job_type: JobType::Batch,
            groups: groups.iter().map(group).collect(),
            notes: vec!["a note".into()],
        });
        // As the page hears it.
        ImportReply::from_wire(reply.to_wire()).unwrap()
    }

    #[test]
    fn a_one_group_job_loads_at_once_with_its_leaders() {
        let mut state = ImportState::default();
        let request = state.job_request();
        assert!(matches!(request, Some(ImportRequest::Jobspec(_))));
        assert_eq!(state.in_flight, 1);
        let Some(ImportOutcome::Load(imported)) =
            state.on_reply(Ok(job(&[("g", &["lead", "web"])])))
        else {
            panic!("should load")
        };
        let run = imported.scenario.run.as_ref().unwrap();
        let leaders: Vec<bool> = run.behaviours.iter().map(|b| b.leader).collect();
        assert_eq!(leaders, [true, false]);
        assert_eq!(run.behaviours[0].kill_timeout_ms, 45_000);
        assert_eq!(run.job_type, JobType::Batch);
        assert_eq!(run.restart, Some(JobType::Batch.default_restart_policy()));
        assert_eq!(imported.why, "imported job `j` (batch), group `g`");
        assert!(imported.scenario.all_pending());
        assert_eq!((state.in_flight, state.answered), (0, 1));
        assert_eq!(*state.notes, ["a note"]);
    }

    #[test]
    fn a_job_with_several_groups_waits_for_a_choice() {
        let mut state = ImportState::default();
        assert!(state
            .on_reply(Ok(job(&[("a", &["x"]), ("b", &["y"])])))
            .is_none());
        assert!(state.pending_job.is_some());
        let imported = state.pick_group(1).unwrap();
        assert_eq!(imported.scenario.tasks, [TaskSpec::main("y")]);
        assert!(state.pick_group(0).is_none(), "the choice is made once");
    }

    #[test]
    fn errors_change_nothing_but_say_so() {
        let mut state = ImportState::default();
        state.on_reply(Ok(job(&[("a", &["x"]), ("b", &["y"])])));
        let failed = state.on_reply(Ok(ImportReply::Failed("HCL syntax error at line 1".into())));
        assert!(failed.is_none() && state.pending_job.is_none());
        assert_eq!(
            state.error.as_deref(),
            Some("HCL syntax error at line 1. Nothing was changed.")
        );
        // A group the coordinator would refuse is an error, not a load.
        assert!(state.on_reply(Ok(job(&[("g", &["a", "a"])]))).is_none());
        assert!(state
            .error
            .as_deref()
            .unwrap()
            .contains("group `g`: duplicate task name `a`"));
        assert!(state
            .on_reply(Err("the import worker answered oddly".into()))
            .is_none());
        // The worker's handshake is not an answer.
        let answered = state.answered;
        assert!(state.on_reply(Ok(ImportReply::Ready)).is_none());
        assert_eq!(state.answered, answered);
    }

    #[test]
    fn a_lost_worker_answers_what_it_had_not() {
        let mut state = ImportState::default();
        assert!(
            !state.worker_lost("the import worker stopped: x".into()),
            "idle: nothing to say"
        );
        assert_eq!((state.answered, state.error.as_deref()), (0, None));
        state.job_request();
        state.allocation_request();
        assert!(state.worker_lost("the import worker stopped: unreachable".into()));
        assert_eq!((state.in_flight, state.answered), (0, 2));
        assert_eq!(
            state.error.as_deref(),
            Some("the import worker stopped: unreachable. Nothing was changed.")
        );
        // A late reply (none should come) cannot drive the count below zero.
        state.on_reply(Ok(ImportReply::Failed("late".into())));
        assert_eq!((state.in_flight, state.answered), (0, 3));
    }

    #[test]
    fn an_allocation_reply_hands_over_its_states() {
        let mut state = ImportState::default();
        state.allocation_request();
        let states = vec![("web".to_owned(), TaskState::running())];
        let reply = ImportReply::Allocation(states.clone());
        let Some(ImportOutcome::Allocation(got)) = state.on_reply(Ok(reply)) else {
            panic!("should hand over the states")
        };
        assert_eq!(got, states);
    }
}
