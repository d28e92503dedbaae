//! The simulation entry's bindings (`tasklifecycle/sim`, feature `js-sim`):
//! the simulator and the ASCII renderer, in a wasm of their own so that the
//! core package never loads them.

use js_sys::RangeError;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::{decode_state, encode_state, js_error, names, specs_from_columns, type_error};
use crate::tools::sim::restarts::{JobType, RestartMode, RestartPolicy};
use crate::tools::sim::script::MAX_RUNS;
use crate::tools::sim::{Behaviour, Exit, Outside, Run, TaskEvent};
use crate::{Phase, StageSet, TaskSpec, TaskState};

/// A finished simulation as columns, one entry per event (see `simulate`).
#[wasm_bindgen]
pub struct WasmSimulation {
    times: Vec<f64>,
    /// 0: something happened to a task, 1: a phase change.
    kinds: Vec<u8>,
    /// Task index / from-phase code.
    first: Vec<u32>,
    /// State code / to-phase code.
    second: Vec<u8>,
    /// The task event's code in `taskEventNames` (255: a state change alone)
    /// / opened gates | closed gates << 8 (stage bit masks).
    third: Vec<u16>,
    /// The display message of each task event, in order.
    messages: Vec<String>,
}

#[wasm_bindgen]
impl WasmSimulation {
    pub fn times(&self) -> Vec<f64> {
        self.times.clone()
    }
    pub fn kinds(&self) -> Vec<u8> {
        self.kinds.clone()
    }
    pub fn first(&self) -> Vec<u32> {
        self.first.clone()
    }
    pub fn second(&self) -> Vec<u8> {
        self.second.clone()
    }
    pub fn third(&self) -> Vec<u16> {
        self.third.clone()
    }
    pub fn messages(&self) -> Vec<String> {
        self.messages.clone()
    }
}

/// Nomad's task event type names, in the order of their codes.
#[wasm_bindgen(js_name = taskEventNames)]
pub fn task_event_names() -> Vec<String> {
    TASK_EVENTS
        .iter()
        .map(|e| e.type_name().to_owned())
        .collect()
}

