//! The wasm-bindgen layer under the npm package.
//!
//! Deliberately compact and index-based: JavaScript resolves task names once
//! (www/src/api.js keeps the name → position map) and every call crosses the
//! boundary once, with states packed in a byte array, however many tasks it
//! names. Codes index the tables exported here (`codeTables`: hook, status,
//! phase and stage names), so the vocabulary is defined once, in Rust.
//!
//! Every bad input becomes a JS `RangeError` or `TypeError`; nothing here panics.
//!
//! Two wasm modules are built from here: the core (feature `js`: the
//! coordinator, gates and code tables, all that `import "tasklifecycle"`
//! loads) and the simulation entry's (feature `js-sim`, adding [`sim`]:
//! the simulator and the ASCII renderer, loaded only by `tasklifecycle/sim`).

mod codes;
#[cfg(feature = "js-sim")]
pub mod sim;

use std::cell::{Cell, RefCell};

use js_sys::{RangeError, SyntaxError, TypeError};
use wasm_bindgen::prelude::*;

use crate::{Coordinator, Error, Gate, Hook, Lifecycle, Phase, Stage, Status, TaskSpec};
use crate::{TaskState, Transition};
use codes::CodeBuffer;

/// The wire format between this layer and www/src/api.js, defined once:
/// api.js reads these numbers through `wireFormat()`; tests/wasm.rs uses them.
pub mod wire {
    /// In a state code array: leave this task's state as it is.
    pub const KEEP: u8 = 255;
    /// A task's lifecycle code: this for no lifecycle block, else the
    /// hook's position in `codeTables`, plus [`SIDECAR`] for a sidecar.
    pub const NO_LIFECYCLE: u8 = 255;
    /// In a lifecycle code (see [`NO_LIFECYCLE`]): the task is a sidecar.
    pub const SIDECAR: u8 = 0x80;
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
    /// …this bit set when the phase changed (else the phase only is set)…
    pub const CHANGED: u32 = 1 << 18;
    /// …and above [`REFUSED`], at `/ 2^SLACK_AT` (a result is an `f64`:
    /// an integer below 2^53), the coordinator's
    /// [`Coordinator::slack`](crate::Coordinator::slack) as one word that
    /// api.js keeps and spends as `setTaskState`s leave their codes waiting
    /// in the code buffer. Key bit `b`'s lane is `SLACK_LANE` bits at
    /// `SLACK_LANE × b`: `SLACK_MOST + 1` (the lane's guard bit) plus the
    /// changes that set bit `b` that may wait, at most `SLACK_MOST` (as
    /// many for a bit no rule watches: waiting that many more is only
    /// early). Spending one from each lane of a change's bits in one
    /// subtraction leaves every guard bit set while each lane had one to
    /// spend.
    pub const SLACK_AT: u32 = 20;
    pub const SLACK_LANE: u32 = 10;
    pub const SLACK_MOST: u32 = (1 << (SLACK_LANE - 1)) - 1;
    /// A result with only this bit: the index or code was bad and nothing
    /// changed (a plain number rather than a thrown error, so the hottest
    /// call returns one value and allocates nothing in JS glue).
    pub const REFUSED: u32 = 1 << 19;
    // The fields and REFUSED apart, below the slack; the slack word a
    // small integer (below 2^30) for JS, and the whole below 2^53.
    const _: () = assert!(
        STAGES_MASK << CLOSED_SHIFT < CHANGED
            && REFUSED > CHANGED
            && REFUSED < 1 << SLACK_AT
            && SLACK_LANE * crate::phase::KEY_BITS as u32 <= 30
            && SLACK_AT + 30 <= 53
    );
}

use wire::NO_LIFECYCLE;

/// [`wire::REFUSED`] as a result.
const REFUSED_RESULT: f64 = wire::REFUSED as f64;

