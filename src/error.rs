//! Errors. Every message names the input that caused it.

use thiserror::Error;

/// Bad input to the coordinator. The call that returned it changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A task spec with an empty name.
    #[error("task #{index} has an empty name")]
    EmptyTaskName { index: usize },
    /// Two task specs with the same name.
    #[error("duplicate task name `{name}`")]
    DuplicateTaskName { name: String },
    /// A task name the coordinator was not built with.
    #[error("unknown task `{name}`")]
    UnknownTask { name: String },
    /// A task position past the end of the task list.
    #[error("task index {index} is out of range: the group has {tasks} tasks")]
    TaskIndexOutOfRange { index: usize, tasks: usize },
    /// A hook string that is not `prestart`, `poststart`, `poststop` or empty.
    #[error("unknown hook `{hook}` (expected \"prestart\", \"poststart\", \"poststop\" or \"\")")]
    UnknownHook { hook: String },
    /// A state string that is not `pending`, `running` or `dead`.
    #[error("unknown task state `{state}` (expected \"pending\", \"running\" or \"dead\")")]
    UnknownState { state: String },
    /// A stage name that is not one of the six.
    #[error("unknown stage `{stage}` (expected one of prestart-ephemeral, prestart-sidecar, main, poststart-ephemeral, poststart-sidecar, poststop)")]
    UnknownStage { stage: String },
    /// A phase name that is not one of the six.
    #[error("unknown phase `{phase}` (expected one of init, prestart, main, poststart, wait_alloc, poststop)")]
    UnknownPhase { phase: String },
    /// Input that could not be parsed; the message says where.
    #[error("{0}")]
    Invalid(String),
}

/// The wait ended because the gate (or its coordinator) was shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("the gate was shut down")]
pub struct Shutdown;
