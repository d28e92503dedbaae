//! A scenario: a task group and its tasks' states, as the playground shows it.
//! [`presets`] are the ready-made ones it offers; [`link`] is the compact,
//! human-readable form a scenario takes in a share link's URL hash
//! (`#init=prestart-ephemeral,dead&web=main,running`).
//!
//! No UI here, so it is unit-tested natively and usable from any front end.

pub mod lessons;
pub mod link;
pub mod presets;

pub use link::{
    parse_policy_text, parse_runs, parse_state_token, policy_text, runs_text, state_token,
};
pub use presets::{default_preset, Preset, PresetRun, PRESETS};

use crate::model::{Stage, Status, TaskSpec, TaskState};
use crate::tools::sim::restarts::{JobType, RestartPolicy};
use crate::tools::sim::Behaviour;

/// A task group and its tasks' current states (same order), and, for a
/// scene in run mode, how the allocation runs; with a history, `states` are
/// where it started and the reports since then replay to the moment shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub tasks: Vec<TaskSpec>,
    pub states: Vec<TaskState>,
    pub run: Option<RunSpec>,
    pub history: History,
}

/// The reports made to the coordinator since the states of a [`Scenario`],
/// in order, and how many of them it has heard (fewer after stepping back).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    pub reports: Vec<Report>,
    pub at: usize,
}

/// One report: every task's state, how the coordinator was told, whether it
/// applied what Nomad's alloc runner would do (rather than a report the
/// user chose), and what it was in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub call: Call,
    pub applied: bool,
    pub cause: String,
    pub states: Vec<TaskState>,
}

/// How a report reaches the coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `task_state_updated`.
    Update,
    /// `restore` (a client restart).
    Restore,
    /// `restart` (`nomad alloc restart`; its states are the ones before).
    Restart,
}

/// How run mode runs a group: the job type, the seed (`None`: keep the one
/// in use), the group's restart policy (`None`: the job type's default), and
/// each task's behaviour (empty: typical for each stage).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunSpec {
    pub job_type: JobType,
    pub seed: Option<u64>,
    pub restart: Option<RestartPolicy>,
    pub behaviours: Vec<Behaviour>,
    /// The group's `max_run_duration` (batch and sysbatch jobs).
    pub max_run_duration_ms: Option<u64>,
}

impl RunSpec {
    /// Task `i`'s behaviour: as given, or typical for its stage.
    pub fn behaviour(&self, i: usize, stage: Stage) -> Behaviour {
        self.behaviours
            .get(i)
            .cloned()
            .unwrap_or_else(|| Behaviour::typical(stage))
    }
}

impl Scenario {
    /// Tasks of the given stages, every one pending.
    pub fn pending(tasks: impl IntoIterator<Item = (&'static str, Stage)>) -> Self {
        let tasks: Vec<TaskSpec> = tasks
            .into_iter()
            .map(|(name, stage)| TaskSpec::in_stage(name, stage))
            .collect();
        let states = vec![TaskState::pending(); tasks.len()];
        Scenario {
            tasks,
            states,
            run: None,
            history: History::default(),
        }
    }

    /// Whether every task is pending (a fresh alloc).
    pub fn all_pending(&self) -> bool {
        self.states.iter().all(|s| s.state == Status::Pending)
    }

    /// The states by name, as an update names them.
    pub fn named_states(&self) -> impl Iterator<Item = (&str, TaskState)> {
        self.tasks
            .iter()
            .map(|t| t.name.as_str())
            .zip(self.states.iter().copied())
    }
}
