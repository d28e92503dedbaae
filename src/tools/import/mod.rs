//! Nomad input: a jobspec becomes task groups of task specs; an allocation's
//! JSON (`/v1/allocation/:id`) becomes task states.
//!
//! Constructs that don't bear on the lifecycle are skipped; those that might
//! (a `dynamic` block, a hook that is not a plain string) are skipped with a note.
//!
//! The parsers ([`jobspec`], [`allocation`]; feature `import`) are heavy, so
//! the playground runs them in a Web Worker of their own and only the types
//! below (feature `import-types`) cross into the page: [`ImportRequest`] and
//! [`ImportReply`] are the messages between the two ([`wire`] holds their
//! one wire format).

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::limits::MAX_IMPORT_BYTES;
use crate::model::{TaskSpec, TaskState};
use crate::tools::sim::restarts::{JobType, Nanos, RestartMode, RestartPolicy};

#[cfg(feature = "import")]
mod parse;
mod wire;
#[cfg(feature = "import")]
pub use parse::{allocation, jobspec};
pub use wire::{GroupChoice, ImportReply, ImportRequest};

/// Why a task group with no task is refused, in the importer's words and the
/// playground's (Nomad's job validation refuses such a group too).
pub const NEEDS_A_TASK: &str = "a task group needs at least one task";

/// Refuses `text` over [`MAX_IMPORT_BYTES`] before any parsing: the parsers
/// check it, and the playground checks it before handing text to its worker.
/// `input` names it: `"jobspec"` or `"allocation"`.
pub fn check_size(input: &'static str, text: &str) -> Result<(), Error> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(Error::out_of_range(
            input,
            format!(
                "the {input} is {} bytes long; the importer reads at most {MAX_IMPORT_BYTES} bytes (limits::MAX_IMPORT_BYTES)",
                text.len()
            ),
        ));
    }
    Ok(())
}

/// A `restart` block as written: the fields it sets. Nomad merges a group's
/// block into the job type's default policy, and a task's into its group's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RestartBlock {
    pub attempts: Option<u32>,
    pub interval: Option<Nanos>,
    pub delay: Option<Nanos>,
    pub mode: Option<RestartMode>,
}

impl RestartBlock {
    /// `base` with this block's fields over it (Nomad's `RestartPolicy.Merge`).
    pub fn merged_into(&self, base: RestartPolicy) -> RestartPolicy {
        RestartPolicy {
            attempts: self.attempts.unwrap_or(base.attempts),
            interval: self.interval.unwrap_or(base.interval),
            delay: self.delay.unwrap_or(base.delay),
            mode: self.mode.unwrap_or(base.mode),
        }
    }
}

/// A task as imported: its spec, Nomad's `leader` flag, its `kill_timeout`
/// and its own `restart` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedTask {
    pub spec: TaskSpec,
    pub leader: bool,
    pub kill_timeout: Option<Nanos>,
    pub restart: Option<RestartBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedGroup {
    pub name: String,
    pub tasks: Vec<ImportedTask>,
    pub restart: Option<RestartBlock>,
    /// `max_run_duration` (batch and sysbatch jobs).
    pub max_run_duration: Option<Nanos>,
}

impl ImportedGroup {
    /// The group's restart policy in a job of type `job`, as Nomad
    /// canonicalizes it: the job type's default, the group's block over it.
    pub fn restart_policy(&self, job: JobType) -> RestartPolicy {
        let default = job.default_restart_policy();
        self.restart.map_or(default, |b| b.merged_into(default))
    }
}

impl ImportedTask {
    /// The task's own policy, when it has a `restart` block: the group's
    /// policy with the task's block over it.
    pub fn restart_policy(&self, group: RestartPolicy) -> Option<RestartPolicy> {
        self.restart.map(|b| b.merged_into(group))
    }
}

/// A job's type, task groups, and notes on what was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedJob {
    pub name: String,
    pub job_type: JobType,
    pub groups: Vec<ImportedGroup>,
    pub notes: Vec<String>,
}

/// An allocation's task group and its tasks' states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedAllocation {
    pub group: Option<String>,
    pub states: Vec<(String, TaskState)>,
}

#[cfg(feature = "import")]
impl ImportRequest {
    /// Runs the parser the request names.
    pub fn run(&self) -> ImportReply {
        let reply = match self {
            ImportRequest::Jobspec(text) => jobspec(text).map(|job| ImportReply::job(&job)),
            ImportRequest::Allocation(text) => {
                allocation(text).map(|a| ImportReply::Allocation(a.states))
            }
        };
        reply.unwrap_or_else(|e| ImportReply::Failed(e.to_string()))
    }
}

#[cfg(all(test, feature = "import"))]
mod tests {
    use super::*;

    #[test]
    fn requests_run_their_parser() {
        let job =
            ImportRequest::Jobspec("job \"j\" {\n group \"g\" {\n task \"t\" {}\n }\n}".into());
        let ImportReply::Job { groups, .. } = job.run() else {
            panic!("{:?}", job.run())
        };
        assert_eq!(groups[0].scenario().unwrap().tasks, [TaskSpec::main("t")]);
        let bad = ImportRequest::Allocation("{".into()).run();
        assert!(
            matches!(&bad, ImportReply::Failed(e) if e.contains("JSON syntax error")),
            "{bad:?}"
        );
        let alloc = ImportRequest::Allocation(
            r#"{"TaskGroup":"g","TaskStates":{"t":{"State":"running","Failed":false}}}"#.into(),
        )
        .run();
        assert_eq!(
            alloc,
            ImportReply::Allocation(vec![("t".into(), TaskState::running())])
        );
    }
}