/// The wire format's numbers, in this order: KEEP, NO_LIFECYCLE,
/// STATE_STRIDE, PHASE_MASK, FROM_SHIFT, OPENED_SHIFT, CLOSED_SHIFT,
/// STAGES_MASK, CHANGED, REFUSED, SIDECAR, SLACK_AT, SLACK_LANE,
/// SLACK_MOST, KEY_BITS (see [`wire`]).
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
        u32::from(SIDECAR),
        SLACK_AT,
        SLACK_LANE,
        SLACK_MOST,
        crate::phase::KEY_BITS as u32,
    ]
}

/// Every state code, in code order (see [`wire::STATE_STRIDE`]).
const CODES: usize = Status::ALL.len() * wire::STATE_STRIDE as usize;

/// [`Phase::key`] of every phase, stage and state code, at
/// `(phase × 6 + stage) × 6 + code`: computed by the compiler.
static RULE_KEYS: [u8; 6 * 6 * CODES] = {
    let mut keys = [0; 6 * 6 * CODES];
    let mut at = 0;
    while at < keys.len() {
        let (phase, stage, code) = (at / (6 * CODES), at / CODES % 6, at % CODES);
        let state = TaskState::new(
            Status::ALL[code / wire::STATE_STRIDE as usize],
            code % wire::STATE_STRIDE as usize == 1,
        );
        keys[at] = Phase::ALL[phase].key(Stage::ALL[stage], state);
        at += 1;
    }
    keys
};

/// [`Phase::key`] of every phase, stage and state code, 216 bytes at
/// `(phase × 6 + stage) × 6 + code`: a `setTaskState` that changes a task between two
/// codes with the same key in the current phase cannot move the FSM, so
/// api.js leaves it in the code buffer for the next call into Rust.
/// (The address of the table in wasm memory, which api.js copies: a `Vec`
/// return's glue cost more than the table itself.)
#[wasm_bindgen(js_name = ruleKeysPtr)]
pub fn rule_keys_ptr() -> usize {
    RULE_KEYS.as_ptr() as usize
}

/// A code table: the names of a vocabulary type's `ALL`, in code order.
macro_rules! names {
    ($vocabulary:ty) => {{
        let mut names = [""; <$vocabulary>::ALL.len()];
        let mut at = 0;
        while at < names.len() {
            names[at] = <$vocabulary>::ALL[at].as_str();
            at += 1;
        }
        names
    }};
}

/// The code tables: hooks, statuses, phases and stages.
const TABLES: [&[&str]; 4] = [
    &names!(Hook),
    &names!(Status),
    &names!(Phase),
    &names!(Stage),
];

/// The code tables as [`code_tables`] returns them, built by the compiler
/// (built at run time, they cost the core wasm 1 KB).
const CODE_TABLES: &str = match std::str::from_utf8(&CODE_TABLE_BYTES) {
    Ok(text) => text,
    // In a const, a compile error: never a panic at run time.
    Err(_) => panic!("the names are UTF-8"),
};

const CODE_TABLE_BYTES: [u8; tables_len()] = {
    let mut text = [0; tables_len()];
    let (mut at, mut table) = (0, 0);
    while table < TABLES.len() {
        let mut name = 0;
        while name < TABLES[table].len() {
            let bytes = TABLES[table][name].as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                text[at] = bytes[i];
                (at, i) = (at + 1, i + 1);
            }
            if at < text.len() {
                text[at] = if name + 1 < TABLES[table].len() {
                    b'|'
                } else {
                    b'\n'
                };
                at += 1;
            }
            name += 1;
        }
        table += 1;
    }
    text
};

/// The length of [`CODE_TABLE_BYTES`]: each name and the `|` or newline after
/// it, but the last.
const fn tables_len() -> usize {
    let (mut len, mut table) = (0, 0);
    while table < TABLES.len() {
        let mut name = 0;
        while name < TABLES[table].len() {
            len += TABLES[table][name].len() + 1;
            name += 1;
        }
        table += 1;
    }
    len - 1
}

