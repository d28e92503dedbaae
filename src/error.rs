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
    /// Text that could not be parsed (a jobspec, an allocation, a share link,
    /// a trace file); the message says where. JS: `SyntaxError`.
    #[error("{message}")]
    Syntax {
        /// Which input: `"jobspec"`, `"allocation"`, `"share link"`, `"trace file"`.
        input: &'static str,
        message: String,
    },
    /// Well-formed input that can't be used as it is (a job with no group, a
    /// trace whose expectations don't match its steps). JS: `TypeError`.
    #[error("{message}")]
    Invalid {
        input: &'static str,
        message: String,
    },
    /// A number or size outside what is allowed (a count that must match,
    /// a setting out of its range, an input over a stated limit). JS: `RangeError`.
    #[error("{message}")]
    OutOfRange {
        input: &'static str,
        message: String,
    },
}

/// At most this many characters of an input are quoted in an error message.
const QUOTED_CHARS: usize = 40;

/// `text` as an error message quotes it: cut to its first [`QUOTED_CHARS`]
/// characters (with `…`), so a megabyte name never becomes a megabyte message.
pub(crate) fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    // Counted by hand (a byte that is not a UTF-8 continuation starts a
    // character): `char_indices().nth` and `format!` cost the core wasm 4 KB.
    let mut chars = 0;
    for (at, byte) in text.bytes().enumerate() {
        if (byte as i8) >= -0x40 {
            if chars == QUOTED_CHARS {
                let mut clipped = String::with_capacity(at + 3);
                clipped.push_str(text.get(..at).unwrap_or_default());
                clipped.push('…');
                return clipped.into();
            }
            chars += 1;
        }
    }
    text.into()
}

impl Error {
    /// No task is named `name` (quoted at most [`clip`]'s length).
    pub(crate) fn unknown_task(name: &str) -> Self {
        Error::UnknownTask {
            name: clip(name).into_owned(),
        }
    }

    /// A [`Error::Syntax`] for `input`.
    pub fn syntax(input: &'static str, message: impl Into<String>) -> Self {
        Error::Syntax {
            input,
            message: message.into(),
        }
    }

    /// An [`Error::Invalid`] for `input`.
    pub fn invalid(input: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            input,
            message: message.into(),
        }
    }

    /// An [`Error::OutOfRange`] for `input`.
    pub fn out_of_range(input: &'static str, message: impl Into<String>) -> Self {
        Error::OutOfRange {
            input,
            message: message.into(),
        }
    }
}

/// The wait ended because the gate (or its coordinator) was shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("the gate was shut down")]
pub struct Shutdown;
