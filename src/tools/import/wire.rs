//! The messages between the playground and its import worker, and their one
//! wire form: a flat list of strings (a JS array of strings on the wire).
//!
//! Why not serde: the page is the side that would decode, and a serde
//! deserializer (serde-wasm-bindgen's included) brings its visitors and
//! float formatting into the page's first load — about 12 KB gzipped of the
//! 160 KB budget. The worker instead hands the page each task group already
//! turned into a scenario, in the share-link form the page reads anyway.
//!
//! | message | strings |
//! |---|---|
//! | request | `jobspec`/`allocation`, the text |
//! | ready | `ready` |
//! | failure | `failed`, the error |
//! | job | `job`, the number of notes, the notes, then per group: its name, its number of tasks, the log line, `ok` and the scenario's hash or `error` and why it can't load |
//! | allocation | `allocation`, then per task: its name, its state token |

use super::{ImportedGroup, ImportedJob};
use crate::error::Error;
use crate::limits::MAX_PLAYGROUND_TASKS;
use crate::model::TaskState;
use crate::tools::scenario::{parse_state_token, state_token, History, RunSpec, Scenario};
use crate::tools::sim::Behaviour;
use crate::validate_tasks;

/// What the page asks the import worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportRequest {
    /// Parse a jobspec (HCL or JSON).
    Jobspec(String),
    /// Parse an allocation's JSON.
    Allocation(String),
}

/// The import worker's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportReply {
    /// The worker is listening (sent once; requests posted before it would be lost).
    Ready,
    /// The input could not be read: why (with line and column for HCL).
    Failed(String),
    /// A job: what the importer skipped, and its task groups.
    Job {
        notes: Vec<String>,
        groups: Vec<GroupChoice>,
    },
    /// An allocation's task states, by name.
    Allocation(Vec<(String, TaskState)>),
}

/// One of a job's task groups, as the page offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChoice {
    pub name: String,
    /// How many tasks it has.
    pub tasks: usize,
    /// The log line that says where it came from.
    pub why: String,
    /// The scenario as [`Scenario::to_hash`] writes it, or why the
    /// playground can't load the group.
    pub scenario: Result<String, String>,
}

impl GroupChoice {
    /// The group as the playground loads it: every task pending, run as its
    /// job type, restart blocks, leaders and kill timeouts say. Refused with
    /// the reason when it has more tasks than the playground shows, or the
    /// coordinator would refuse its tasks.
    pub fn new(job: &ImportedJob, group: &ImportedGroup) -> GroupChoice {
        GroupChoice {
            name: group.name.clone(),
            tasks: group.tasks.len(),
            why: format!(
                "imported job `{}` ({}), group `{}`",
                job.name, job.job_type, group.name
            ),
            scenario: group_scenario(job, group).map(|s| s.to_hash()),
        }
    }

    /// The scenario to load (no seed: the page keeps the one in use).
    pub fn scenario(&self) -> Result<Scenario, String> {
        let hash = self.scenario.as_ref().map_err(String::clone)?;
        let mut scenario = Scenario::from_hash_unbounded(hash).map_err(|e| e.to_string())?;
        if let Some(run) = &mut scenario.run {
            run.seed = None;
        }
        Ok(scenario)
    }
}

fn group_scenario(job: &ImportedJob, group: &ImportedGroup) -> Result<Scenario, String> {
    if group.tasks.len() > MAX_PLAYGROUND_TASKS {
        return Err(format!(
            "group `{}` has {} tasks; the playground shows at most {MAX_PLAYGROUND_TASKS} (limits::MAX_PLAYGROUND_TASKS)",
            group.name,
            group.tasks.len()
        ));
    }
    let tasks: Vec<_> = group.tasks.iter().map(|t| t.spec.clone()).collect();
    validate_tasks(&tasks).map_err(|err| format!("group `{}`: {err}", group.name))?;
    let policy = group.restart_policy(job.job_type);
    let behaviours = group
        .tasks
        .iter()
        .map(|t| {
            let mut b = Behaviour::typical(t.spec.stage());
            b.leader = t.leader;
            b.restart = t.restart_policy(policy);
            if let Some(ns) = t.kill_timeout {
                b.kill_timeout_ms = ns / 1_000_000;
            }
            b
        })
        .collect();
    Ok(Scenario {
        states: vec![TaskState::pending(); tasks.len()],
        tasks,
        run: Some(RunSpec {
            job_type: job.job_type,
            seed: None,
            restart: Some(policy),
            behaviours,
            max_run_duration_ms: group.max_run_duration.map(|ns| ns / 1_000_000),
        }),
        history: History::default(),
    })
}

