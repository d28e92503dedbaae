//! Recorded traces (the format of the conformance suite recorded from the Go
//! original) and their replay through the Rust API.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::error::Error;
use crate::model::{TaskSpec, TaskState};
use crate::phase::Phase;
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
