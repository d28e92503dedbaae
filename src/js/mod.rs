//! The wasm-bindgen layer under the npm package.
//!
//! Deliberately compact and index-based: JavaScript resolves task names once
//! (www/src/api.js keeps the name → position map) and every call crosses the
//! boundary once, with states packed in a byte array, however many tasks it
//! names. Codes index the tables exported here (`hookNames`, `statusNames`,
//! `phaseNames`, `stageNames`), so the vocabulary is defined once, in Rust.
//!
//! Every bad input becomes a JS `RangeError` or `TypeError`; nothing here panics.
//!
//! Two wasm modules are built from here: the core (feature `js`: the
//! coordinator, gates and code tables, all that `import "tasklifecycle"`
//! loads) and the simulation entry's (feature `js-sim`, adding [`sim`]:
//! the simulator and the ASCII renderer, loaded only by `tasklifecycle/sim`).

#[cfg(feature = "js-sim")]
pub mod sim;

use std::cell::Cell;

use js_sys::{RangeError, SyntaxError, TypeError};
use wasm_bindgen::prelude::*;

use crate::{Coordinator, Error, Gate, Hook, Lifecycle, Phase, Stage, Status, TaskSpec};
use crate::{TaskState, Transition};

/// The wire format between this layer and www/src/api.js, defined once:
/// api.js reads these numbers through `wireFormat()`; tests/wasm.rs uses them.
pub mod wire {
    /// In a state code array: leave this task's state as it is.
    pub const KEEP: u8 = 255;
    /// In a hook code array: the task has no lifecycle block.
    pub const NO_LIFECYCLE: u8 = 255;
    /// A task state's code is `STATE_STRIDE × status + failed`.
    pub const STATE_STRIDE: u8 = 2;
    /// A packed result: the phase in its low bits (`& PHASE_MASK`)…
    pub const PHASE_MASK: u32 = 7;
    /// …the phase it came from at `>> FROM_SHIFT`…
    pub const FROM_SHIFT: u32 = 3;
    /// …the gates it opened (a stage bit mask, `& STAGES_MASK`) at `>> OPENED_SHIFT`…
    pub const OPENED_SHIFT: u32 = 6;
    /// …the gates it closed at `>> CLOSED_SHIFT`…
    pub const CLOSED_SHIFT: u32 = 12;
    pub const STAGES_MASK: u32 = 63;
    /// …and this bit set when the phase changed (else only the phase is set).
    pub const CHANGED: u32 = 1 << 18;
    /// A `setOne` result with only this bit: the index or code was bad and
    /// nothing changed (a plain number rather than a thrown error, so the
    /// hottest call returns one value and allocates nothing in JS glue).
    pub const REFUSED: u32 = 1 << 31;
}

use wire::{KEEP, NO_LIFECYCLE};

/// The wire format's numbers, in this order: KEEP, NO_LIFECYCLE,
/// STATE_STRIDE, PHASE_MASK, FROM_SHIFT, OPENED_SHIFT, CLOSED_SHIFT,
/// STAGES_MASK, CHANGED, REFUSED (see [`wire`]).
#[wasm_bindgen(js_name = wireFormat)]
pub fn wire_format() -> Vec<u32> {
    use wire::*;
    vec![
        u32::from(KEEP),
        u32::from(NO_LIFECYCLE),
        u32::from(STATE_STRIDE),
        PHASE_MASK,
        FROM_SHIFT,
        OPENED_SHIFT,
        CLOSED_SHIFT,
        STAGES_MASK,
        CHANGED,
        REFUSED,
    ]
}