impl ImportReply {
    /// A parsed job's reply: each group ready to load, or why not.
    pub fn job(job: &ImportedJob) -> ImportReply {
        ImportReply::Job {
            notes: job.notes.clone(),
            groups: job
                .groups
                .iter()
                .map(|g| GroupChoice::new(job, g))
                .collect(),
        }
    }
}

impl ImportRequest {
    pub fn to_wire(&self) -> Vec<String> {
        match self {
            ImportRequest::Jobspec(text) => vec!["jobspec".into(), text.clone()],
            ImportRequest::Allocation(text) => vec!["allocation".into(), text.clone()],
        }
    }

    pub fn from_wire(wire: Vec<String>) -> Result<ImportRequest, Error> {
        let mut items = wire.into_iter();
        let request = match (items.next().as_deref(), items.next()) {
            (Some("jobspec"), Some(text)) => ImportRequest::Jobspec(text),
            (Some("allocation"), Some(text)) => ImportRequest::Allocation(text),
            _ => return Err(odd("a request is `jobspec` or `allocation` and its text")),
        };
        match items.next() {
            None => Ok(request),
            Some(_) => Err(odd("a request has two parts")),
        }
    }
}

impl ImportReply {
    pub fn to_wire(&self) -> Vec<String> {
        let mut wire = Vec::new();
        match self {
            ImportReply::Ready => wire.push("ready".into()),
            ImportReply::Failed(why) => wire.extend(["failed".into(), why.clone()]),
            ImportReply::Job { notes, groups } => {
                wire.extend(["job".into(), notes.len().to_string()]);
                wire.extend(notes.iter().cloned());
                for group in groups {
                    wire.extend([
                        group.name.clone(),
                        group.tasks.to_string(),
                        group.why.clone(),
                    ]);
                    match &group.scenario {
                        Ok(hash) => wire.extend(["ok".into(), hash.clone()]),
                        Err(why) => wire.extend(["error".into(), why.clone()]),
                    }
                }
            }
            ImportReply::Allocation(states) => {
                wire.push("allocation".into());
                for (name, state) in states {
                    wire.extend([name.clone(), state_token(*state)]);
                }
            }
        }
        wire
    }

    /// Reads what [`ImportReply::to_wire`] writes; anything else is an
    /// error naming what was wrong. Linear in the number of strings.
    pub fn from_wire(wire: Vec<String>) -> Result<ImportReply, Error> {
        let mut items = wire.into_iter();
        let kind = items.next().ok_or_else(|| odd("an empty reply"))?;
        let rest: Vec<String> = items.collect();
        match (kind.as_str(), rest.len()) {
            ("ready", 0) => Ok(ImportReply::Ready),
            ("failed", 1) => Ok(ImportReply::Failed(
                rest.into_iter().next().unwrap_or_default(),
            )),
            ("job", _) => job_from_wire(rest),
            ("allocation", n) if n % 2 == 0 => {
                let mut states = Vec::with_capacity(n / 2);
                let mut items = rest.into_iter();
                while let (Some(name), Some(token)) = (items.next(), items.next()) {
                    let state = parse_state_token(&token)
                        .map_err(|why| odd(&format!("task `{name}`'s state: {why}")))?;
                    states.push((name, state));
                }
                Ok(ImportReply::Allocation(states))
            }
            _ => Err(odd(&format!(
                "a `{}` reply of {} parts",
                crate::error::clip(&kind),
                rest.len() + 1
            ))),
        }
    }
}

