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

/// Mounts the playground on the page's body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
