//! A scenario: a task group and its tasks' states, as the playground shows it.
//! [`presets`] are the ready-made ones it offers; [`link`] is the compact,
//! human-readable form a scenario takes in a share link's URL hash
//! (`#init=prestart-ephemeral,dead&web=main,running`).
//!
//! No UI here, so it is unit-tested natively and usable from any front end.

pub mod link;
pub mod presets;

pub use link::{state_token, MAX_HASH_LEN, MAX_TASKS};
pub use presets::{default_preset, Preset, PresetRun, PRESETS};

use crate::model::{Stage, Status, TaskSpec, TaskState};

/// A task group and its tasks' current states (same order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub tasks: Vec<TaskSpec>,
    pub states: Vec<TaskState>,
}

impl Scenario {
    /// Tasks of the given stages, every one pending.
    pub fn pending(tasks: impl IntoIterator<Item = (&'static str, Stage)>) -> Self {
        let tasks: Vec<TaskSpec> = tasks
            .into_iter()
            .map(|(name, stage)| TaskSpec::in_stage(name, stage))
            .collect();
        let states = vec![TaskState::pending(); tasks.len()];
        Scenario { tasks, states }
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