fn job_from_wire(rest: Vec<String>) -> Result<ImportReply, Error> {
    let mut items = rest.into_iter();
    let count = items
        .next()
        .and_then(|n| n.parse::<usize>().ok())
        .ok_or_else(|| odd("a job reply starts with its number of notes"))?;
    let notes: Vec<String> = items.by_ref().take(count).collect();
    if notes.len() != count {
        return Err(odd("a job reply has fewer notes than it says"));
    }
    let rest: Vec<String> = items.collect();
    if rest.len() % 5 != 0 {
        return Err(odd("a job reply's groups come in fives"));
    }
    let mut groups = Vec::with_capacity(rest.len() / 5);
    let mut items = rest.into_iter();
    while let (Some(name), Some(tasks), Some(why), Some(ok), Some(payload)) = (
        items.next(),
        items.next(),
        items.next(),
        items.next(),
        items.next(),
    ) {
        let tasks = tasks
            .parse()
            .map_err(|_| odd("a group's task count is a number"))?;
        let scenario = match ok.as_str() {
            "ok" => Ok(payload),
            "error" => Err(payload),
            _ => return Err(odd("a group is `ok` or `error`")),
        };
        groups.push(GroupChoice {
            name,
            tasks,
            why,
            scenario,
        });
    }
    Ok(ImportReply::Job { notes, groups })
}