/// One code table for JS (one function for the four, not one per type).
fn names(all: &[&'static str]) -> Vec<String> {
    all.iter().map(|&name| name.to_owned()).collect()
}

/// Hook codes: position in this list (`""`, `prestart`, `poststart`, `poststop`).
#[wasm_bindgen(js_name = hookNames)]
pub fn hook_names() -> Vec<String> {
    names(&Hook::ALL.map(Hook::as_str))
}

/// Status codes: a state's code is `2 × position + failed`.
#[wasm_bindgen(js_name = statusNames)]
pub fn status_names() -> Vec<String> {
    names(&Status::ALL.map(Status::as_str))
}

/// Phase codes, as packed in a call's result.
#[wasm_bindgen(js_name = phaseNames)]
pub fn phase_names() -> Vec<String> {
    names(&Phase::ALL.map(Phase::as_str))
}

/// Stage codes, and bit positions in a call's opened/closed masks.
#[wasm_bindgen(js_name = stageNames)]
pub fn stage_names() -> Vec<String> {
    names(&Stage::ALL.map(Stage::as_str))
}

/// Each core error as the JS error class that fits it: malformed text is a
/// `SyntaxError`, unusable input a `TypeError`, and everything else (unknown
/// names, bad positions, values out of range) a `RangeError`.
pub(crate) fn js_error(err: Error) -> JsValue {
    let message = err.to_string();
    match err {
        Error::Syntax { .. } => SyntaxError::new(&message).into(),
        Error::Invalid { .. } => TypeError::new(&message).into(),
        _ => RangeError::new(&message).into(),
    }
}

pub(crate) fn type_error(message: &str) -> JsValue {
    TypeError::new(message).into()
}

/// `to | from << FROM_SHIFT | opened << OPENED_SHIFT | closed << CLOSED_SHIFT
/// | CHANGED` (see [`wire`]); without a phase change, only `to` is set.
fn pack(phase: Phase, transition: Option<Transition>) -> u32 {
    use wire::*;
    match transition {
        None => phase as u32,
        Some(t) => {
            t.to as u32
                | (t.from as u32) << FROM_SHIFT
                | u32::from(t.opened.bits()) << OPENED_SHIFT
                | u32::from(t.closed.bits()) << CLOSED_SHIFT
                | CHANGED
        }
    }
}

/// A task state's code (see [`wire::STATE_STRIDE`]).
pub(crate) fn encode_state(state: TaskState) -> u8 {
    state.state as u8 * wire::STATE_STRIDE + u8::from(state.failed)
}

pub(crate) fn decode_state(code: u8) -> Option<TaskState> {
    let status = *Status::ALL.get(usize::from(code / wire::STATE_STRIDE))?;
    Some(TaskState::new(status, code % wire::STATE_STRIDE == 1))
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

/// Task specs from the columns JS sends: names joined, each name's UTF-16
/// length, each hook code (255 for no lifecycle) and sidecar flag.
pub(crate) fn specs_from_columns(
    names: &str,
    lengths: &[u32],
    hooks: &[u8],
    sidecars: &[u8],
) -> Result<Vec<TaskSpec>, JsValue> {
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
                hook: *Hook::ALL
                    .get(usize::from(code))
                    .ok_or_else(|| type_error(&format!("task `{name}`: bad hook code {code}")))?,
                sidecar: sidecar != 0,
            }),
        };
        specs.push(TaskSpec::new(name, lifecycle));
    }
    Ok(specs)
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
        let specs = specs_from_columns(names, lengths, hooks, sidecars)?;
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

    /// Each task's last reported state code, in task order: for the sim
    /// entry's `renderAscii` (which draws a coordinator from its snapshot),
    /// and for api.js's copy that lets `setTaskState` skip a report that
    /// changes nothing.
    pub fn states(&self) -> Vec<u8> {
        self.inner
            .task_states()
            .iter()
            .map(|s| encode_state(*s))
            .collect()
    }

    /// Address of the per-task code buffer in wasm memory.
    #[wasm_bindgen(js_name = codesPtr)]
    pub fn codes_ptr(&self) -> usize {
        self.codes.as_ptr() as usize
    }

    /// Applies the code buffer (255: unchanged) as an update, or as a
    /// `Restore` when `restore`, then resets it to 255. Returns the packed
    /// result, or [`wire::REFUSED`] if a code was bad (nothing changed then;
    /// api.js writes only codes it encoded itself). A plain number rather
    /// than a `Result`, whose glue allocates an array per call.
    pub fn apply(&self, restore: bool) -> u32 {
        self.take_codes(restore).unwrap_or(wire::REFUSED)
    }

    /// [`WasmCoordinator::apply`] with the error a bad code makes.
    fn take_codes(&self, restore: bool) -> Result<u32, JsValue> {
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

    /// One task's new state code. Returns the packed result, or
    /// [`wire::REFUSED`] for a bad index or code (api.js sends neither: it
    /// resolved the name and encoded the state itself).
    #[wasm_bindgen(js_name = setOne)]
    pub fn set_one(&self, index: u32, code: u8) -> u32 {
        let Some(state) = decode_state(code) else {
            return wire::REFUSED;
        };
        match self
            .inner
            .task_state_updated_by_index([(index as usize, state)])
        {
            Ok(transition) => pack(self.inner.phase(), transition),
            Err(_) => wire::REFUSED,
        }
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

/// Rust-side hooks for tests/wasm.rs: not exported to JS, so the published
/// wasm carries none of them (nothing in the bindings calls them).
impl WasmCoordinator {
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
        self.take_codes(restore)
    }
}

/// A gate, standalone or a handle to one of a coordinator's gates.
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

    /// The Rust [`crate::Wait`] as a Promise (resolves when admitted, rejects
    /// on shutdown): one Rust future and one Promise per wait, polled by
    /// wasm-bindgen-futures. Built only for `make bench-js`, which measures it
    /// against api.js's bookkeeping (see `Gate` there for the outcome).
    #[cfg(feature = "js-wait-promise")]
    #[wasm_bindgen(js_name = waitPromise)]
    pub fn wait_promise(&self) -> js_sys::Promise {
        let wait = self.inner.wait();
        wasm_bindgen_futures::future_to_promise(async move {
            wait.await
                .map(|()| JsValue::UNDEFINED)
                .map_err(|_| type_error("the gate was shut down"))
        })
    }
}