/// The code tables, one line each, names separated by `|`: hooks, then
/// statuses, phases and stages. A code is a name's position in its line:
/// hooks (`""`, `prestart`, `poststart`, `poststop`) as in lifecycle codes;
/// statuses as in state codes (`2 × position + failed`); phases as packed in
/// a call's result; stages as in its opened and closed bit masks. One
/// string, not four arrays of strings, whose glue cost the core wasm 115
/// bytes gzipped more.
#[wasm_bindgen(js_name = codeTables)]
pub fn code_tables() -> String {
    CODE_TABLES.to_owned()
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
/// | CHANGED`, and the slack word at `2^SLACK_AT` (see [`wire`]); without
/// a phase change, only `to` and the slack are set.
#[inline(never)]
fn pack(coordinator: &Coordinator, transition: Option<Transition>) -> f64 {
    use wire::*;
    let fields = match transition {
        None => coordinator.phase() as u32,
        Some(t) => {
            t.to as u32
                | (t.from as u32) << FROM_SHIFT
                | u32::from(t.opened.bits()) << OPENED_SHIFT
                | u32::from(t.closed.bits()) << CLOSED_SHIFT
                | CHANGED
        }
    };
    let lanes = coordinator.slack().changes.into_iter().enumerate();
    let slack = lanes.fold(0, |word, (bit, changes)| {
        word | (SLACK_MOST + 1 + changes.min(SLACK_MOST)) << (SLACK_LANE * bit as u32)
    });
    f64::from(slack) * f64::from(1u32 << SLACK_AT) + f64::from(fields)
}

/// A task state's code (see [`wire::STATE_STRIDE`]).
pub(crate) fn encode_state(state: TaskState) -> u8 {
    state.state as u8 * wire::STATE_STRIDE + u8::from(state.failed)
}

pub(crate) fn decode_state(code: u8) -> Option<TaskState> {
    let status = *Status::ALL.get(usize::from(code / wire::STATE_STRIDE))?;
    Some(TaskState::new(status, code % wire::STATE_STRIDE == 1))
}

thread_local! {
    /// The task scratch: where api.js writes a task list (see
    /// [`task_scratch`] for its layout) for [`WasmCoordinator::new`] and
    /// [`WasmCoordinator::rebuild`] to read, in place of arguments that
    /// wasm-bindgen's glue would copy in one allocation each.
    static TASK_LIST: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The task scratch's address, once it holds at least `bytes` bytes (it
/// keeps its address until a larger one is asked for).
///
/// A task list there is, for each task in order: its lifecycle code (see
/// [`wire::NO_LIFECYCLE`]), its name's length in UTF-8 bytes (a
/// little-endian u32), and the name's UTF-8 bytes.
#[wasm_bindgen(js_name = taskScratch)]
pub fn task_scratch(bytes: usize) -> usize {
    TASK_LIST.with_borrow_mut(|list| {
        if list.len() < bytes {
            list.resize(bytes, 0);
        }
        list.as_mut_ptr() as usize
    })
}

/// A task's lifecycle from its code (see [`wire::NO_LIFECYCLE`]).
fn lifecycle_of(code: u8, name: &str) -> Result<Option<Lifecycle>, JsValue> {
    if code == NO_LIFECYCLE {
        return Ok(None);
    }
    let hook = Hook::ALL
        .get(usize::from(code & !wire::SIDECAR))
        .ok_or_else(|| type_error(&format!("task `{name}`: bad lifecycle code {code}")))?;
    Ok(Some(Lifecycle {
        hook: *hook,
        sidecar: code & wire::SIDECAR != 0,
    }))
}

/// The tasks of a task list (see [`task_scratch`]); `tasks` says how many
/// to expect, the list itself how many there are.
fn read_task_list(list: &[u8], tasks: usize) -> Result<Vec<TaskSpec>, JsValue> {
    // Each task takes at least five bytes: a bad count cannot make this allocate more than the list.
    let mut specs = Vec::with_capacity(tasks.min(list.len() / 5));
    let mut rest = list;
    // Bounded by the list: each round takes at least five bytes of it.
    while let [code, a, b, c, d, tail @ ..] = rest {
        let len = u32::from_le_bytes([*a, *b, *c, *d]) as usize;
        let (name, tail) = tail
            .split_at_checked(len)
            .ok_or_else(|| type_error("task list: a name runs past the end"))?;
        let name =
            std::str::from_utf8(name).map_err(|_| type_error("task list: a name is not UTF-8"))?;
        specs.push(TaskSpec::new(name, lifecycle_of(*code, name)?));
        rest = tail;
    }
    if !rest.is_empty() || specs.len() != tasks {
        return Err(type_error("task list: not the number of tasks said"));
    }
    Ok(specs)
}

/// The coordinator, for www/src/api.js.
#[wasm_bindgen]
pub struct WasmCoordinator {
    inner: Coordinator,
    /// One state code per task, written by JS straight into wasm memory
    /// (see `codesPtr`) before `apply`.
    codes: CodeBuffer,
}

#[wasm_bindgen]
impl WasmCoordinator {
    /// A coordinator of the `tasks` tasks in the first `bytes` bytes of the
    /// task scratch (see [`task_scratch`]). On return the scratch's first
    /// `tasks` bytes are each task's stage code.
    #[wasm_bindgen(constructor)]
    pub fn new(tasks: usize, bytes: usize) -> Result<WasmCoordinator, JsValue> {
        let specs = TASK_LIST.with_borrow(|scratch| match scratch.get(..bytes) {
            Some(list) => read_task_list(list, tasks),
            None => Err(type_error("task list: longer than the task scratch")),
        })?;
        let inner = Coordinator::new(specs).map_err(js_error)?;
        TASK_LIST.with_borrow_mut(|scratch| {
            for (code, &stage) in scratch.iter_mut().zip(inner.stage_list()) {
                *code = stage as u8;
            }
        });
        Ok(WasmCoordinator {
            codes: CodeBuffer::new(tasks),
            inner,
        })
    }

    /// Back to what `new` made of its task list, allocating nothing (the
    /// stages and the code buffer's address stay as they were): every task
    /// pending, in init (see [`Coordinator::reset`]). api.js keeps freed
    /// coordinators and resets one for a task list whose names and
    /// lifecycles it finds the same, comparing them itself, so that the
    /// list is not written out again only to be compared here.
    pub fn reset(&mut self) {
        self.inner.reset();
        self.codes.clear();
    }

    /// Makes this, in place, what `new(tasks, bytes)` would make (for a
    /// kept coordinator whose task list differs). On an error it is left as
    /// it was.
    pub fn rebuild(&mut self, tasks: usize, bytes: usize) -> Result<(), JsValue> {
        *self = WasmCoordinator::new(tasks, bytes)?;
        Ok(())
    }

    /// The current phase's code.
    pub fn phase(&self) -> u8 {
        self.inner.phase() as u8
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
        self.codes.ptr()
    }

    /// Applies the code buffer's tasks `from..to` (255: unchanged; the
    /// rest must be 255, as it reads the whole words that hold the range)
    /// as an update, or as a `Restore` when `restore`, then resets them to 255. Returns the packed result, or
    /// [`wire::REFUSED`] if a code was bad (nothing changed then; api.js
    /// writes only codes it encoded itself). A plain number rather than a
    /// `Result`, whose glue allocates an array per call.
    pub fn apply(&self, restore: bool, from: usize, to: usize) -> f64 {
        self.take_codes(from, to, None, restore)
            .unwrap_or(REFUSED_RESULT)
    }

    /// Task `index`'s new state code, applied with the code buffer's tasks
    /// `from..to` as [`WasmCoordinator::apply`] does (none when `from ==
    /// to`), after them. Returns the packed result, or [`wire::REFUSED`] for
    /// a bad index or code (api.js sends neither).
    #[wasm_bindgen(js_name = setOne)]
    pub fn set_one(&self, index: u32, code: u8, from: usize, to: usize) -> f64 {
        match decode_state(code) {
            Some(state) => self
                .take_codes(from, to, Some((index as usize, state)), false)
                .unwrap_or(REFUSED_RESULT),
            None => REFUSED_RESULT,
        }
    }

    /// The update of the code buffer's tasks `from..to`, then of `last`,
    /// with the error a bad code makes; the buffer's tasks are reset to 255.
    /// (One function for both calls: each kind of update instantiates the
    /// core's update path once more in the wasm.)
    fn take_codes(
        &self,
        from: usize,
        to: usize,
        last: Option<(usize, TaskState)>,
        restore: bool,
    ) -> Result<f64, JsValue> {
        let span = (self.codes.span(from, to))
            .ok_or_else(|| type_error("the code buffer has no such range"))?;
        let result = self.apply_codes(span.codes(), last, restore);
        span.clear();
        result
    }

    fn apply_codes(
        &self,
        codes: codes::Codes<'_>,
        last: Option<(usize, TaskState)>,
        restore: bool,
    ) -> Result<f64, JsValue> {
        // A bad code goes to the core as a position past the last task,
        // which it refuses with the whole update (so nothing changes), and
        // the error then names the code instead.
        let bad = Cell::new(None);
        let states = codes
            .map(|(i, code)| match decode_state(code) {
                Some(state) => (i, state),
                None => {
                    bad.set(Some((i, code)));
                    (usize::MAX, TaskState::default())
                }
            })
            .chain(last);
        let transition = if restore {
            self.inner.restore_by_index(states)
        } else {
            self.inner.task_state_updated_by_index(states)
        };
        if let Some((i, code)) = bad.get() {
            let name = self.inner.tasks().get(i).map_or("?", |t| &t.name);
            return Err(RangeError::new(&format!("task `{name}`: bad state code {code}")).into());
        }
        Ok(pack(&self.inner, transition.map_err(js_error)?))
    }

    /// Back to init. Returns the packed result.
    pub fn restart(&self) -> f64 {
        let transition = self.inner.restart();
        pack(&self.inner, transition)
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
    /// [`WasmCoordinator::new`] of a task list copied into the task scratch
    /// (as api.js writes it), with the stage codes `new` leaves there.
    pub fn from_task_list(tasks: usize, list: &[u8]) -> Result<(Self, Vec<u8>), JsValue> {
        let c = WasmCoordinator::new(tasks, fill_scratch(list))?;
        let stages =
            TASK_LIST.with_borrow(|scratch| scratch.get(..tasks).unwrap_or_default().to_vec());
        Ok((c, stages))
    }

    /// [`WasmCoordinator::rebuild`] of a task list copied into the task scratch.
    pub fn rebuild_from(&mut self, tasks: usize, list: &[u8]) -> Result<(), JsValue> {
        self.rebuild(tasks, fill_scratch(list))
    }

    /// Writes one code into the code buffer, as api.js does for a change left
    /// waiting there.
    pub fn wait_code(&self, index: usize, code: u8) {
        self.codes.set(index, code);
    }

    /// [`WasmCoordinator::apply`] with the codes passed in (copied) instead.
    pub fn update(&self, codes: &[u8], restore: bool) -> Result<f64, JsValue> {
        let tasks = self.inner.tasks().len();
        if codes.len() != tasks {
            return Err(type_error(&format!(
                "{} state codes for {tasks} tasks",
                codes.len()
            )));
        }
        for (i, &code) in codes.iter().enumerate() {
            self.wait_code(i, code);
        }
        self.take_codes(0, tasks, None, restore)
    }
}

/// Copies `list` into the task scratch, as api.js writes a task list there;
/// returns its length (for tests/wasm.rs, through the hooks above).
fn fill_scratch(list: &[u8]) -> usize {
    TASK_LIST.with_borrow_mut(|scratch| {
        scratch.clear();
        scratch.extend_from_slice(list);
    });
    list.len()
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
