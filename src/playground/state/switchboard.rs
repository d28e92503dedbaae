//! Switchboard mode: the user plays the alloc runner. Holds the scenario and
//! the live coordinator, turns each action into the call Nomad's alloc runner
//! would make, and keeps one real `start_condition_for_task` wait per task runner.

use std::rc::Rc;

use super::{EventLog, Who};
use crate::limits::{MAX_NAME_BYTES, MAX_PLAYGROUND_TASKS};
use crate::tools::scenario::{Call, History, Report, Scenario};
use crate::tools::sim::alloc::Group;
use crate::{
    validate_tasks, Coordinator, Hook, Lifecycle, Status, TaskSpec, TaskState, Transition, Wait,
};

/// What Nomad would do next in the current state, for the switchboard's
/// "Nomad's alloc runner would now…" panel: a sentence, and the states
/// "apply" reports (none for a reaction that only waits).
#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    pub text: String,
    /// The states "apply" reports, and the log's words for it.
    pub apply: Option<(Vec<TaskState>, String)>,
}

/// A task runner's wait, for the component to await: when it resolves, the
/// component reports [`Switchboard::admitted`] with the same generation and task.
pub struct Arm {
    pub generation: u64,
    pub task: usize,
    pub wait: Wait,
}

pub struct Switchboard {
    scenario: Scenario,
    coordinator: Rc<Coordinator>,
    /// Bumped with every new coordinator, so stale waits are ignored.
    generation: u64,
    /// Per task: whether its current wait has resolved.
    admitted: Vec<bool>,
    log: EventLog,
    /// An edit the coordinator refused: the task and why.
    edit_error: Option<(usize, String)>,
    /// The last report, if Nomad's task runner could not have made it: the
    /// task and why (the report still stands, for what-if exploration).
    flag: Option<(usize, String)>,
    /// Bumped by every load: the log groups its entries by it (a replay
    /// makes a new coordinator, but stays in the group).
    group: u64,
    /// The scenario as loaded, which a replay starts from.
    origin: Scenario,
    /// Every report since the load, in order, as a replay repeats it, and
    /// how many of them the coordinator has heard (fewer after stepping back).
    history: History,
}

/// Who made a report of the history.
pub fn who_made(applied: bool) -> Who {
    if applied {
        Who::Apply
    } else {
        Who::You
    }
}

impl Default for Switchboard {
    fn default() -> Self {
        Switchboard {
            scenario: Scenario {
                tasks: Vec::new(),
                states: Vec::new(),
                run: None,
                history: History::default(),
            },
            coordinator: Rc::new(Coordinator::default()),
            generation: 0,
            admitted: Vec::new(),
            log: EventLog::default(),
            edit_error: None,
            flag: None,
            group: 0,
            origin: Scenario {
                tasks: Vec::new(),
                states: Vec::new(),
                run: None,
                history: History::default(),
            },
            history: History::default(),
        }
    }
}

impl Switchboard {
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn coordinator(&self) -> &Coordinator {
        &self.coordinator
    }

    /// Which coordinator this is: bumped by every [`Switchboard::load`].
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn log(&self) -> &EventLog {
        &self.log
    }

    pub fn edit_error(&self) -> Option<&(usize, String)> {
        self.edit_error.as_ref()
    }

    /// The last report, when Nomad's task runner could not have made it.
    pub fn flag(&self) -> Option<&(usize, String)> {
        self.flag.as_ref()
    }

    /// Whether task `i`'s runner is still waiting on its start condition.
    pub fn is_waiting(&self, i: usize) -> bool {
        !self.admitted.get(i).copied().unwrap_or(false)
    }

    /// A new coordinator for `scenario`, then the alloc runner's first report
    /// (an update when every task is pending, a restore otherwise). Returns
    /// the waits to arm, or the coordinator's error (nothing changed then).
    pub fn load(&mut self, mut scenario: Scenario, why: &str) -> Result<Vec<Arm>, String> {
        let coordinator = Coordinator::new(scenario.tasks.clone()).map_err(|e| e.to_string())?;
        // How run mode runs the group is run mode's business.
        scenario.run = None;
        // A link's history is replayed up to the moment it shows.
        let history = std::mem::take(&mut scenario.history);
        self.group += 1;
        self.log.push(
            self.group,
            Who::Page,
            format!("{why}: new coordinator in init"),
            None,
        );
        self.origin = scenario.clone();
        let arms = self.start(coordinator, scenario)?;
        let at = history.at;
        self.history = History {
            reports: history.reports,
            at: 0,
        };
        if at == 0 {
            return Ok(arms); // the moment as loaded: nothing to replay
        }
        self.travel(at)
    }

