//! The wasm-bindgen layer under the npm package.
//!
//! Deliberately compact and index-based: JavaScript resolves task names once
//! (www/src/api.js keeps the name → position map) and every call crosses the
//! boundary once, with states packed in a byte array, however many tasks it
//! names. Codes index the tables exported here (`hookNames`, `statusNames`,
//! `phaseNames`, `stageNames`), so the vocabulary is defined once, in Rust.
//!
//! Every bad input becomes a JS `RangeError` or `TypeError`; nothing here panics.

use std::cell::Cell;

use js_sys::{RangeError, SyntaxError, TypeError};
use wasm_bindgen::prelude::*;

use crate::{Coordinator, Error, Gate, Hook, Lifecycle, Phase, Stage, Status, TaskSpec};
use crate::{TaskState, Transition};

/// In a state code array: leave this task's state as it is.
const KEEP: u8 = 255;
/// In a hook code array: the task has no lifecycle block.
const NO_LIFECYCLE: u8 = 255;

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|&x| name(x).to_owned()).collect()
}

/// Hook codes: position in this list (`""`, `prestart`, `poststart`, `poststop`).
#[wasm_bindgen(js_name = hookNames)]
pub fn hook_names() -> Vec<String> {
    names(&Hook::ALL, Hook::as_str)
}

/// Status codes: a state's code is `2 × position + failed`.
#[wasm_bindgen(js_name = statusNames)]
pub fn status_names() -> Vec<String> {
    names(&Status::ALL, Status::as_str)
}

/// Phase codes, as packed in a call's result.
#[wasm_bindgen(js_name = phaseNames)]
pub fn phase_names() -> Vec<String> {
    names(&Phase::ALL, Phase::as_str)
}

/// Stage codes, and bit positions in a call's opened/closed masks.
#[wasm_bindgen(js_name = stageNames)]
pub fn stage_names() -> Vec<String> {
    names(&Stage::ALL, Stage::as_str)
}

/// Each core error as the JS error class that fits it: malformed text is a
/// `SyntaxError`, unusable input a `TypeError`, and everything else (unknown
/// names, bad positions, values out of range) a `RangeError`.
fn js_error(err: Error) -> JsValue {
    let message = err.to_string();
    match err {
        Error::Syntax { .. } => SyntaxError::new(&message).into(),
        Error::Invalid { .. } => TypeError::new(&message).into(),
        _ => RangeError::new(&message).into(),
    }
}

fn type_error(message: &str) -> JsValue {
    TypeError::new(message).into()
}

/// `to | from << 3 | opened << 6 | closed << 12 | changed << 18`, where
/// `changed` says whether the phase changed (without it, only `to` is set).
fn pack(phase: Phase, transition: Option<Transition>) -> u32 {
    match transition {
        None => phase as u32,
        Some(t) => {
            t.to as u32
                | (t.from as u32) << 3
                | u32::from(t.opened.bits()) << 6
                | u32::from(t.closed.bits()) << 12
                | 1 << 18
        }
    }
}

fn decode_state(code: u8) -> Option<TaskState> {
    let status = *Status::ALL.get(usize::from(code >> 1))?;
    Some(TaskState::new(status, code & 1 == 1))
}

/// Splits `joined` into names of the given lengths, counted in UTF-16 code
/// units as JavaScript counts them.
fn split_names(joined: &str, lengths: &[u32]) -> Option<Vec<String>> {
    let mut out = Vec::with_capacity(lengths.len());
    let mut rest = joined;
    // ASCII (the usual case): one UTF-16 unit is one byte.
    let ascii = joined.is_ascii();
    for &len in lengths {
        // Find the byte length of the next `len` UTF-16 units.
        let mut units = 0u32;
        let mut bytes = 0usize;
        if ascii {
            bytes = len as usize;
            units = len;
        } else {
            for c in rest.chars() {
                if units >= len {
                    break;
                }
                units += c.len_utf16() as u32;
                bytes += c.len_utf8();
            }
        }
        if units != len || bytes > rest.len() {
            return None;
        }
        let (name, tail) = rest.split_at_checked(bytes)?;
        out.push(name.to_owned());
        rest = tail;
    }
    rest.is_empty().then_some(out)
}

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

use crate::tools::sim::restarts::JobType;
use crate::tools::sim::{Outside, TaskEvent};

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
    let coordinator = WasmCoordinator::new(names, lengths, hooks, sidecars)?;
    let tasks = coordinator.inner.tasks().to_vec();
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

/// The coordinator, for www/src/api.js.
#[wasm_bindgen]
pub struct WasmCoordinator {
    inner: Coordinator,
    /// One state code per task, written by JS straight into wasm memory
    /// (see `codesPtr`) before `apply`: no copy and no allocation per update.
    codes: Box<[Cell<u8>]>,
}

#[wasm_bindgen]
impl WasmCoordinator {
    /// Tasks as columns: names joined, each name's UTF-16 length, each hook
    /// code (255 for no lifecycle) and sidecar flag.
    #[wasm_bindgen(constructor)]
    pub fn new(
        names: &str,
        lengths: &[u32],
        hooks: &[u8],
        sidecars: &[u8],
    ) -> Result<WasmCoordinator, JsValue> {
        if hooks.len() != lengths.len() || sidecars.len() != lengths.len() {
            return Err(type_error("task columns have different lengths"));
        }
        let names = split_names(names, lengths)
            .ok_or_else(|| type_error("task names do not match their lengths"))?;
        let mut specs = Vec::with_capacity(names.len());
        for ((name, &hook), &sidecar) in names.into_iter().zip(hooks).zip(sidecars) {
            let lifecycle = match hook {
                NO_LIFECYCLE => None,
                code => Some(Lifecycle {
                    hook: *Hook::ALL.get(usize::from(code)).ok_or_else(|| {
                        type_error(&format!("task `{name}`: bad hook code {code}"))
                    })?,
                    sidecar: sidecar != 0,
                }),
            };
            specs.push(TaskSpec::new(name, lifecycle));
        }
        let codes = vec![Cell::new(KEEP); specs.len()].into_boxed_slice();
        Coordinator::new(specs)
            .map(|inner| WasmCoordinator { inner, codes })
            .map_err(js_error)
    }

