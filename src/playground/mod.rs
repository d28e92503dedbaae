//! The playground: the interactive documentation of the task lifecycle, a Yew
//! app over the same coordinator (it never re-implements the rules).
//!
//! One component per concern: [`app`] holds the state and talks to the
//! coordinator; [`toolbar`], [`diagram`], [`fsm`], [`tasks`] and [`log`] only
//! draw what they are given and report clicks as messages.

mod app;
mod browser;
mod diagram;
mod fsm;
mod importer;
mod log;
mod run;
mod tasks;
mod timeline;
mod toolbar;

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
