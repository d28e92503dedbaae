//! Recorded traces (the formats of the conformance suite recorded from Nomad's
//! Go code, `tests/conformance/`) and their replay through the Rust API:
//! coordinator traces ([`Trace`], a JSON array) and restart-tracker traces
//! ([`RestartTrace`], an object with `traces`). [`parse_file`] tells them
//! apart by their shape.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::error::Error;
use crate::model::{Lifecycle, TaskSpec, TaskState};
use crate::phase::Phase;
use crate::tools::sim::restarts::{
    ExitResult, JobType, Nanos, RestartEvent, RestartMode, RestartPolicy, RestartTracker,
};
use crate::Coordinator;

/// One recorded run: the tasks, the calls made, and the expected state
/// before the first call (`expect[0]`) and after each call.
#[derive(Debug, Clone, Deserialize)]
pub struct Trace {
    pub name: String,
    pub tasks: Vec<TaskSpec>,
    pub steps: Vec<Step>,
    pub expect: Vec<Expected>,
}

/// A call on the coordinator.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Step {
    Update { states: BTreeMap<String, TaskState> },
    Restart,
    Restore { states: BTreeMap<String, TaskState> },
}

/// The coordinator's phase and which tasks may start, after a step.
#[derive(Debug, Clone, Deserialize)]
pub struct Expected {
    pub state: Phase,
    pub allowed: BTreeMap<String, bool>,
}

/// A difference between the replay and the recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub trace: String,
    /// 0 is right after construction; `i` is right after `steps[i - 1]`.
    pub step: usize,
    /// `state`, `allowed[task]` or `start_condition[task]`.
    pub field: String,
    pub got: String,
    pub want: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: step {}: {}: got {}, want {}",
            self.trace, self.step, self.field, self.got, self.want
        )
    }
}

/// Parses a JSON array of traces.
pub fn parse(json: &str) -> Result<Vec<Trace>, Error> {
    serde_json::from_str(json).map_err(|e| Error::syntax("trace file", e.to_string()))
}

impl Trace {
    /// Replays the trace and returns every mismatch. Besides the recorded
    /// fields, checks that `is_allowed` agrees with whether the task's start
    /// condition is ready when polled. Fails if the trace itself is invalid
    /// (bad task list, unknown task in a step, expectations not one per step + 1).
    pub fn replay(&self) -> Result<Vec<Mismatch>, Error> {
        if self.expect.len() != self.steps.len() + 1 {
            return Err(Error::invalid(
                "trace",
                format!(
                    "trace `{}`: {} expectations for {} steps (want one more than steps)",
                    self.name,
                    self.expect.len(),
                    self.steps.len()
                ),
            ));
        }
        let coordinator = Coordinator::new(self.tasks.iter().cloned())?;
        let mut mismatches = Vec::new();
        for (i, expected) in self.expect.iter().enumerate() {
            if i > 0 {
                match &self.steps[i - 1] {
                    Step::Update { states } => coordinator.task_state_updated(states)?,
                    Step::Restore { states } => coordinator.restore(states)?,
                    Step::Restart => coordinator.restart(),
                };
            }
            self.compare(&coordinator, i, expected, &mut mismatches)?;
        }
        Ok(mismatches)
    }

    fn compare(
        &self,
        coordinator: &Coordinator,
        step: usize,
        expected: &Expected,
        out: &mut Vec<Mismatch>,
    ) -> Result<(), Error> {
        let mut mismatch = |field: String, got: String, want: String| {
            out.push(Mismatch {
                trace: self.name.clone(),
                step,
                field,
                got,
                want,
            })
        };
        let phase = coordinator.phase();
        if phase != expected.state {
            mismatch(
                "state".into(),
                phase.to_string(),
                expected.state.to_string(),
            );
        }
        for (task, &want) in &expected.allowed {
            let got = coordinator.is_allowed(task)?;
            if got != want {
                mismatch(
                    format!("allowed[{task}]"),
                    got.to_string(),
                    want.to_string(),
                );
            }
            let ready = coordinator.start_condition_for_task(task)?.now() == Some(Ok(()));
            if ready != got {
                mismatch(
                    format!("start_condition[{task}]"),
                    format!("ready={ready}"),
                    format!("ready={got} (as is_allowed)"),
                );
            }
        }
        Ok(())
    }
}

/// A trace file of either format.
#[derive(Debug, Clone)]
pub enum TraceFile {
    Coordinator(Vec<Trace>),
    RestartTracker(Vec<RestartTrace>),
}

impl TraceFile {
    /// The number of traces and of steps in them.
    pub fn size(&self) -> (usize, usize) {
        match self {
            TraceFile::Coordinator(t) => (t.len(), t.iter().map(|t| t.steps.len()).sum()),
            TraceFile::RestartTracker(t) => (t.len(), t.iter().map(|t| t.steps.len()).sum()),
        }
    }

