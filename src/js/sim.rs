//! The simulation entry's bindings (`tasklifecycle/sim`, feature `js-sim`):
//! the simulator and the ASCII renderer, in a wasm of their own so that the
//! core package never loads them.

use js_sys::RangeError;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{decode_state, js_error, type_error};
use crate::tools::sim::restarts::{JobType, RestartMode, RestartPolicy};
use crate::tools::sim::script::MAX_RUNS;
use crate::tools::sim::{Behaviour, Exit, Outside, Run};
use crate::{Phase, Stage, StageSet, TaskSpec, TaskState};

/// One event of a simulation as JS receives it (serde-wasm-bindgen):
/// `{ atMs, type: "task", task, state: { state, failed }, event? }` or
/// `{ atMs, type: "phase", from, to, opened, closed }`. The one wire format
/// of `simulate`'s result; sim.d.ts's `SimEvent` describes it.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum JsEvent<'a> {
    #[serde(rename_all = "camelCase")]
    Task {
        at_ms: f64,
        task: &'a str,
        state: TaskState,
        #[serde(skip_serializing_if = "Option::is_none")]
        event: Option<JsTaskEvent>,
    },
    #[serde(rename_all = "camelCase")]
    Phase {
        at_ms: f64,
        from: Phase,
        to: Phase,
        opened: Vec<Stage>,
        closed: Vec<Stage>,
    },
}

/// A Nomad task event: its type name and display message.
#[derive(Serialize)]
struct JsTaskEvent {
    #[serde(rename = "type")]
    kind: &'static str,
    message: String,
}

/// Outside actions, in the order of their codes.
#[wasm_bindgen(js_name = outsideActionNames)]
pub fn outside_action_names() -> Vec<String> {
    OUTSIDE_ACTIONS.iter().map(|&s| s.to_owned()).collect()
}

/// The JS names of [`Outside`]'s variants, in code order.
const OUTSIDE_ACTIONS: [&str; 6] = [
    "stopAlloc",
    "restartRunning",
    "restartAll",
    "restartTask",
    "killTask",
    "clientRestart",
];

/// `simulate`'s input, as sim-api.js hands it over after checking every
/// field's type (so a wrong type is a TypeError naming the field there, and
/// a value out of range a RangeError naming it here).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsSimInput {
    tasks: Vec<TaskSpec>,
    /// One per task at most; `null`: typical for the stage.
    behaviours: Vec<Option<JsBehaviour>>,
    seed: f64,
    jitter: f64,
    horizon_ms: f64,
    job_type: String,
    max_run_duration_ms: Option<f64>,
    restart: Option<JsPolicy>,
    actions: Vec<JsAction>,
}

/// An outside action at a time: `kind` one of `outsideActionNames`, `task`
/// the index of the task it acts on (restartTask, killTask).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsAction {
    at_ms: f64,
    kind: String,
    #[serde(default)]
    task: usize,
}

/// A behaviour as sim-api.js normalizes it (`null`: typical for the stage).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsBehaviour {
    runs: Vec<JsRun>,
    #[serde(default)]
    leader: bool,
    kill_timeout_ms: Option<f64>,
    stop_ms: Option<f64>,
    restart: Option<JsPolicy>,
}

/// One run: times in ms (`None`: typical for the stage; `run_ms` −1: until
/// killed), and how it ends.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsRun {
    start_ms: Option<f64>,
    run_ms: Option<f64>,
    #[serde(default)]
    exit_code: f64,
    #[serde(default)]
    oom_killed: bool,
    /// `"recoverable"` or `"unrecoverable"`.
    start_error: Option<String>,
}

/// A restart policy with its durations in milliseconds.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsPolicy {
    attempts: f64,
    interval_ms: f64,
    delay_ms: f64,
    mode: String,
}

fn range_error(message: String) -> JsValue {
    RangeError::new(&message).into()
}

/// A number of milliseconds ≥ 0 (and below 10^12: about 30 years).
fn millis(x: f64, what: &str, whose: &str) -> Result<u64, JsValue> {
    if (0.0..=1e12).contains(&x) {
        Ok(x as u64)
    } else {
        // (No float in the message: formatting floats would double the wasm.)
        Err(range_error(format!(
            "simulate: {whose}: {what} must be a number of milliseconds ≥ 0"
        )))
    }
}