    /// The current phase's code.
    pub fn phase(&self) -> u8 {
        self.inner.phase() as u8
    }

    /// Each task's stage code, in task order.
    pub fn stages(&self) -> Vec<u8> {
        self.inner.stage_list().iter().map(|&s| s as u8).collect()
    }

    /// Address of the per-task code buffer in wasm memory.
    #[wasm_bindgen(js_name = codesPtr)]
    pub fn codes_ptr(&self) -> usize {
        self.codes.as_ptr() as usize
    }

    /// Applies the code buffer (255: unchanged) as an update, or as a
    /// `Restore` when `restore`, then resets it to 255. Returns the packed result.
    pub fn apply(&self, restore: bool) -> Result<u32, JsValue> {
        let result = self.apply_codes(restore);
        self.codes.iter().for_each(|c| c.set(KEEP));
        result
    }

    fn apply_codes(&self, restore: bool) -> Result<u32, JsValue> {
        // Validate first: the update must be all or nothing.
        if let Some((i, code)) = self
            .codes
            .iter()
            .map(Cell::get)
            .enumerate()
            .find(|&(_, code)| code != KEEP && decode_state(code).is_none())
        {
            let name = &self.inner.tasks()[i].name;
            return Err(RangeError::new(&format!("task `{name}`: bad state code {code}")).into());
        }
        let states = self
            .codes
            .iter()
            .enumerate()
            .filter_map(|(i, code)| decode_state(code.get()).map(|state| (i, state)));
        let transition = if restore {
            self.inner.restore_by_index(states)
        } else {
            self.inner.task_state_updated_by_index(states)
        };
        Ok(pack(self.inner.phase(), transition.map_err(js_error)?))
    }

    /// One task's new state code. Returns the packed result.
    #[wasm_bindgen(js_name = setOne)]
    pub fn set_one(&self, index: u32, code: u8) -> Result<u32, JsValue> {
        let state =
            decode_state(code).ok_or_else(|| RangeError::new(&format!("bad state code {code}")))?;
        let transition = self
            .inner
            .task_state_updated_by_index([(index as usize, state)])
            .map_err(js_error)?;
        Ok(pack(self.inner.phase(), transition))
    }

    /// Back to init. Returns the packed result.
    pub fn restart(&self) -> u32 {
        let transition = self.inner.restart();
        pack(self.inner.phase(), transition)
    }

    /// Why the task at `index` is blocked or allowed.
    pub fn explain(&self, index: u32) -> Result<String, JsValue> {
        let name = self
            .inner
            .tasks()
            .get(index as usize)
            .map(|t| t.name.clone())
            .ok_or_else(|| {
                js_error(Error::TaskIndexOutOfRange {
                    index: index as usize,
                    tasks: self.inner.tasks().len(),
                })
            })?;
        self.inner.explain(&name).map_err(js_error)
    }

    /// The coordinator as ASCII art (see `crate::tools::ascii`).
    #[wasm_bindgen(js_name = renderAscii)]
    pub fn render_ascii(&self) -> String {
        crate::tools::ascii::render(&self.inner)
    }

    /// A handle to the gate of a stage, if the group has a task in it.
    pub fn gate(&self, stage: u8) -> Option<WasmGate> {
        let stage = *Stage::ALL.get(usize::from(stage))?;
        self.inner
            .gate(stage)
            .map(|g| WasmGate { inner: g.clone() })
    }

    /// Shuts every gate down.
    pub fn shutdown(&self) {
        self.inner.shutdown();
    }
}

/// A gate, standalone or a handle to one of a coordinator's gates.
/// Rust-side hooks for tests/wasm.rs: not exported to JS, so the published
/// wasm carries none of them (nothing in the bindings calls them).
impl WasmCoordinator {
    /// Each task's last reported state code, in task order.
    pub fn states(&self) -> Vec<u8> {
        self.inner
            .task_states()
            .iter()
            .map(|s| (s.state as u8) << 1 | u8::from(s.failed))
            .collect()
    }

    /// [`WasmCoordinator::apply`] with the codes passed in (copied) instead.
    pub fn update(&self, codes: &[u8], restore: bool) -> Result<u32, JsValue> {
        if codes.len() != self.codes.len() {
            return Err(type_error(&format!(
                "{} state codes for {} tasks",
                codes.len(),
                self.codes.len()
            )));
        }
        self.codes
            .iter()
            .zip(codes)
            .for_each(|(c, &code)| c.set(code));
        self.apply(restore)
    }
}

#[wasm_bindgen]
pub struct WasmGate {
    inner: Gate,
}

#[wasm_bindgen]
impl WasmGate {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> WasmGate {
        WasmGate { inner: Gate::new() }
    }

    #[wasm_bindgen(js_name = isOpen)]
    pub fn is_open(&self) -> bool {
        self.inner.is_open()
    }

    /// Returns whether the gate changed.
    pub fn open(&self) -> bool {
        self.inner.open()
    }

    /// Returns whether the gate changed.
    pub fn close(&self) -> bool {
        self.inner.close()
    }

    pub fn shutdown(&self) {
        self.inner.shutdown();
    }
}