    /// What a share link carries: the scenario as loaded and the history
    /// since, or (with no report yet) the scenario as it is.
    pub fn shared(&self) -> Scenario {
        if self.history.reports.is_empty() {
            return self.scenario.clone();
        }
        Scenario {
            history: self.history.clone(),
            ..self.origin.clone()
        }
    }

    /// Installs `coordinator` for `scenario` and makes the first report.
    fn start(&mut self, coordinator: Coordinator, scenario: Scenario) -> Result<Vec<Arm>, String> {
        // Waits on the old coordinator end with a shutdown error and are ignored.
        self.coordinator.shutdown();
        self.coordinator = Rc::new(coordinator);
        self.generation += 1;
        self.scenario = scenario;
        self.edit_error = None;
        self.flag = None;
        self.admitted = vec![false; self.scenario.tasks.len()];
        let mut arms: Vec<Arm> = (0..self.scenario.tasks.len())
            .filter_map(|i| self.arm(i))
            .collect();
        let restore = !self.scenario.all_pending();
        let first = "first report from the alloc runner".into();
        arms.extend(self.report(Who::Page, first, restore)?);
        Ok(arms)
    }

    /// The reports since the load, and how many the coordinator has heard.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Goes back (or forward again) to the moment after the first `to`
    /// reports since the load: a new coordinator hears the same reports
    /// from the start, so it is exactly as it was then. A new report from
    /// there forks the history (the reports ahead are dropped).
    pub fn travel(&mut self, to: usize) -> Result<Vec<Arm>, String> {
        let to = to.min(self.history.reports.len());
        if to == self.history.at {
            return Ok(Vec::new());
        }
        let coordinator = Coordinator::new(self.origin.tasks.clone()).map_err(|e| e.to_string())?;
        self.log.rewind(self.group);
        let arms = self.start(coordinator, self.origin.clone())?;
        // Bounded by the history: one report per click, or per entry of a
        // share link (itself at most MAX_LINK_LEN long).
        let reports = self.history.reports[..to].to_vec();
        for report in reports {
            self.scenario.states = report.states;
            let who = who_made(report.applied);
            let restore = match report.call {
                Call::Restart => {
                    let transition = self.coordinator.restart();
                    self.record(who, report.cause, transition);
                    continue;
                }
                Call::Restore => true,
                Call::Update => false,
            };
            self.report(who, report.cause, restore)?;
        }
        self.history.at = to;
        // Every runner waits anew on the new coordinator (`start` armed them).
        Ok(arms)
    }

    /// Reports the current states through `call` as a new step of the
    /// history (forking it after a step back).
    fn step(&mut self, who: Who, cause: String, call: Call) -> Result<Vec<Arm>, String> {
        let arms = match call {
            Call::Restart => {
                let transition = self.coordinator.restart();
                self.record(who, cause.clone(), transition)
            }
            Call::Update => self.report(who, cause.clone(), false)?,
            Call::Restore => self.report(who, cause.clone(), true)?,
        };
        self.history.reports.truncate(self.history.at);
        self.history.reports.push(Report {
            call,
            applied: who == Who::Apply,
            cause,
            states: self.scenario.states.clone(),
        });
        self.history.at = self.history.reports.len();
        Ok(arms)
    }

    /// The same tasks, all pending, on a new coordinator.
    pub fn reset(&mut self) -> Result<Vec<Arm>, String> {
        let mut scenario = self.scenario.clone();
        scenario.states.fill(TaskState::pending());
        self.load(scenario, "reset")
    }

    /// The alloc runner reports task `i`'s new state (with everyone else's).
    /// A report Nomad's task runner could not make is flagged, and stands.
    pub fn set_state(&mut self, i: usize, state: TaskState) -> Result<Vec<Arm>, String> {
        let Some(slot) = self.scenario.states.get_mut(i) else {
            return Ok(Vec::new());
        };
        let before = std::mem::replace(slot, state);
        let name = &self.scenario.tasks[i].name;
        let cause = format!("{name} → {state}");
        let flag = self.impossible(i, before, state);
        let arms = self.step(Who::You, cause, Call::Update)?;
        self.flag = flag.map(|why| (i, why));
        Ok(arms)
    }

