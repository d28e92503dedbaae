//! The simulation entry's bindings (`tasklifecycle/sim`, feature `js-sim`):
//! the simulator and the ASCII renderer, in a wasm of their own so that the
//! core package never loads them.

use js_sys::RangeError;
use wasm_bindgen::prelude::*;

use super::{decode_state, js_error, names, specs_from_columns, type_error};
use crate::tools::sim::restarts::JobType;
use crate::tools::sim::{Outside, TaskEvent};
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
    TaskEvent::Killing { kill_timeout_ms: 0 },
    TaskEvent::Killed,
    TaskEvent::SiblingFailed { task: 0 },
    TaskEvent::LeaderDead,
    TaskEvent::MainDead,
];

/// Runs a simulated alloc (see `crate::tools::sim`). Tasks as in the coordinator's
/// constructor; behaviours as columns (`start_ms`/`run_ms` NaN: typical for
/// the hook; `run_ms` −1: until killed; `flags` bit 0 fails, bit 1 leader);
/// `settings`: seed, jitter, horizon, job type code (`JobType::ALL` order);
/// `actions`: outside actions as triples (time, code in `outsideActionNames`
/// order, task index).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn simulate(
    names: &str,
    lengths: &[u32],
    hooks: &[u8],
    sidecars: &[u8],
    start_ms: &[f64],
    run_ms: &[f64],
    flags: &[u8],
    settings: &[f64],
    actions: &[f64],
) -> Result<WasmSimulation, JsValue> {
    let n = lengths.len();
    if [
        hooks.len(),
        sidecars.len(),
        start_ms.len(),
        run_ms.len(),
        flags.len(),
    ]
    .iter()
    .any(|&l| l != n)
        || settings.len() != 4
        || actions.len() % 3 != 0
    {
        return Err(type_error("simulate: columns have different lengths"));
    }
    let tasks = specs_from_columns(names, lengths, hooks, sidecars)?;
    crate::validate_tasks(&tasks).map_err(js_error)?;
    let ms = |x: f64, what: &str, task: &str| -> Result<u64, JsValue> {
        if (0.0..=1e12).contains(&x) {
            Ok(x as u64)
        } else {
            // (No float in the message: formatting floats would double the wasm.)
            Err(RangeError::new(&format!(
                "simulate: task `{task}`: {what} must be a number of milliseconds ≥ 0"
            ))
            .into())
        }
    };
    let mut behaviours = Vec::with_capacity(n);
    for (i, task) in tasks.iter().enumerate() {
        let typical = crate::tools::sim::Behaviour::typical(task.stage()).run(0);
        let start = match start_ms[i] {
            x if x.is_nan() => typical.start_ms,
            x => ms(x, "startMs", &task.name)?,
        };
        let run = match run_ms[i] {
            -1.0 => None,
            x if x.is_nan() => typical.run_ms,
            x => Some(ms(x, "runMs", &task.name)?),
        };
        let mut b = crate::tools::sim::Behaviour::once(start, run, flags[i] & 1 != 0);
        b.leader = flags[i] & 2 != 0;
        behaviours.push(b);
    }
    let [seed, jitter, horizon, job] = [settings[0], settings[1], settings[2], settings[3]];
    let whole = |x: f64, what: &str| -> Result<u64, JsValue> {
        if x.is_finite() && x >= 0.0 {
            Ok(x as u64)
        } else {
            Err(RangeError::new(&format!("simulate: {what} must be a number ≥ 0")).into())
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
        restart: None,
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
                let state = (state.state as u8) << 1 | u8::from(state.failed);
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
