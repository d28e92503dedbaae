//! What a simulation reports: Nomad's task events (with their type names and
//! display messages, as `nomad alloc status` lists them) and phase changes.

use std::fmt;

use serde::Serialize;

use super::restarts::{go_duration, Nanos};
use crate::model::TaskState;
use crate::Transition;

const MS: Nanos = 1_000_000;

/// One of Nomad's task events (`structs.TaskEvent`), as the simulation emits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum TaskEvent {
    /// The client received the task.
    Received,
    /// The task's directory is built (once, before its first start).
    TaskSetup,
    /// The driver failed to start the task.
    DriverFailure {
        recoverable: bool,
    },
    Started,
    /// The task exited.
    Terminated {
        exit_code: i32,
        signal: i32,
        oom_killed: bool,
    },
    /// The restart policy restarts it after `delay_ns` (Nomad's precision).
    Restarting {
        delay_ns: u64,
        reason: String,
    },
    /// The restart policy gives up: the task fails.
    NotRestarting {
        reason: String,
    },
    /// A restart was asked for (by a user, here); the message is the reason.
    RestartSignaled {
        reason: String,
    },
    /// The task was sent an interrupt; it is force-killed after the timeout.
    Killing {
        kill_timeout_ms: u64,
        /// Killed because the group's `max_run_duration` ran out.
        max_run_duration: bool,
    },
    Killed,
    /// A sibling (by task index) failed, so the group is killed.
    SiblingFailed {
        task: usize,
    },
    /// The group's leader died, so the group is killed.
    LeaderDead,
    /// Only sidecars are left once the main tasks died, so they are killed.
    MainDead,
}

impl TaskEvent {
    /// Nomad's event type name: `Received`, `Task Setup`, `Terminated`, ...
    pub const fn type_name(&self) -> &'static str {
        match self {
            TaskEvent::Received => "Received",
            TaskEvent::TaskSetup => "Task Setup",
            TaskEvent::DriverFailure { .. } => "Driver Failure",
            TaskEvent::Started => "Started",
            TaskEvent::Terminated { .. } => "Terminated",
            TaskEvent::Restarting { .. } => "Restarting",
            TaskEvent::NotRestarting { .. } => "Not Restarting",
            TaskEvent::RestartSignaled { .. } => "Restart Signaled",
            TaskEvent::Killing { .. } => "Killing",
            TaskEvent::Killed => "Killed",
            TaskEvent::SiblingFailed { .. } => "Sibling Task Failed",
            TaskEvent::LeaderDead => "Leader Task Dead",
            TaskEvent::MainDead => "Main Tasks Dead",
        }
    }

    /// The display message Nomad gives the event; `names` resolves task
    /// indexes (a failed sibling).
    pub fn message(&self, names: &[impl AsRef<str>]) -> String {
        match self {
            TaskEvent::Received => "Task received by client".into(),
            TaskEvent::TaskSetup => "Building Task Directory".into(),
            TaskEvent::DriverFailure { .. } => "Failed to start task".into(),
            TaskEvent::Started => "Task started by client".into(),
            TaskEvent::Terminated {
                exit_code,
                signal,
                oom_killed,
            } => {
                // (The OOM flag is a detail of the event, not part of its message.)
                let _ = oom_killed;
                match signal {
                    0 => format!("Exit Code: {exit_code}"),
                    s => format!("Exit Code: {exit_code}, Signal: {s}"),
                }
            }
            TaskEvent::Restarting { delay_ns, reason } => {
                let delay = format!("Task restarting in {}", go_duration(*delay_ns));
                if reason.is_empty() || reason == super::restarts::reason::WITHIN_POLICY {
                    delay
                } else {
                    format!("{reason} - {delay}")
                }
            }
            TaskEvent::NotRestarting { reason } => reason.clone(),
            TaskEvent::RestartSignaled { reason } => reason.clone(),
            TaskEvent::Killing {
                max_run_duration: true,
                ..
            } => "allocation exceeded max_run_duration".into(),
            TaskEvent::Killing {
                kill_timeout_ms, ..
            } => format!(
                "Sent interrupt. Waiting {} before force killing",
                go_duration(kill_timeout_ms.saturating_mul(MS))
            ),
            TaskEvent::Killed => "Task successfully killed".into(),
            TaskEvent::SiblingFailed { task } => {
                let name = names.get(*task).map_or("?", |n| n.as_ref());
                format!("Task's sibling {} failed", go_quote(name))
            }
            TaskEvent::LeaderDead => "Leader Task in Group dead".into(),
            TaskEvent::MainDead => "Main tasks in the group died".into(),
        }
    }
}

/// What happened, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimEvent {
    pub at_ms: u64,
    #[serde(flatten)]
    pub kind: SimEventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SimEventKind {
    /// Something happened to task `task`: a Nomad task event, a new state, or
    /// both (the state it is in after the event).
    Task {
        task: usize,
        event: Option<TaskEvent>,
        state: TaskState,
    },
    /// The coordinator's phase changed, moving the gates it names.
    Phase(Transition),
}

/// The events Nomad keeps per task (`nomad alloc status` shows these).
pub const EVENTS_KEPT: usize = 10;

impl fmt::Display for TaskEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.type_name())
    }
}

/// `text` quoted as Go's `%q` quotes it, for the characters a task name can
/// hold: backslash, quote and control characters escaped.
fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let b = c as u8;
                out.push_str("\\x");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_as_go_quotes_them() {
        assert_eq!(go_quote("web"), "\"web\"");
        assert_eq!(go_quote("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\x01\"");
        assert_eq!(go_quote("ünï"), "\"ünï\"");
    }

    #[test]
    fn display_messages_are_nomads() {
        let names = ["web", "init"];
        let cases = [
            (TaskEvent::Received, "Task received by client"),
            (TaskEvent::TaskSetup, "Building Task Directory"),
            (TaskEvent::Started, "Task started by client"),
            (
                TaskEvent::Terminated {
                    exit_code: 1,
                    signal: 0,
                    oom_killed: true,
                },
                "Exit Code: 1",
            ),
            (
                TaskEvent::Terminated {
                    exit_code: 0,
                    signal: 9,
                    oom_killed: false,
                },
                "Exit Code: 0, Signal: 9",
            ),
            (
                TaskEvent::Restarting {
                    delay_ns: 15_623_000_000,
                    reason: super::super::restarts::reason::WITHIN_POLICY.into(),
                },
                "Task restarting in 15.623s",
            ),
            (
                TaskEvent::Restarting {
                    delay_ns: 60_000_000_000,
                    reason: super::super::restarts::reason::DELAY.into(),
                },
                "Exceeded allowed attempts, applying a delay - Task restarting in 1m0s",
            ),
            (
                TaskEvent::NotRestarting {
                    reason: "Error was unrecoverable".into(),
                },
                "Error was unrecoverable",
            ),
            (
                TaskEvent::Killing {
                    kill_timeout_ms: 5_000,
                    max_run_duration: false,
                },
                "Sent interrupt. Waiting 5s before force killing",
            ),
            (
                TaskEvent::Killing {
                    kill_timeout_ms: 5_000,
                    max_run_duration: true,
                },
                "allocation exceeded max_run_duration",
            ),
            (TaskEvent::Killed, "Task successfully killed"),
            (
                TaskEvent::SiblingFailed { task: 1 },
                "Task's sibling \"init\" failed",
            ),
            (TaskEvent::LeaderDead, "Leader Task in Group dead"),
            (TaskEvent::MainDead, "Main tasks in the group died"),
        ];
        for (event, want) in cases {
            assert_eq!(event.message(&names), want, "{}", event.type_name());
        }
    }
}