    /// Why Nomad's task runner could not report task `i` going from
    /// `before` to `after`, if it could not: `TaskRunner.Run` starts the
    /// driver only once its start condition has passed, so a runner still
    /// waiting on a closed gate cannot report its task running. (A restore
    /// can: a client restart finds tasks running whatever the gates say.)
    fn impossible(&self, i: usize, before: TaskState, after: TaskState) -> Option<String> {
        let starts = after.state == Status::Running && before.state != Status::Running;
        if !starts || !self.is_waiting(i) {
            return None;
        }
        let name = &self.scenario.tasks[i].name;
        Some(format!(
            "Nomad would not report this: {name}'s task runner is still waiting on its closed gate, and a task starts only once its start condition has passed"
        ))
    }

    /// Reports every task pending (after a restart, say).
    pub fn all_pending(&mut self) -> Result<Vec<Arm>, String> {
        self.scenario.states.fill(TaskState::pending());
        self.step(Who::You, "every task → pending".into(), Call::Update)
    }

    /// Alloc restart: the coordinator goes back to init.
    pub fn restart(&mut self) -> Vec<Arm> {
        self.step(Who::You, "alloc restart".into(), Call::Restart)
            .unwrap_or_default()
    }

    /// Alloc restore: the current states through `restore`.
    pub fn restore(&mut self) -> Result<Vec<Arm>, String> {
        self.step(Who::You, "alloc restore".into(), Call::Restore)
    }

    /// What Nomad would do next, given each task's `leader` flag: the alloc
    /// runner's reaction to the states ([`Group::verdict`], the rules the
    /// simulator runs), task runners whose start condition passed starting
    /// their tasks, and poststop tasks waiting for the others.
    pub fn reactions(&self, leaders: &[bool]) -> Vec<Reaction> {
        let tasks = &self.scenario.tasks;
        let states = &self.scenario.states;
        let group = Group {
            specs: tasks,
            leaders,
        };
        let names = |list: &[usize]| {
            let names = list.iter().map(|&t| tasks[t].name.clone()).collect();
            crate::coordinator::join_words(names, "and")
        };
        let verdict = group.verdict(states);
        let mut reactions = Vec::new();
        if let Some(event) = &verdict.kill {
            let why = match event {
                crate::tools::sim::TaskEvent::SiblingFailed { task } => {
                    format!("{} failed", tasks[*task].name)
                }
                crate::tools::sim::TaskEvent::LeaderDead => "the leader is dead".into(),
                _ => "only sidecars are left".into(),
            };
            // `killTasks`' order, said only as far as it matters here.
            let live = &verdict.live;
            let leader = live
                .iter()
                .any(|&t| leaders.get(t).copied().unwrap_or(false));
            let sidecars = live.iter().filter(|&&t| group.is_sidecar(t)).count();
            let order = match (leader, sidecars) {
                (true, 0) => " the leader first, then the others.",
                (true, _) => " the leader first, then the other tasks, then the sidecars.",
                (false, n) if n > 0 && n < live.len() => " the sidecars last.",
                _ => "",
            };
            reactions.push(Reaction {
                text: format!(
                    "Kill {} (“{}”: {why}):{order} The coordinator hears them dead, not failed, once the kill is over.",
                    names(&verdict.live),
                    event.type_name()
                ),
                apply: Some((
                    group.after_kill(&verdict, states),
                    format!("kill {} ({})", names(&verdict.live), event.type_name()),
                )),
            });
            return reactions;
        }
        let starting: Vec<usize> = (0..tasks.len())
            .filter(|&t| states[t].state == Status::Pending && !self.is_waiting(t))
            .collect();
        if !starting.is_empty() {
            let mut after = states.clone();
            for &t in &starting {
                after[t] = TaskState::running();
            }
            reactions.push(Reaction {
                text: format!(
                    "Start {}: {} start condition has passed, so the task runner runs its task.",
                    names(&starting),
                    if starting.len() == 1 { "its" } else { "their" }
                ),
                apply: Some((after, format!("start {}", names(&starting)))),
            });
        }
        let poststop: Vec<usize> = (0..tasks.len())
            .filter(|&t| group.is_poststop(t) && states[t].state == Status::Pending)
            .collect();
        if !poststop.is_empty() && !verdict.run_complete() {
            reactions.push(Reaction {
                text: format!(
                    "Poststop {} waits until every other task is dead ({} still live).",
                    names(&poststop),
                    names(&verdict.live)
                ),
                apply: None,
            });
        }
        if verdict.run_complete() && !(0..tasks.len()).all(|t| group.is_poststop(t)) {
            reactions.push(Reaction {
                text: "Every task but poststop is dead: their task runners are done, and nothing restarts any more.".into(),
                apply: None,
            });
        }
        reactions
    }