impl JsPolicy {
    fn policy(&self, whose: &str) -> Result<RestartPolicy, JsValue> {
        const MS: u64 = 1_000_000;
        if !(0.0..=1e9).contains(&self.attempts) || self.attempts.fract() != 0.0 {
            return Err(range_error(format!(
                "simulate: {whose}: restart.attempts must be a whole number ≥ 0"
            )));
        }
        let mode: RestartMode = self.mode.parse().map_err(|_| {
            range_error(format!(
                "simulate: {whose}: restart.mode must be \"fail\" or \"delay\""
            ))
        })?;
        Ok(RestartPolicy {
            attempts: self.attempts as u32,
            interval: millis(self.interval_ms, "restart.intervalMs", whose)? * MS,
            delay: millis(self.delay_ms, "restart.delayMs", whose)? * MS,
            mode,
        })
    }
}

impl JsBehaviour {
    fn behaviour(self, task: &TaskSpec) -> Result<Behaviour, JsValue> {
        let whose = format!("task `{}`", task.name);
        let typical = Behaviour::typical(task.stage());
        let first = typical.run(0);
        if self.runs.is_empty() || self.runs.len() > MAX_RUNS {
            return Err(range_error(format!(
                "simulate: {whose}: runs must hold 1 to {MAX_RUNS} runs"
            )));
        }
        let mut runs = Vec::with_capacity(self.runs.len());
        for run in self.runs {
            let exit = match run.start_error.as_deref() {
                Some("recoverable") => Exit::StartError { recoverable: true },
                Some("unrecoverable") => Exit::StartError { recoverable: false },
                Some(_) => {
                    return Err(range_error(format!(
                        "simulate: {whose}: startError must be \"recoverable\" or \"unrecoverable\""
                    )))
                }
                None => {
                    let code = run.exit_code;
                    if code.fract() != 0.0 || !(-2147483648.0..=2147483647.0).contains(&code) {
                        return Err(range_error(format!(
                            "simulate: {whose}: exitCode must be a whole number"
                        )));
                    }
                    match run.oom_killed {
                        true => Exit::OomKilled { code: code as i32 },
                        false => Exit::Code { code: code as i32 },
                    }
                }
            };
            runs.push(Run {
                start_ms: match run.start_ms {
                    None => first.start_ms,
                    Some(x) => millis(x, "startMs", &whose)?,
                },
                run_ms: match run.run_ms {
                    None => first.run_ms,
                    Some(-1.0) => None,
                    Some(x) => Some(millis(x, "runMs", &whose)?),
                },
                exit,
            });
        }
        Ok(Behaviour {
            runs,
            leader: self.leader,
            kill_timeout_ms: match self.kill_timeout_ms {
                None => typical.kill_timeout_ms,
                Some(x) => millis(x, "killTimeoutMs", &whose)?,
            },
            stop_ms: match self.stop_ms {
                None => typical.stop_ms,
                Some(x) => millis(x, "stopMs", &whose)?,
            },
            restart: self.restart.map(|p| p.policy(&whose)).transpose()?,
        })
    }
}

