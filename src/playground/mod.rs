//! The playground: the interactive documentation of the task lifecycle, a Yew
//! app over the same coordinator (it never re-implements the rules).
//!
//! As in Yew's todomvc example: [`state`] holds plain structs with methods
//! (the switchboard over a live coordinator, run mode's simulation, the
//! import panel); [`app`] is the root component, a short dispatch of
//! messages into them; [`views`] draw what they hold and report clicks as
//! messages; [`browser`] is the DOM glue (URL hash, downloads); [`worker`]
//! starts and talks to the import worker.

mod app;
mod browser;
mod handover;
mod msg;
mod state;
mod views;
mod worker;

use crate::{TaskSpec, TaskState};

/// What the views show of one task and its task runner.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskView {
    pub index: usize,
    pub spec: TaskSpec,
    pub state: TaskState,
    /// Its task runner's `start_condition_for_task` wait is still pending.
    pub waiting: bool,
    /// Its gate is open.
    pub allowed: bool,
    /// The coordinator's `explain`.
    pub explain: String,
}

/// Where a task runner is, as the page tells it: only a runner that has not
/// started and whose gate holds it is waiting; one whose task exited waits
/// for nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunnerStatus {
    /// Not started; its gate is closed (or has not admitted it yet).
    Waiting,
    /// Its start condition passed; the task has not been reported running.
    Admitted,
    Running,
    /// Dead and not failed.
    Exited,
    Failed,
}

impl RunnerStatus {
    pub const fn label(self) -> &'static str {
        match self {
            RunnerStatus::Waiting => "waiting",
            RunnerStatus::Admitted => "admitted",
            RunnerStatus::Running => "running",
            RunnerStatus::Exited => "exited 0",
            RunnerStatus::Failed => "failed",
        }
    }

    /// The CSS class (one word).
    pub const fn class(self) -> &'static str {
        match self {
            RunnerStatus::Exited => "exited",
            other => other.label(),
        }
    }
}

impl TaskView {
    pub fn status(&self) -> RunnerStatus {
        use crate::Status;
        match (self.state.state, self.state.failed, self.waiting) {
            (Status::Dead, true, _) => RunnerStatus::Failed,
            (Status::Dead, false, _) => RunnerStatus::Exited,
            (Status::Running, _, _) => RunnerStatus::Running,
            (Status::Pending, _, true) => RunnerStatus::Waiting,
            (Status::Pending, _, false) => RunnerStatus::Admitted,
        }
    }
}

/// Mounts the playground on the page's body.
pub fn start() {
    handover::mount::<app::App>();
}