    /// Reports `states`, the outcome of a reaction from
    /// [`Switchboard::reactions`].
    pub fn apply(&mut self, states: Vec<TaskState>, what: &str) -> Result<Vec<Arm>, String> {
        if states.len() != self.scenario.states.len() {
            return Ok(Vec::new()); // a stale reaction from another group
        }
        self.scenario.states = states;
        self.step(Who::Apply, what.to_owned(), Call::Update)
    }

    /// Applies states read from an allocation via `restore`. Every name must
    /// be one of the group's tasks; otherwise nothing changes.
    pub fn apply_allocation(&mut self, states: &[(String, TaskState)]) -> Result<Vec<Arm>, String> {
        let mut merged = self.scenario.states.clone();
        for (name, state) in states {
            match self.scenario.tasks.iter().position(|t| &t.name == name) {
                Some(i) => merged[i] = *state,
                None => {
                    return Err(format!(
                        "the allocation has task `{name}`, which this task group does not"
                    ))
                }
            }
        }
        self.scenario.states = merged;
        self.step(
            Who::You,
            "allocation applied via restore".into(),
            Call::Restore,
        )
    }

    pub fn rename(&mut self, i: usize, name: String) -> Vec<Arm> {
        self.edit(i, "renamed", |s| {
            if let Some(t) = s.tasks.get_mut(i) {
                t.name = name;
            }
        })
    }

    pub fn set_hook(&mut self, i: usize, hook: Hook) -> Vec<Arm> {
        self.edit(i, "hook changed", |s| {
            if let Some(t) = s.tasks.get_mut(i) {
                let sidecar = t.lifecycle.is_some_and(|l| l.sidecar);
                t.lifecycle = match hook {
                    Hook::Empty => None,
                    hook => Some(Lifecycle { hook, sidecar }),
                };
            }
        })
    }

    pub fn set_sidecar(&mut self, i: usize, sidecar: bool) -> Vec<Arm> {
        self.edit(i, "sidecar changed", |s| {
            if let Some(Some(l)) = s.tasks.get_mut(i).map(|t| t.lifecycle.as_mut()) {
                l.sidecar = sidecar;
            }
        })
    }

    pub fn delete(&mut self, i: usize) -> Vec<Arm> {
        // Nomad refuses a group with no task (the importer does too).
        if self.scenario.tasks.len() == 1 {
            self.edit_error = Some((i, crate::tools::import::NEEDS_A_TASK.into()));
            return Vec::new();
        }
        self.edit(i, "task deleted", |s| {
            if i < s.tasks.len() {
                s.tasks.remove(i);
                s.states.remove(i);
            }
        })
    }

    /// Adds a main task with the first free name `task-N` (refused, with an
    /// error below the list, once the group has [`MAX_PLAYGROUND_TASKS`]).
    pub fn add(&mut self) -> Vec<Arm> {
        let i = self.scenario.tasks.len();
        if i >= MAX_PLAYGROUND_TASKS {
            self.edit_error = Some((
                i,
                format!("the playground shows at most {MAX_PLAYGROUND_TASKS} tasks (limits::MAX_PLAYGROUND_TASKS)"),
            ));
            return Vec::new();
        }
        let name = (1..)
            .map(|n| format!("task-{n}"))
            .find(|n| self.scenario.tasks.iter().all(|t| &t.name != n))
            .unwrap_or_default();
        self.edit(i, "task added", |s| {
            s.tasks.push(TaskSpec::main(name));
            s.states.push(TaskState::pending());
        })
    }

    /// A task runner's wait resolved (`ok` false: its coordinator shut down).
    /// Returns whether anything changed, and the waits to arm anew.
    pub fn admitted(&mut self, generation: u64, task: usize, ok: bool) -> Option<Vec<Arm>> {
        if generation != self.generation || !ok || task >= self.admitted.len() {
            return None;
        }
        self.admitted[task] = true;
        // Admitted, but the gate has closed again since: wait anew.
        Some(self.rearm())
    }