fn odd(why: &str) -> Error {
    Error::syntax(
        "import worker message",
        format!("the import worker's message is malformed: {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::import::{ImportedTask, RestartBlock};
    use crate::tools::sim::restarts::{JobType, RestartMode};
    use crate::{Stage, TaskSpec};

    fn job() -> ImportedJob {
        let task = |name: &str, stage, leader| ImportedTask {
            spec: TaskSpec::in_stage(name, stage),
            leader,
            kill_timeout: leader.then_some(45_000_000_000),
            restart: (!leader).then_some(RestartBlock {
                attempts: Some(7),
                mode: Some(RestartMode::Fail),
                ..RestartBlock::default()
            }),
        };
        ImportedJob {
            name: "j".into(),
            job_type: JobType::Batch,
            groups: vec![
                ImportedGroup {
                    name: "g".into(),
                    tasks: vec![
                        task("init & co, 100%", Stage::PrestartEphemeral, false),
                        task("lead", Stage::Main, true),
                    ],
                    restart: None,
                    max_run_duration: Some(90_000_000_000),
                },
                ImportedGroup {
                    name: "twins".into(),
                    tasks: vec![task("a", Stage::Main, false), task("a", Stage::Main, false)],
                    restart: None,
                    max_run_duration: None,
                },
            ],
            notes: vec!["a note, with | and 5 parts".into()],
        }
    }

    #[test]
    fn a_job_crosses_the_wire_ready_to_load() {
        let reply = ImportReply::job(&job());
        let back = ImportReply::from_wire(reply.to_wire()).unwrap();
        assert_eq!(back, reply);
        let ImportReply::Job { notes, groups } = back else {
            panic!()
        };
        assert_eq!(notes, ["a note, with | and 5 parts"]);
        assert_eq!(groups[0].why, "imported job `j` (batch), group `g`");
        assert_eq!((groups[0].tasks, groups[1].tasks), (2, 2));
        let scenario = groups[0].scenario().unwrap();
        assert_eq!(
            scenario.tasks,
            [
                TaskSpec::in_stage("init & co, 100%", Stage::PrestartEphemeral),
                TaskSpec::main("lead")
            ]
        );
        assert!(scenario.all_pending());
        let run = scenario.run.unwrap();
        assert_eq!((run.job_type, run.seed), (JobType::Batch, None));
        assert_eq!(run.restart, Some(JobType::Batch.default_restart_policy()));
        assert_eq!(run.max_run_duration_ms, Some(90_000));
        assert_eq!(run.behaviours[1].kill_timeout_ms, 45_000);
        assert!(run.behaviours[1].leader && !run.behaviours[0].leader);
        let own = run.behaviours[0].restart.unwrap();
        assert_eq!((own.attempts, own.mode), (7, RestartMode::Fail));
        // A group the coordinator would refuse is said, not loaded.
        assert_eq!(
            groups[1].scenario(),
            Err("group `twins`: duplicate task name `a`".into())
        );
    }

    /// The reply for a job of one group `g` of main tasks named `names`.
    fn one_group(names: impl Iterator<Item = String>) -> Vec<GroupChoice> {
        let mut job = job();
        job.groups.truncate(1);
        job.groups[0].tasks = names
            .map(|name| ImportedTask {
                spec: TaskSpec::main(name),
                leader: false,
                kill_timeout: None,
                restart: None,
            })
            .collect();
        let ImportReply::Job { groups, .. } = ImportReply::job(&job) else {
            panic!("a job's reply")
        };
        groups
    }

    #[test]
    fn a_group_larger_than_the_playground_is_refused_by_name() {
        let groups = one_group((0..=MAX_PLAYGROUND_TASKS).map(|i| format!("t{i}")));
        let why = groups[0].scenario().unwrap_err();
        assert!(why.starts_with("group `g` has 65 tasks"), "{why}");
    }

    #[test]
    fn long_names_outgrow_a_share_link_but_not_the_wire() {
        let groups =
            one_group((0..MAX_PLAYGROUND_TASKS).map(|i| format!("{i:03}{}", "~".repeat(200))));
        assert!(groups[0].scenario.as_ref().unwrap().len() > crate::limits::MAX_LINK_LEN);
        assert_eq!(
            groups[0].scenario().unwrap().tasks.len(),
            MAX_PLAYGROUND_TASKS
        );
    }

    #[test]
    fn the_other_messages_cross_the_wire() {
        let messages = [
            ImportReply::Ready,
            ImportReply::Failed("HCL syntax error at line 1".into()),
            ImportReply::Allocation(vec![
                ("web".into(), TaskState::running()),
                ("init".into(), TaskState::failed()),
                ("odd".into(), TaskState::new(crate::Status::Pending, true)),
            ]),
            ImportReply::Allocation(vec![]),
        ];
        for message in messages {
            assert_eq!(ImportReply::from_wire(message.to_wire()).unwrap(), message);
        }
        for request in [
            ImportRequest::Jobspec("job {}".into()),
            ImportRequest::Allocation(String::new()),
        ] {
            assert_eq!(
                ImportRequest::from_wire(request.to_wire()).unwrap(),
                request
            );
        }
    }

    #[test]
    fn malformed_messages_are_named() {
        let wire = |parts: &[&str]| parts.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cases: [(&[&str], &str); 9] = [
            (&[], "an empty reply"),
            (&["ready", "x"], "a `ready` reply of 2 parts"),
            (&["failed"], "a `failed` reply of 1 parts"),
            (&["job"], "starts with its number of notes"),
            (&["job", "3", "n"], "fewer notes than it says"),
            (&["job", "0", "g", "1", "why", "ok"], "come in fives"),
            (
                &["job", "0", "g", "one", "why", "ok", "x"],
                "task count is a number",
            ),
            (
                &["job", "0", "g", "1", "why", "maybe", "x"],
                "`ok` or `error`",
            ),
            (&["allocation", "web", "asleep"], "task `web`'s state"),
        ];
        for (parts, expected) in cases {
            let err = ImportReply::from_wire(wire(parts)).unwrap_err().to_string();
            assert!(err.contains(expected), "{parts:?}: {err}");
            assert!(err.contains("import worker"), "{err}");
        }
        for parts in [
            &[][..],
            &["jobspec"],
            &["parse", "x"],
            &["jobspec", "a", "b"],
        ] {
            assert!(ImportRequest::from_wire(wire(parts)).is_err(), "{parts:?}");
        }
    }
}