/// Nomad's job types, in the order of their codes.
#[wasm_bindgen(js_name = jobTypeNames)]
pub fn job_type_names() -> Vec<String> {
    names(&JobType::ALL, JobType::as_str)
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

/// One event of each type, in code order (payloads don't matter here).
const TASK_EVENTS: [TaskEvent; 13] = [
    TaskEvent::Received,
    TaskEvent::TaskSetup,
    TaskEvent::DriverFailure { recoverable: false },
    TaskEvent::Started,
    TaskEvent::Terminated {
        exit_code: 0,
        signal: 0,
        oom_killed: false,
    },
    TaskEvent::Restarting {
        delay_ns: 0,
        reason: String::new(),
    },
    TaskEvent::NotRestarting {
        reason: String::new(),
    },
    TaskEvent::RestartSignaled {
        reason: String::new(),
    },
    TaskEvent::Killing {
        kill_timeout_ms: 0,
        max_run_duration: false,
    },
    TaskEvent::Killed,
    TaskEvent::SiblingFailed { task: 0 },
    TaskEvent::LeaderDead,
    TaskEvent::MainDead,
];

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

/// Runs a simulated alloc (see `crate::tools::sim`). Tasks as in the
/// coordinator's constructor; `behaviours` an array as sim-api.js
/// normalizes it (`null` entries: typical for the stage); `settings`: seed,
/// jitter, horizon, job type code (`JobType::ALL` order), max run duration
/// (NaN: none); `restart`: the
/// group's policy or `null`; `actions`: outside actions as triples (time,
/// code in `outsideActionNames` order, task index).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn simulate(
    names: &str,
    lengths: &[u32],
    hooks: &[u8],
    sidecars: &[u8],
    behaviours: JsValue,
    settings: &[f64],
    restart: JsValue,
    actions: &[f64],
) -> Result<WasmSimulation, JsValue> {
    if settings.len() != 5 || actions.len() % 3 != 0 {
        return Err(type_error("simulate: bad settings or actions"));
    }
    let tasks = specs_from_columns(names, lengths, hooks, sidecars)?;
    crate::validate_tasks(&tasks).map_err(js_error)?;
    let given: Vec<Option<JsBehaviour>> = serde_wasm_bindgen::from_value(behaviours)
        .map_err(|e| type_error(&format!("simulate: behaviours: {e}")))?;
    if given.len() > tasks.len() {
        return Err(range_error(format!(
            "{} behaviours for {} tasks",
            given.len(),
            tasks.len()
        )));
    }
    let mut behaviours = Vec::with_capacity(tasks.len());
    let mut given = given.into_iter();
    for task in &tasks {
        behaviours.push(match given.next().flatten() {
            Some(b) => b.behaviour(task)?,
            None => Behaviour::typical(task.stage()),
        });
    }
    let restart: Option<JsPolicy> = serde_wasm_bindgen::from_value(restart)
        .map_err(|e| type_error(&format!("simulate: restart: {e}")))?;
    let restart = restart.map(|p| p.policy("the group")).transpose()?;
    let [seed, jitter, horizon, job, max_run] = [
        settings[0],
        settings[1],
        settings[2],
        settings[3],
        settings[4],
    ];
    // Up to 2^53 - 1 (Number.MAX_SAFE_INTEGER): past it, JS numbers are not
    // whole numbers any more, and a saturating cast would hide the mistake.
    let whole = |x: f64, what: &str| -> Result<u64, JsValue> {
        if (0.0..=9_007_199_254_740_991.0).contains(&x) {
            Ok(x as u64)
        } else {
            Err(RangeError::new(&format!(
                "simulate: {what} must be a number from 0 to Number.MAX_SAFE_INTEGER"
            ))
            .into())
        }
    };
    let job_type = *JobType::ALL
        .get(whole(job, "jobType")? as usize)
        .ok_or_else(|| RangeError::new("simulate: bad job type code"))?;
    let settings = crate::tools::sim::Settings {
        seed: whole(seed, "seed")?,
        jitter,
        horizon_ms: whole(horizon, "horizonMs")?,
        job_type,
        restart,
        max_run_duration_ms: match max_run {
            x if x.is_nan() => None,
            x => Some(millis(x, "maxRunDurationMs", "the group")?),
        },
    };
    let mut schedule = Vec::with_capacity(actions.len() / 3);
    for triple in actions.chunks(3) {
        let &[at, code, task] = triple else {
            return Err(type_error("simulate: actions come in triples"));
        };
        let task = whole(task, "action task")? as usize;
        let action = match whole(code, "action")? {
            0 => Outside::StopAlloc,
            1 => Outside::RestartRunning,
            2 => Outside::RestartAll,
            3 => Outside::RestartTask { task },
            4 => Outside::KillTask { task },
            5 => Outside::ClientRestart,
            _ => return Err(RangeError::new("simulate: bad action code").into()),
        };
        schedule.push((whole(at, "atMs")?, action));
    }
    let events = crate::tools::sim::simulate_with(tasks.clone(), behaviours, settings, &schedule)
        .map_err(js_error)?;
    let mut out = WasmSimulation {
        times: Vec::with_capacity(events.len()),
        kinds: Vec::with_capacity(events.len()),
        first: Vec::with_capacity(events.len()),
        second: Vec::with_capacity(events.len()),
        third: Vec::with_capacity(events.len()),
        messages: Vec::new(),
    };
    let task_names = names_of(&tasks);
    for event in events {
        use crate::tools::sim::SimEventKind as K;
        let (kind, a, b, c) = match event.kind {
            K::Task { task, event, state } => {
                let code = match &event {
                    Some(e) => {
                        out.messages.push(e.message(&task_names));
                        TASK_EVENTS
                            .iter()
                            .position(|t| t.type_name() == e.type_name())
                            .unwrap_or(255) as u16
                    }
                    None => 255,
                };
                let state = encode_state(state);
                (0, task as u32, state, code)
            }
            K::Phase(t) => (
                1,
                t.from as u32,
                t.to as u8,
                u16::from(t.opened.bits()) | u16::from(t.closed.bits()) << 8,
            ),
        };
        out.times.push(event.at_ms as f64);
        out.kinds.push(kind);
        out.first.push(a);
        out.second.push(b);
        out.third.push(c);
    }
    Ok(out)
}

fn names_of(tasks: &[TaskSpec]) -> Vec<&str> {
    tasks.iter().map(|t| t.name.as_str()).collect()
}

/// The coordinator as ASCII art, drawn from a snapshot of a core
/// coordinator (tasks as in `simulate`, each state's code, the phase's code,
/// and the open gates as a stage bit mask): see `crate::tools::ascii`.
#[wasm_bindgen(js_name = renderAscii)]
pub fn render_ascii(
    names: &str,
    lengths: &[u32],
    hooks: &[u8],
    sidecars: &[u8],
    states: &[u8],
    phase: u8,
    open: u8,
) -> Result<String, JsValue> {
    let tasks = specs_from_columns(names, lengths, hooks, sidecars)?;
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