    /// Applies an edit of the task group if the coordinator would accept it;
    /// otherwise shows its error beside task `i` and changes nothing.
    fn edit(&mut self, i: usize, what: &str, change: impl FnOnce(&mut Scenario)) -> Vec<Arm> {
        let mut candidate = self.scenario.clone();
        change(&mut candidate);
        if let Err(err) = validate_tasks(&candidate.tasks) {
            // Shown beside the task itself: no position to count (the core's
            // "task #N" counts from 0).
            let why = match err {
                crate::Error::EmptyTaskName { .. } => "a task needs a name".to_owned(),
                crate::Error::OutOfRange {
                    input: "task name", ..
                } => format!("a task name has at most {MAX_NAME_BYTES} bytes"),
                err => err.to_string(),
            };
            self.edit_error = Some((i, why));
            return Vec::new();
        }
        candidate.states.fill(TaskState::pending());
        // Validated above, so `load` cannot fail.
        self.load(candidate, &format!("task group edited ({what})"))
            .unwrap_or_default()
    }

    /// Sends every task's state, as the alloc runner does after any change.
    fn report(&mut self, who: Who, cause: String, restore: bool) -> Result<Vec<Arm>, String> {
        let states = self.scenario.named_states();
        let result = if restore {
            self.coordinator.restore(states)
        } else {
            self.coordinator.task_state_updated(states)
        };
        let transition = result.map_err(|e| e.to_string())?;
        Ok(self.record(who, cause, transition))
    }

    /// Logs every report, whether or not the phase changed.
    fn record(&mut self, who: Who, cause: String, transition: Option<Transition>) -> Vec<Arm> {
        self.flag = None;
        self.log.push(self.group, who, cause, transition);
        self.rearm()
    }

    /// Task runners that were admitted but whose gate is closed now wait again.
    fn rearm(&mut self) -> Vec<Arm> {
        let mut arms = Vec::new();
        for i in 0..self.admitted.len() {
            let closed = !self
                .coordinator
                .is_allowed(&self.scenario.tasks[i].name)
                .unwrap_or(false);
            if self.admitted[i] && closed {
                self.admitted[i] = false;
                arms.extend(self.arm(i));
            }
        }
        arms
    }