/// Runs a simulated alloc (see `crate::tools::sim`) and returns its events
/// in order. `input` is a [`JsSimInput`] object (sim-api.js builds it);
/// both directions go through serde-wasm-bindgen.
#[wasm_bindgen]
pub fn simulate(input: JsValue) -> Result<JsValue, JsValue> {
    let input: JsSimInput =
        serde_wasm_bindgen::from_value(input).map_err(|e| type_error(&format!("simulate: {e}")))?;
    let tasks = input.tasks;
    crate::validate_tasks(&tasks).map_err(js_error)?;
    if input.behaviours.len() > tasks.len() {
        return Err(range_error(format!(
            "{} behaviours for {} tasks",
            input.behaviours.len(),
            tasks.len()
        )));
    }
    let mut behaviours = Vec::with_capacity(tasks.len());
    let mut given = input.behaviours.into_iter();
    for task in &tasks {
        behaviours.push(match given.next().flatten() {
            Some(b) => b.behaviour(task)?,
            None => Behaviour::typical(task.stage()),
        });
    }
    let restart = input.restart.map(|p| p.policy("the group")).transpose()?;
    // Up to 2^53 - 1 (Number.MAX_SAFE_INTEGER): past it, JS numbers are not
    // whole numbers any more, and a saturating cast would hide the mistake.
    let whole = |x: f64, what: &str| -> Result<u64, JsValue> {
        if (0.0..=9_007_199_254_740_991.0).contains(&x) {
            Ok(x as u64)
        } else {
            Err(range_error(format!(
                "simulate: {what} must be a number from 0 to Number.MAX_SAFE_INTEGER"
            )))
        }
    };
    let job_type: JobType = input.job_type.parse().map_err(|_| {
        range_error(format!(
            "jobType must be one of {}",
            JobType::ALL.map(JobType::as_str).join(", ")
        ))
    })?;
    let settings = crate::tools::sim::Settings {
        seed: whole(input.seed, "seed")?,
        jitter: input.jitter,
        horizon_ms: whole(input.horizon_ms, "horizonMs")?,
        job_type,
        restart,
        max_run_duration_ms: match input.max_run_duration_ms {
            None => None,
            Some(x) => Some(millis(x, "maxRunDurationMs", "the group")?),
        },
    };
    let mut schedule = Vec::with_capacity(input.actions.len());
    for (i, action) in input.actions.iter().enumerate() {
        let task = action.task;
        let outside = match action.kind.as_str() {
            "stopAlloc" => Outside::StopAlloc,
            "restartRunning" => Outside::RestartRunning,
            "restartAll" => Outside::RestartAll,
            "restartTask" => Outside::RestartTask { task },
            "killTask" => Outside::KillTask { task },
            "clientRestart" => Outside::ClientRestart,
            _ => {
                return Err(range_error(format!(
                    "action #{i}: kind must be one of {}",
                    OUTSIDE_ACTIONS.join(", ")
                )))
            }
        };
        schedule.push((whole(action.at_ms, "atMs")?, outside));
    }
    let events = crate::tools::sim::simulate_with(tasks.clone(), behaviours, settings, &schedule)
        .map_err(js_error)?;
    let task_names = names_of(&tasks);
    let out: Vec<JsEvent> = events
        .into_iter()
        .map(|event| {
            use crate::tools::sim::SimEventKind as K;
            let at_ms = event.at_ms as f64;
            match event.kind {
                K::Task { task, event, state } => JsEvent::Task {
                    at_ms,
                    task: task_names[task],
                    state,
                    event: event.map(|e| JsTaskEvent {
                        kind: e.type_name(),
                        message: e.message(&task_names),
                    }),
                },
                K::Phase(t) => JsEvent::Phase {
                    at_ms,
                    from: t.from,
                    to: t.to,
                    opened: t.opened.iter().collect(),
                    closed: t.closed.iter().collect(),
                },
            }
        })
        .collect();
    out.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| type_error(&format!("simulate: {e}")))
}

fn names_of(tasks: &[TaskSpec]) -> Vec<&str> {
    tasks.iter().map(|t| t.name.as_str()).collect()
}

/// The coordinator as ASCII art, drawn from a snapshot of a core
/// coordinator (tasks as in `simulate`, each state's code, the phase's code,
/// and the open gates as a stage bit mask): see `crate::tools::ascii`.
#[wasm_bindgen(js_name = renderAscii)]
pub fn render_ascii(tasks: JsValue, states: &[u8], phase: u8, open: u8) -> Result<String, JsValue> {
    let tasks: Vec<TaskSpec> = serde_wasm_bindgen::from_value(tasks)
        .map_err(|e| type_error(&format!("renderAscii: {e}")))?;
    if states.len() != tasks.len() {
        return Err(type_error("renderAscii: one state per task"));
    }
    let states: Vec<TaskState> = states
        .iter()
        .map(|&code| {
            decode_state(code).ok_or_else(|| RangeError::new("renderAscii: bad state code"))
        })
        .collect::<Result<_, _>>()?;
    let phase = *Phase::ALL
        .get(usize::from(phase))
        .ok_or_else(|| RangeError::new("renderAscii: bad phase code"))?;
    let open: StageSet = crate::Stage::ALL
        .into_iter()
        .filter(|s| open & (1 << s.index()) != 0)
        .collect();
    Ok(crate::tools::ascii::render_snapshot(
        &crate::tools::ascii::Snapshot {
            phase,
            tasks: &tasks,
            states: &states,
            open,
        },
    ))
}
