//! The playground's state, as plain structs with methods (no Yew, no DOM):
//! [`Switchboard`] (the user reports task states to a live coordinator),
//! [`RunState`] (a simulated alloc runner does), [`ImportState`] (Nomad input
//! being pasted or chosen). The root component dispatches messages to them and
//! turns what they return into effects (waits to arm, ticks to schedule).

mod import;
mod learn;
mod run;
mod switchboard;

pub use import::{ImportOutcome, ImportState, Imported};
pub use learn::LearnState;
pub use run::RunState;
#[cfg(feature = "run-mode")]
pub use run::{seconds, TICK_MS};
pub use switchboard::{who_made, Arm, Switchboard};

use crate::Transition;

/// Who made a report to the coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The page itself: a new coordinator's first report.
    Page,
    /// The user, playing the alloc runner.
    You,
    /// The user, applying what Nomad's alloc runner would do.
    Apply,
    /// Run mode's simulated alloc runner.
    Simulator,
}

impl Who {
    pub const fn label(self) -> &'static str {
        match self {
            Who::Page => "page",
            Who::You => "you",
            Who::Apply => "apply",
            Who::Simulator => "simulator",
        }
    }
}

/// One line of the event log: a report, or a new coordinator.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub seq: u64,
    /// Which coordinator heard it (entries are grouped by it).
    pub scenario: u64,
    /// What was reported: "web → running", "alloc restart", ...
    pub cause: String,
    pub who: Who,
    /// The phase change it caused, if any.
    pub transition: Option<Transition>,
}

/// The switchboard's event log: the newest [`EventLog::KEPT`] entries.
#[derive(Debug, Default)]
pub struct EventLog {
    entries: Vec<LogEntry>,
    next_seq: u64,
}

impl EventLog {
    /// Older entries are dropped.
    pub const KEPT: usize = 200;

    pub fn push(&mut self, scenario: u64, who: Who, cause: String, transition: Option<Transition>) {
        self.next_seq += 1;
        self.entries.push(LogEntry {
            seq: self.next_seq,
            scenario,
            cause,
            who,
            transition,
        });
        if self.entries.len() > Self::KEPT {
            self.entries.remove(0);
        }
    }

    /// Drops group `group`'s entries but its first (its load), for a replay
    /// to log them anew.
    pub fn rewind(&mut self, group: u64) {
        if let Some(first) = self.entries.iter().position(|e| e.scenario == group) {
            self.entries.truncate(first + 1);
        }
    }

    pub fn entries(&self) -> &[LogEntry] {
        &self.entries
    }
}