    /// A real wait on task `i`'s start condition.
    fn arm(&self, i: usize) -> Option<Arm> {
        let wait = self
            .coordinator
            .start_condition_for_task(&self.scenario.tasks[i].name)
            .ok()?;
        Some(Arm {
            generation: self.generation,
            task: i,
            wait,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::scenario::Preset;
    use crate::Phase;

    fn board(preset: &str) -> (Switchboard, Vec<Arm>) {
        let mut board = Switchboard::default();
        let arms = board
            .load(Preset::find(preset).unwrap().scenario(), "test")
            .unwrap();
        (board, arms)
    }

    #[test]
    fn loading_reports_every_task_and_arms_one_wait_per_runner() {
        let (board, arms) = board("init");
        assert_eq!(board.coordinator().phase(), Phase::Prestart);
        let tasks: Vec<usize> = arms.iter().map(|a| a.task).collect();
        assert_eq!(tasks, [0, 1]);
        assert!(arms.iter().all(|a| a.generation == board.generation()));
        assert!((0..2).all(|i| board.is_waiting(i)));
    }

    #[test]
    fn the_last_task_is_not_deleted_nor_a_65th_added() {
        let (mut board, _) = board("main-only");
        let generation = board.generation();
        assert!(board.delete(0).is_empty());
        assert_eq!(board.generation(), generation, "no new coordinator");
        assert_eq!(board.scenario().tasks.len(), 1);
        assert_eq!(
            board.edit_error(),
            Some(&(0, "a task group needs at least one task".to_owned()))
        );
        for _ in 1..crate::limits::MAX_PLAYGROUND_TASKS {
            board.add();
        }
        assert_eq!(board.scenario().tasks.len(), 64);
        assert!(board.add().is_empty());
        assert_eq!(board.scenario().tasks.len(), 64);
        assert!(board.edit_error().unwrap().1.contains("at most 64 tasks"));
    }

    #[test]
    fn a_refused_edit_changes_nothing_and_says_why_beside_the_task() {
        let (mut board, _) = board("init");
        let generation = board.generation();
        assert!(board.rename(1, "migrate".into()).is_empty());
        assert_eq!(board.generation(), generation, "no new coordinator");
        assert_eq!(board.scenario().tasks[1].name, "web");
        assert_eq!(
            board.edit_error(),
            Some(&(1, "duplicate task name `migrate`".to_owned()))
        );
        assert!(board.rename(1, String::new()).is_empty());
        assert_eq!(
            board.edit_error(),
            Some(&(1, "a task needs a name".to_owned()))
        );
        // An accepted edit clears the error and starts over, all pending.
        board.set_state(0, TaskState::running()).unwrap();
        assert!(!board.rename(1, "api".into()).is_empty());
        assert_eq!(board.edit_error(), None);
        assert!(board.scenario().all_pending());
    }

    #[test]
    fn admission_is_recorded_only_for_the_current_coordinator() {
        let (mut board, _) = board("init");
        let old = board.generation();
        assert!(board.admitted(old, 0, true).is_some());
        assert!(!board.is_waiting(0));
        board.reset().unwrap();
        assert!(board.admitted(old, 1, true).is_none(), "stale wait ignored");
        assert!(board.admitted(board.generation(), 9, true).is_none());
        assert!(board.admitted(board.generation(), 1, false).is_none());
    }

    #[test]
    fn a_runner_admitted_before_its_gate_closed_waits_again() {
        let (mut board, _) = board("init");
        board.admitted(board.generation(), 0, true).unwrap();
        // migrate exits: main phase, and migrate's gate closes behind it.
        let arms = board.set_state(0, TaskState::dead()).unwrap();
        let tasks: Vec<usize> = arms.iter().map(|a| a.task).collect();
        assert_eq!(tasks, [0], "only the admitted runner waits anew");
        assert!(board.is_waiting(0));
    }

    #[test]
    fn an_allocation_naming_a_stranger_changes_nothing() {
        let (mut board, _) = board("init");
        let before = board.scenario().clone();
        let err = board
            .apply_allocation(&[
                ("web".into(), TaskState::running()),
                ("db".into(), TaskState::dead()),
            ])
            .err()
            .unwrap();
        assert!(err.contains("`db`"), "{err}");
        assert_eq!(board.scenario(), &before);
        board
            .apply_allocation(&[
                ("migrate".into(), TaskState::dead()),
                ("web".into(), TaskState::running()),
            ])
            .unwrap();
        assert_eq!(board.coordinator().phase(), Phase::WaitAlloc);
    }

    #[test]
    fn every_report_is_logged_with_who_made_it() {
        let (mut board, _) = board("init");
        board.set_state(1, TaskState::pending()).unwrap();
        let entries = board.log().entries();
        let last = entries.last().unwrap();
        assert_eq!((last.who, last.cause.as_str()), (Who::You, "web → pending"));
        assert_eq!(last.transition, None, "logged though nothing moved");
        assert_eq!(entries[0].who, Who::Page);
        assert!(entries.iter().all(|e| e.scenario == entries[0].scenario));
        // A new coordinator starts a new group in the log.
        let group = entries[0].scenario;
        board.reset().unwrap();
        let last = board.log().entries().last().unwrap();
        assert_ne!(last.scenario, group);
    }

    #[test]
    fn a_report_of_running_through_a_closed_gate_is_flagged_and_stands() {
        let (mut board, _) = board("init");
        board.set_state(1, TaskState::running()).unwrap();
        let (task, why) = board.flag().unwrap();
        assert_eq!(*task, 1);
        assert!(
            why.contains("web's task runner is still waiting on its closed gate"),
            "{why}"
        );
        assert_eq!(
            board.scenario().states[1],
            TaskState::running(),
            "what-if: it stands"
        );
        // An admitted runner may report running; the flag goes.
        board.admitted(board.generation(), 0, true).unwrap();
        board.set_state(0, TaskState::running()).unwrap();
        assert_eq!(board.flag(), None);
        // A restore may find a task running whatever its gate says.
        board.set_state(1, TaskState::pending()).unwrap();
        board.restore().unwrap();
        assert_eq!(board.flag(), None);
    }

    #[test]
    fn reactions_are_the_alloc_runners_and_apply_reports_them() {
        let (mut board, _) = board("full");
        let n = board.scenario().tasks.len();
        let init = board
            .scenario()
            .tasks
            .iter()
            .position(|t| t.name == "init")
            .unwrap();
        // A prestart task failed: every live task but poststop is killed.
        board.set_state(init, TaskState::failed()).unwrap();
        let reactions = board.reactions(&vec![false; n]);
        assert_eq!(reactions.len(), 1);
        assert!(
            reactions[0].text.starts_with("Kill "),
            "{}",
            reactions[0].text
        );
        assert!(reactions[0]
            .text
            .contains("“Sibling Task Failed”: init failed"));
        let (states, what) = reactions[0].apply.clone().unwrap();
        board.apply(states, &what).unwrap();
        let last = board.log().entries().last().unwrap().clone();
        assert_eq!(last.who, Who::Apply);
        assert!(last.cause.starts_with("kill "), "{}", last.cause);
        assert_eq!(board.coordinator().phase(), crate::Phase::Poststop);
        let dead_but_poststop = board
            .scenario()
            .tasks
            .iter()
            .zip(&board.scenario().states)
            .all(|(t, s)| t.stage() == crate::Stage::Poststop || s.state == Status::Dead);
        assert!(dead_but_poststop);
        // Now only the poststop task is left: nothing to kill.
        let now = board.reactions(&vec![false; n]);
        assert!(now.iter().all(|r| !r.text.starts_with("Kill")));
        assert!(now.iter().any(|r| r.text.contains("nothing restarts")));
    }

    #[test]
    fn admitted_runners_start_and_poststop_waits() {
        let (mut board, _) = board("init");
        assert_eq!(
            board.reactions(&[false, false]),
            Vec::new(),
            "nobody admitted yet"
        );
        board.admitted(board.generation(), 0, true).unwrap();
        let reactions = board.reactions(&[false, false]);
        assert_eq!(
            reactions[0].text,
            "Start migrate: its start condition has passed, so the task runner runs its task."
        );
        let (states, what) = reactions[0].apply.clone().unwrap();
        assert_eq!(what, "start migrate");
        board.apply(states, &what).unwrap();
        assert_eq!(board.scenario().states[0], TaskState::running());
        // A stale reaction for another group changes nothing.
        assert!(board
            .apply(vec![TaskState::dead()], "stale")
            .unwrap()
            .is_empty());
        assert_eq!(board.scenario().states[0], TaskState::running());
    }

    /// The coordinator's phase and every gate, to compare two moments.
    fn moment(board: &Switchboard) -> (crate::Phase, Vec<bool>, Vec<TaskState>) {
        let c = board.coordinator();
        let gates = crate::Stage::ALL
            .iter()
            .map(|&s| c.gate(s).is_some_and(|g| g.is_open()))
            .collect();
        (c.phase(), gates, board.scenario().states.clone())
    }

    #[test]
    fn stepping_back_replays_from_the_load_and_a_new_report_forks() {
        let (mut board, _) = board("full");
        let mut moments = vec![moment(&board)];
        let reports = [
            ("proxy", TaskState::running()),
            ("init", TaskState::dead()),
            ("web", TaskState::running()),
            ("api", TaskState::running()),
        ];
        for (name, state) in reports {
            report(&mut board, name, state);
            moments.push(moment(&board));
        }
        board.restart();
        moments.push(moment(&board));
        assert_eq!(board.history().reports.len(), 5);
        let log_len = board.log().entries().len();
        // Back three reports, one at a time, then forward again.
        for to in [4, 3, 2] {
            assert!(!board.travel(to).unwrap().is_empty(), "runners wait anew");
            assert_eq!(moment(&board), moments[to], "after {to} reports");
            assert_eq!(board.history().at, to);
        }
        assert_eq!(
            board.log().entries().len(),
            log_len - 3,
            "the log shows the moment"
        );
        board.travel(5).unwrap();
        assert_eq!(moment(&board), moments[5]);
        assert_eq!(board.log().entries().len(), log_len);
        assert_eq!(
            board.coordinator().phase(),
            crate::Phase::Init,
            "the restart replayed too"
        );
        // From the start, and past the end (clamped).
        board.travel(0).unwrap();
        assert_eq!(moment(&board), moments[0]);
        board.travel(99).unwrap();
        assert_eq!(moment(&board), moments[5]);
        // A new report after stepping back forks: the steps ahead are gone.
        board.travel(2).unwrap();
        board.set_state(0, TaskState::failed()).unwrap();
        let history = board.history();
        assert_eq!((history.reports.len(), history.at), (3, 3));
        assert_eq!(history.reports[2].cause, "init → dead (failed)");
        assert!(!history.reports[2].applied);
        // The share link carries the history; loading it comes back to this moment.
        board.travel(2).unwrap();
        let here = moment(&board);
        let link = board.shared().to_hash();
        let mut again = Switchboard::default();
        again
            .load(Scenario::from_hash(&link).unwrap(), "link")
            .unwrap();
        assert_eq!(moment(&again), here);
        assert_eq!(again.history(), board.history());
        assert_eq!(
            again.log().entries().len(),
            2 + 2,
            "load, first report, two reports"
        );
        // A load starts a new history.
        board.reset().unwrap();
        assert_eq!(board.history().reports.len(), 0);
    }

    /// Reports task `name`'s state.
    fn report(board: &mut Switchboard, name: &str, state: TaskState) {
        let i = board.scenario().tasks.iter().position(|t| t.name == name);
        board.set_state(i.unwrap(), state).unwrap();
    }

    /// The first reaction's words after reporting `states` (by name).
    fn first_reaction(preset: &str, leaders: &[bool], states: &[(&str, TaskState)]) -> String {
        let (mut board, _) = board(preset);
        for &(name, state) in states {
            report(&mut board, name, state);
        }
        board
            .reactions(leaders)
            .first()
            .map(|r| r.text.clone())
            .unwrap_or_default()
    }

    #[test]
    fn a_kill_says_its_order_only_as_far_as_it_applies() {
        let (d, r) = (TaskState::dead(), TaskState::running());
        // full: init, proxy (sidecar), web, api (leader here), warm-cache, log-shipper (sidecar), cleanup.
        let leader = [false, false, false, true, false, false, false];
        let text = first_reaction("full", &leader, &[("proxy", r), ("api", r), ("api", d)]);
        assert!(
            text.contains("(“Leader Task Dead”: the leader is dead)"),
            "{text}"
        );
        // The leader is dead already: no leader is among those killed.
        assert!(text.contains(": the sidecars last."), "{text}");
        let leader_live = first_reaction(
            "full",
            &leader,
            &[("proxy", r), ("init", TaskState::failed())],
        );
        assert!(
            leader_live.contains(": the leader first, then the other tasks, then the sidecars."),
            "{leader_live}"
        );
        // Only main tasks (no sidecar) live, with the leader among them.
        let mains = first_reaction("init", &[false, true], &[("migrate", TaskState::failed())]);
        assert!(
            mains.contains(": the leader first, then the others."),
            "{mains}"
        );
        // No leader, no sidecar: no order to tell.
        let plain = first_reaction("init", &[], &[("migrate", TaskState::failed())]);
        assert!(
            plain.contains("(“Sibling Task Failed”: migrate failed): The coordinator"),
            "{plain}"
        );
        // Only sidecars left: nothing to order.
        let sidecars = first_reaction(
            "service-mesh",
            &[],
            &[("connect-proxy", r), ("web", r), ("web", d)],
        );
        assert!(
            sidecars.contains("(“Main Tasks Dead”: only sidecars are left): The coordinator"),
            "{sidecars}"
        );
    }

    #[test]
    fn poststop_waits_are_said_and_a_finished_group_is_said_once() {
        let (d, r) = (TaskState::dead(), TaskState::running());
        let waiting = first_reaction("poststop", &[], &[("batch", r)]);
        assert_eq!(
            waiting,
            "Poststop cleanup waits until every other task is dead (batch still live)."
        );
        let (mut board, _) = board("poststop");
        board.set_state(0, d).unwrap();
        let done: Vec<String> = board.reactions(&[]).into_iter().map(|r| r.text).collect();
        assert_eq!(done, ["Every task but poststop is dead: their task runners are done, and nothing restarts any more."]);
        // cleanup runs: no longer pending, so it no longer waits.
        board.set_state(1, r).unwrap();
        assert_eq!(board.reactions(&[]).len(), 1);
    }

    #[test]
    fn hook_and_sidecar_edits_make_a_new_coordinator_and_a_stray_delete_does_nothing() {
        let (mut board, _) = board("init");
        let generation = board.generation();
        assert_eq!(
            board.set_hook(1, Hook::Poststop).len(),
            2,
            "both runners wait anew"
        );
        assert_eq!(board.scenario().tasks[1].stage(), crate::Stage::Poststop);
        assert_eq!(board.set_sidecar(0, true).len(), 2);
        assert_eq!(
            board.scenario().tasks[0].stage(),
            crate::Stage::PrestartSidecar
        );
        assert!(board.generation() >= generation + 2);
        let before = board.scenario().tasks.clone();
        board.delete(2);
        board.delete(7);
        assert_eq!(
            board.scenario().tasks,
            before,
            "an index past the end deletes nothing"
        );
        board.delete(0);
        assert_eq!(board.scenario().tasks, before[1..]);
    }
}