    /// Replays every trace: each trace's mismatches, or why it is invalid.
    pub fn replay(&self) -> Vec<(String, Result<Vec<Mismatch>, Error>)> {
        match self {
            TraceFile::Coordinator(t) => t.iter().map(|t| (t.name.clone(), t.replay())).collect(),
            TraceFile::RestartTracker(t) => {
                t.iter().map(|t| (t.name.clone(), Ok(t.replay()))).collect()
            }
        }
    }
}

/// Parses a trace file of either format: a JSON array is coordinator traces,
/// an object with `traces` is restart-tracker traces.
pub fn parse_file(json: &str) -> Result<TraceFile, Error> {
    if json.trim_start().starts_with('[') {
        return parse(json).map(TraceFile::Coordinator);
    }
    #[derive(Deserialize)]
    struct File {
        traces: Vec<RestartTrace>,
    }
    let file: File =
        serde_json::from_str(json).map_err(|e| Error::syntax("trace file", e.to_string()))?;
    Ok(TraceFile::RestartTracker(file.traces))
}

/// One recorded run of Nomad's restart tracker on a fake clock.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestartTrace {
    pub name: String,
    pub job_type: JobType,
    /// `None`: a main task.
    pub lifecycle: Option<Lifecycle>,
    pub policy: TracePolicy,
    pub steps: Vec<RestartStep>,
}

/// A restart policy as the traces write it, in milliseconds.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TracePolicy {
    pub attempts: u32,
    pub interval_ms: u64,
    pub delay_ms: u64,
    pub mode: RestartMode,
}

impl From<TracePolicy> for RestartPolicy {
    fn from(p: TracePolicy) -> Self {
        const MS: Nanos = 1_000_000;
        RestartPolicy {
            attempts: p.attempts,
            interval: p.interval_ms.saturating_mul(MS),
            delay: p.delay_ms.saturating_mul(MS),
            mode: p.mode,
        }
    }
}

/// One step: advance the clock, record an event, ask for the next state.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestartStep {
    pub advance_ms: u64,
    pub event: TraceEvent,
    pub expect: RestartExpected,
}

/// The event a step records, as the traces write it.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum TraceEvent {
    #[serde(rename_all = "camelCase")]
    Exit {
        exit_code: i32,
        signal: i32,
        oom_killed: bool,
        /// The driver's error, if any (only its presence matters).
        #[serde(default)]
        err: Option<String>,
    },
    StartError {
        recoverable: bool,
    },
    Killed,
    RestartTriggered {
        failure: bool,
    },
    None,
}

impl From<&TraceEvent> for RestartEvent {
    fn from(e: &TraceEvent) -> Self {
        match *e {
            TraceEvent::Exit {
                exit_code,
                signal,
                oom_killed,
                ref err,
            } => RestartEvent::Exited(ExitResult {
                exit_code,
                signal,
                oom_killed,
                err: err.is_some(),
            }),
            TraceEvent::StartError { recoverable } => RestartEvent::StartError { recoverable },
            TraceEvent::Killed => RestartEvent::Killed,
            TraceEvent::RestartTriggered { failure } => RestartEvent::RestartTriggered { failure },
            TraceEvent::None => RestartEvent::None,
        }
    }
}

/// What the tracker said after a step. The delay is checked against the
/// bounds Nomad's code guarantees, since its jitter used its own RNG.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestartExpected {
    pub state: String,
    pub reason: String,
    pub count: u32,
    pub min_delay_ns: Nanos,
    pub max_delay_ns: Nanos,
}

impl RestartTrace {
    /// Replays the trace with a seeded RNG and returns every mismatch: state,
    /// reason and count must equal the recording, the delay must lie within
    /// its recorded bounds.
    pub fn replay(&self) -> Vec<Mismatch> {
        const MS: Nanos = 1_000_000;
        let mut rng = fastrand::Rng::with_seed(self.steps.len() as u64);
        let mut tracker = RestartTracker::new(
            self.policy.into(),
            self.job_type,
            self.lifecycle.as_ref(),
            0,
        );
        let mut now: Nanos = 0;
        let mut out = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            now = now.saturating_add(step.advance_ms.saturating_mul(MS));
            tracker.record(RestartEvent::from(&step.event));
            let decision = tracker.next_state(now, |n| rng.u64(0..n));
            let want = &step.expect;
            let mut check = |field: &str, got: String, want: String| {
                if got != want {
                    out.push(Mismatch {
                        trace: self.name.clone(),
                        step: i + 1,
                        field: field.to_owned(),
                        got,
                        want,
                    });
                }
            };
            let state = decision.state.map_or("", |s| s.as_str());
            check("state", state.to_owned(), want.state.clone());
            check("reason", tracker.reason().to_owned(), want.reason.clone());
            check("count", tracker.count().to_string(), want.count.to_string());
            let (lo, hi) = (want.min_delay_ns, want.max_delay_ns);
            if !(lo..=hi).contains(&decision.delay) {
                check(
                    "delay_ns",
                    decision.delay.to_string(),
                    format!("{lo}..={hi}"),
                );
            }
        }
        out
    }
}
