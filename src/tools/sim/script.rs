//! How a simulated task behaves: a script of runs (each starts after a
//! while, then exits with an outcome or runs until killed; the last run
//! repeats), whether it is the group's leader, how it dies when killed, and
//! its own restart policy.

use serde::{Deserialize, Serialize};

use super::restarts::RestartPolicy;
use crate::model::Stage;

/// How one run of a task ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Exit {
    /// The process exits with this code (0 is success).
    Code { code: i32 },
    /// The kernel's OOM killer ends it (Nomad reads exit code 0 with the OOM
    /// flag as a success: only the code, a signal or a driver error fail a run).
    OomKilled { code: i32 },
    /// The driver fails to start it; an unrecoverable error is never retried.
    StartError { recoverable: bool },
}

/// One run of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// From admission (or the end of a restart delay) to running.
    pub start_ms: u64,
    /// From running to its exit; `None` runs until killed.
    pub run_ms: Option<u64>,
    /// How the run ends (ignored when it runs until killed).
    pub exit: Exit,
}

impl Run {
    /// Starts after `start_ms`, runs `run_ms` (or until killed), exits with `code`.
    pub const fn exits(start_ms: u64, run_ms: Option<u64>, code: i32) -> Self {
        Run {
            start_ms,
            run_ms,
            exit: Exit::Code { code },
        }
    }
}

pub use crate::limits::{MAX_KILL_TIMEOUT_MS, MAX_RUNS};

/// Nomad's default `kill_timeout`.
pub const DEFAULT_KILL_TIMEOUT_MS: u64 = 5_000;

/// How a simulated task behaves once its gate lets it start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Behaviour {
    /// Run after run; the last one repeats for every later restart.
    pub runs: Vec<Run>,
    /// Nomad's `leader`: when it dies, every other task is killed.
    pub leader: bool,
    /// The task's `kill_timeout`: how long Nomad waits after the interrupt
    /// before force-killing it (capped at [`MAX_KILL_TIMEOUT_MS`]).
    pub kill_timeout_ms: u64,
    /// How long the task takes to exit once interrupted; it is force-killed
    /// at its kill timeout if that comes first.
    pub stop_ms: u64,
    /// The task's own `restart` block; `None` uses the group's.
    pub restart: Option<RestartPolicy>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            runs: vec![Run::exits(500, Some(3_000), 0)],
            leader: false,
            kill_timeout_ms: DEFAULT_KILL_TIMEOUT_MS,
            stop_ms: 0,
            restart: None,
        }
    }
}

impl Behaviour {
    /// One run, repeated: starts after `start_ms`, runs `run_ms` (or until
    /// killed), exits 1 if it `fails`, 0 otherwise.
    pub fn once(start_ms: u64, run_ms: Option<u64>, fails: bool) -> Self {
        Behaviour {
            runs: vec![Run::exits(start_ms, run_ms, i32::from(fails))],
            ..Behaviour::default()
        }
    }

    /// A sensible behaviour for a task of `stage`: sidecars run until killed,
    /// main tasks run longest, hooks briefly; every run exits 0.
    pub fn typical(stage: Stage) -> Self {
        let run_ms = match stage {
            Stage::PrestartSidecar | Stage::PoststartSidecar => None,
            Stage::Main => Some(8_000),
            Stage::PrestartEphemeral => Some(2_000),
            Stage::PoststartEphemeral => Some(1_500),
            Stage::Poststop => Some(1_000),
        };
        Behaviour::once(500, run_ms, false)
    }

    /// The run for the `n`th start (0-based): the last run repeats.
    pub fn run(&self, n: usize) -> Run {
        let last = self.runs.len().saturating_sub(1);
        self.runs
            .get(n.min(last))
            .copied()
            .unwrap_or(Run::exits(0, None, 0))
    }

    /// The first run, which the playground's form edits (it repeats unless
    /// more runs follow).
    pub fn first_run_mut(&mut self) -> &mut Run {
        if self.runs.is_empty() {
            self.runs.push(Run::exits(0, None, 0));
        }
        &mut self.runs[0]
    }

    /// Whether the first run exits with a failure.
    pub fn fails(&self) -> bool {
        !matches!(
            self.run(0).exit,
            Exit::Code { code: 0 } | Exit::OomKilled { code: 0 }
        )
    }

    /// How long the task takes to die once interrupted.
    pub fn time_to_die_ms(&self) -> u64 {
        self.stop_ms.min(self.kill_timeout())
    }

    /// The kill timeout in force (capped as a Nomad client caps it).
    pub fn kill_timeout(&self) -> u64 {
        self.kill_timeout_ms.min(MAX_KILL_TIMEOUT_MS)
    }
}
