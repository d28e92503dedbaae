// The JavaScript API of tasklifecycle, over the Rust core compiled to wasm.
//
// The rules (phases, which gates open when, validation of task groups,
// explanations) all run in Rust. This layer only does what makes the API
// idiomatic and fast in JavaScript: it resolves task names once, packs each
// update into one byte per task so an update crosses into wasm once, and keeps
// the Promise bookkeeping of waiters (a Promise per wait, settled when Rust
// reports that its gate opened or shut down).

import {
  WasmCoordinator,
  WasmGate,
  codeTables,
  ruleKeysPtr,
  taskScratch,
  wireFormat,
} from "./tasklifecycle_wasm.js";
import { wasmMemory } from "./wasm.js";


/** The code tables, read from Rust once (after the module is initialised). */
let vocabulary;
/**
 * Rust's rule keys (`ruleKeysPtr` in src/js/mod.rs): a row of one per state
 * code for each stage, `keysPerPhase` per phase. Read with the code tables
 * (by the first coordinator), into module variables for `setTaskState`:
 * reading them costs no call. So are the status names (interned, see
 * `words`) and the state codes' stride, for `stateCode`.
 */
let ruleKeys;
/**
 * For `parseTask` and `taskSpecs`: the hook names (interned, as the status
 * names are) and the lifecycle codes' constants, read once rather than
 * through `words()` for every task.
 */
let hookNames;
let noLifecycle;
let sidecarBit;
/**
 * Spending the slack (see `#slack`): `slackSpends[bits]` takes one change
 * from the lane of each key bit set in `bits`, and a slack word left with
 * every one of `slackGuards` set had one to spend in each (src/js/mod.rs,
 * `wire::SLACK_AT`).
 */
let slackSpends;
let slackGuards;
let stateCodes;
let statusNames;
let stateStride;

/**
 * A task ref, `position << REF_SHIFT | stage code`: what the name table
 * holds and `#task` returns, so that one lookup gives the stage too
 * (`isAllowed` in random order is that lookup and no more). `words` checks
 * that the stage codes fit.
 */
const REF_SHIFT = 3;
const STAGE_OF_REF = (1 << REF_SHIFT) - 1;

/** The wire format's numbers (src/js/mod.rs, `wire`), by name. */
function wire([keep, noLifecycle, stateStride, phaseMask, fromShift, openedShift, closedShift, stagesMask, changed, refused, sidecar, slackAt, slackLane, slackMost, keyBits]) {
  return { keep, noLifecycle, stateStride, phaseMask, fromShift, openedShift, closedShift, stagesMask, changed, refused, sidecar, slackAt, slackLane, slackMost, keyBits };
}

/** The code tables (src/js/mod.rs, `codeTables`): hook, status, phase and stage names, by code. */
export function codeNames() {
  const [hooks, statuses, phases, stages] = codeTables().split("\n").map((line) => line.split("|"));
  return { hooks, statuses, phases, stages };
}

function words() {
  if (!vocabulary) {
    const { hooks, statuses, phases, stages } = codeNames();
    // A Map for the names read once per call (stages).
    const index = (names) => new Map(names.map((name, i) => [name, i]));
    // Used as a property key first, a name is kept as an internalized
    // string, which compares with one pointer comparison to a name given
    // as a string literal.
    const interned = (names) => names.map((name) => Object.keys({ [name]: 0 })[0]);
    const w = wire(wireFormat());
    if (stages.length > STAGE_OF_REF + 1) throw new Error(`${stages.length} stages do not fit a task ref`);
    vocabulary = {
      // Statuses, read for every task of every update, are compared with
      // each of the three names, which is quicker than any keyed lookup (a
      // Map or an object: 13 ns a state, against 8). So are hooks.
      statuses: interned(statuses),
      phases,
      stages,
      stageIndex: index(stages),
      wire: w,
      keysPerPhase: stages.length * statuses.length * w.stateStride,
      slackUnit: 2 ** w.slackAt,
    };
    statusNames = vocabulary.statuses;
    hookNames = interned(hooks);
    noLifecycle = w.noLifecycle;
    sidecarBit = w.sidecar;
    stateStride = w.stateStride;
    stateCodes = statuses.length * stateStride;
    const lanes = Array.from({ length: w.keyBits }, (_, bit) => bit * w.slackLane);
    slackGuards = lanes.reduce((guards, at) => guards | ((w.slackMost + 1) << at), 0);
    slackSpends = Int32Array.from({ length: 1 << w.keyBits }, (_, bits) =>
      lanes.reduce((spend, at, bit) => spend | (((bits >> bit) & 1) << at), 0));
    ruleKeys = new Uint8Array(wasmMemory().buffer, ruleKeysPtr(), phases.length * vocabulary.keysPerPhase).slice();
  }
  return vocabulary;
}

/**
 * A value as an error message quotes it: JSON where possible, at most 60
 * characters, and never an exception of its own (a cyclic object, a BigInt,
 * a Proxy whose traps throw).
 */
export function describe(value) {
  if (typeof value === "function") return "a function";
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    // cyclic, BigInt, or a throwing Proxy: try String below
  }
  if (text === undefined) {
    try {
      text = String(value);
    } catch {
      text = "an unreadable value";
    }
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Runs `read`, which reads argument `what` (its name) supplied by the
 * caller: an exception thrown by the
 * caller's own code on the way (a getter, a Proxy trap) becomes a TypeError
 * naming the argument, with the original as its `cause`. Our own TypeErrors and RangeErrors pass through as they are.
 */
export function reading(what, read) {
  try {
    return read();
  } catch (error) {
    throw readFailure(what, error);
  }
}

/**
 * What `reading` throws for `error`, thrown while reading argument `what`:
 * for hot paths that catch for themselves rather than make two closures per call.
 */
export function readFailure(what, error) {
  if (error instanceof TypeError || error instanceof RangeError) return error;
  if (error instanceof WebAssembly.RuntimeError) return error; // ours, not the caller's
  // `what` may be a function, so that a hot path builds its words only on failure.
  const label = typeof what === "function" ? what() : what;
  return new TypeError(`${label} could not be read: ${describe(error?.message ?? error)}`, { cause: error });
}

/** `options` of a wait or a constructor: undefined, or an object whose `signal` is an AbortSignal. */
export function signalOf(options, what = "options") {
  if (options === undefined) return undefined;
  return reading(what, () => {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`${what} must be an object like { signal }, got ${describe(options)}`);
    }
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError(`${what}.signal must be an AbortSignal, got ${describe(signal)}`);
    }
    return signal;
  });
}

function shutdownError() {
  return new DOMException("the gate was shut down", "AbortError");
}

function abortReason(signal) {
  return signal.reason ?? new DOMException("the wait was aborted", "AbortError");
}

function reportListenerError(error) {
  if (typeof reportError === "function") reportError(error);
  else queueMicrotask(() => { throw error; });
}

function stagesOf(mask) {
  const out = [];
  const { stages } = words();
  for (let s = 0; s < stages.length; s++) if (mask & (1 << s)) out.push(stages[s]);
  return out;
}

/**
 * Reads task spec `position`: returns its name and writes its lifecycle code
 * (see `wire::NO_LIFECYCLE` in src/js/mod.rs) into `lifecycles`; accepts
 * ours and Nomad's casing.
 */
function parseTask(task, position, lifecycles) {
  if (task === null || typeof task !== "object") {
    throw new TypeError(`task #${position} must be an object with a name, got ${describe(task)}`);
  }
  const name = task.name ?? task.Name;
  if (typeof name !== "string") {
    throw new TypeError(`task #${position}: name must be a string, got ${describe(name)}`);
  }
  const lifecycle = task.lifecycle !== undefined ? task.lifecycle : task.Lifecycle;
  if (lifecycle === undefined || lifecycle === null) {
    lifecycles[position] = noLifecycle;
    return name;
  }
  if (typeof lifecycle !== "object") {
    throw new TypeError(`task "${name}": lifecycle must be an object or null, got ${describe(lifecycle)}`);
  }
  const hook = lifecycle.hook ?? lifecycle.Hook ?? "";
  let code = 0;
  while (code < hookNames.length && hookNames[code] !== hook) code++;
  if (code === hookNames.length) {
    throw new RangeError(
      `task "${name}": unknown hook ${describe(hook)} (expected "prestart", "poststart", "poststop" or "")`,
    );
  }
  const sidecar = lifecycle.sidecar ?? lifecycle.Sidecar ?? false;
  if (typeof sidecar !== "boolean") {
    throw new TypeError(`task "${name}": sidecar must be a boolean, got ${describe(sidecar)}`);
  }
  lifecycles[position] = sidecar ? code | sidecarBit : code;
  return name;
}

/** A task list's names and lifecycle codes, each checked (the rest is checked in Rust). */
export function parseTasks(tasks) {
  if (!Array.isArray(tasks)) {
    throw new TypeError(`tasks must be an array of task specs, got ${describe(tasks)}`);
  }
  words(); // for parseTask's hook names and codes
  try {
    const n = tasks.length;
    const names = new Array(n);
    const lifecycles = new Array(n);
    for (let i = 0; i < n; i++) names[i] = parseTask(tasks[i], i, lifecycles);
    return { names, lifecycles };
  } catch (error) {
    throw readFailure("tasks", error); // no closure per construction, as `reading` would make
  }
}

/** Parsed tasks as plain task specs `{ name, lifecycle }`, as the sim entry's wasm reads them. */
export function taskSpecs({ names, lifecycles }) {
  words(); // for the hook names and codes
  return names.map((name, i) => {
    const code = lifecycles[i];
    if (code === noLifecycle) return { name, lifecycle: null };
    return { name, lifecycle: { hook: hookNames[code & ~sidecarBit], sidecar: (code & sidecarBit) !== 0 } };
  });
}

/** The task scratch (`taskScratch` in src/js/mod.rs): its address and size, kept until more is needed. */
let scratchAt = 0;
let scratchBytes = 0;
/** A byte view of all wasm memory, remade when memory has grown (see `#codeView`). */
let memoryView = new Uint8Array(0);
const utf8 = new TextEncoder();

function memoryBytes() {
  if (memoryView.length === 0) memoryView = new Uint8Array(wasmMemory().buffer);
  return memoryView;
}

/**
 * Writes a task list into the task scratch in the layout `task_scratch` in
 * src/js/mod.rs gives (each task's lifecycle code, its name's UTF-8 length
 * as a little-endian u32, the name in UTF-8) and returns its length in
 * bytes: a copy with no allocation, where passing the names and codes as
 * arguments would make the glue allocate and copy one buffer each.
 */
function writeTaskList(names, lifecycles) {
  let most = 0; // UTF-8 takes at most three bytes per UTF-16 unit
  for (let i = 0; i < names.length; i++) most += 5 + 3 * names[i].length;
  if (most > scratchBytes) {
    scratchAt = taskScratch(most);
    scratchBytes = most;
  }
  const bytes = memoryBytes(); // after taskScratch, which may grow memory
  let at = scratchAt;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    bytes[at] = lifecycles[i];
    const start = at + 5;
    let end = start;
    let k = 0;
    for (; k < name.length; k++) {
      const unit = name.charCodeAt(k);
      if (unit > 0x7f) break;
      bytes[end++] = unit;
    }
    if (k < name.length) {
      end += utf8.encodeInto(name.slice(k), bytes.subarray(end, start + 3 * name.length)).written;
    }
    const length = end - start; // stored byte by byte: a typed array store keeps the low 8 bits
    bytes[at + 1] = length;
    bytes[at + 2] = length >>> 8;
    bytes[at + 3] = length >>> 16;
    bytes[at + 4] = length >>> 24;
    at = end;
  }
  return at - scratchAt;
}

/**
 * Freed coordinators' wasm halves, each `[core, stages, codesPtr, names,
 * lifecycles]`, oldest first, kept for the next `new Coordinator` of the
 * same tasks (as allocs of one task group are made and freed): reusing one
 * costs one call into wasm that only resets it and allocates nothing (the
 * task list is compared here, not written out for Rust), where making one
 * costs the wasm allocations of its tasks, names and gates and a
 * FinalizationRegistry entry, and freeing it as much again. At most
 * `POOL_SIZE` (the oldest is released to make room), each of at most
 * `POOL_TASKS` tasks, so what the pool holds stays small.
 */
const pool = [];
const POOL_SIZE = 4;
const POOL_TASKS = 1024;

/**
 * `[core, stages, codesPtr, names, lifecycles]`: a wasm coordinator of the
 * parsed tasks (a kept one if one has the same names), its tasks' stage
 * codes and the address of its state code buffer.
 */
export function coreOf(names, lifecycles) {
  const n = names.length;
  const k = keptFor(names);
  if (k >= 0 && sameCodes(pool[k][4], lifecycles)) {
    const kept = pool[k];
    kept[0].reset();
    unpool(k);
    kept[3] = names;
    return kept;
  }
  const bytes = writeTaskList(names, lifecycles);
  if (k < 0) {
    const core = new WasmCoordinator(n, bytes);
    return [core, stagesLeft(n), core.codesPtr(), names, lifecycles];
  }
  // The same names with other lifecycles: rebuilt for them.
  const kept = pool[k];
  kept[0].rebuild(n, bytes); // on an error it is left as it was, and kept
  unpool(k);
  kept[1] = stagesLeft(n);
  kept[2] = kept[0].codesPtr();
  kept[3] = names;
  kept[4] = lifecycles;
  return kept;
}

/** Takes the kept coordinator at `k` out of the pool. */
function unpool(k) {
  for (let j = k; j < pool.length - 1; j++) pool[j] = pool[j + 1];
  pool.pop();
}

/** Whether two task lists' lifecycle codes are the same. */
function sameCodes(theirs, ours) {
  let i = 0;
  while (i < ours.length && theirs[i] === ours[i]) i++;
  return i === ours.length;
}

/** The stage codes of `n` tasks, where a new or rebuilt wasm coordinator leaves them (the task scratch). */
function stagesLeft(n) {
  return memoryBytes().slice(scratchAt, scratchAt + n);
}

/** The position in the pool of the last kept coordinator with these names, or -1. */
function keptFor(names) {
  for (let k = pool.length - 1; k >= 0; k--) {
    const theirs = pool[k][3];
    if (theirs.length !== names.length) continue;
    let i = 0;
    while (i < names.length && theirs[i] === names[i]) i++;
    if (i === names.length) return k;
  }
  return -1;
}

/**
 * One task state → its code (2 × status + failed); accepts ours and Nomad's
 * casing. Small (its errors are made by `badState`), so that V8 inlines it
 * and what calls it into the caller's loop.
 */
function stateCode(value, name) {
  if (value === null || typeof value !== "object") throw badState(name, value);
  const statuses = statusNames; // set by the first coordinator, as any caller has one
  const state = value.state ?? value.State;
  let status = 0;
  while (status < statuses.length && statuses[status] !== state) status++;
  const failed = value.failed ?? value.Failed ?? false;
  if (status === statuses.length || typeof failed !== "boolean") throw badState(name, value, state, failed);
  return status * stateStride + (failed ? 1 : 0);
}

/** What is wrong with task `name`'s state `value` (of which `stateCode` read `state` and `failed`). */
function badState(name, value, state, failed) {
  if (value === null || typeof value !== "object") {
    return new TypeError(
      `task "${name}": a task state must be an object like { state: "running" }, got ${describe(value)}`,
    );
  }
  if (!statusNames.includes(state)) {
    return new RangeError(
      `task "${name}": unknown task state ${describe(state)} (expected "pending", "running" or "dead")`,
    );
  }
  return new TypeError(`task "${name}": failed must be a boolean, got ${describe(failed)}`);
}

/** `readFailure` for the state `setTaskState` was given for task `name`. */
function stateFailure(name, error) {
  return readFailure(`the state of task ${describe(name)}`, error);
}

// Module-private hooks by which a coordinator keeps its gates' waiters in step
// with the transitions Rust reports.
const ADOPT = Symbol("adopt");
const OPENED = Symbol("opened");
const CLOSED = Symbol("closed");
const SHUT = Symbol("shut");
const FREE = Symbol("free");
/** The code view before its first use: length 0 reads as "make it" (see `#codeView`). */
const NO_VIEW = new Uint8Array(0);
/**
 * The name table of a freed coordinator: empty, never written. Not frozen:
 * that would give it a map of its own, and the name lookups that also see
 * live tables would slow down.
 */
const NO_TASKS = Object.create(null);
const NO_NAMES = [];
/** For the sim entry's renderAscii: a coordinator's tasks, states, phase and open gates. */
export const SNAPSHOT = Symbol("snapshot");

/**
 * Blocks waiters while closed, admits them while open. Initially closed.
 *
 * Why waits are Promises made here rather than the Rust `Wait` turned into a
 * Promise by wasm-bindgen-futures (which would keep the admission rule in one
 * place): measured by `make bench-js` (its last line) on 20,000 waiters woken
 * at once, the Rust way ran at 0.9–1.3× the plain-JS baselines from run to
 * run, against 5–8× for this bookkeeping (waits without a signal share one
 * Promise, so a wait costs no allocation at all), and it adds 4 KB gzipped
 * to the core wasm (wasm-bindgen-futures' executor) and gives no way to
 * cancel a wait when its AbortSignal fires. The rule kept here is only
 * "a wait made while open resolves at once; one made while closed resolves
 * at the next open": which gates are open, and when, comes from Rust.
 */
export class Gate {
  #handle;
  #open = false;
  #shut = false;
  /**
   * Waits without a signal share one pending Promise (settling it wakes them
   * all in one step); waits with a signal get their own, kept here as
   * [resolve, reject, signal, onAbort] so aborting one removes just it.
   */
  #shared;
  #settleShared;
  #waiters = new Set();
  /** For a coordinator's gate: tells the coordinator when it is moved by hand. */
  #moved;

  constructor(...internal) {
    if (internal[0] === ADOPT) {
      this.#handle = internal[1];
      this.#open = internal[2];
      this.#moved = internal[3];
    } else {
      this.#handle = new WasmGate();
    }
  }

  /** Whether a wait started now would resolve at once. */
  get isOpen() {
    return this.#open;
  }

  /** Admits every pending and later waiter until `close()`. Does nothing after shutdown. */
  open() {
    if (this.#handle?.open()) {
      this[OPENED]();
      this.#moved?.(true);
    }
  }

  /** Blocks new waiters; waiters already admitted stay admitted. Does nothing after shutdown. */
  close() {
    if (this.#handle?.close()) {
      this[CLOSED]();
      this.#moved?.(false);
    }
  }

  /**
   * Resolves when the gate admits the caller; rejects with an `AbortError` if
   * the gate shuts down first, or with `signal.reason` if `signal` aborts.
   */
  wait(options) {
    const signal = signalOf(options);
    if (this.#shut) return Promise.reject(shutdownError());
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#open) return Promise.resolve();
    if (!signal) {
      if (!this.#shared) {
        this.#shared = new Promise((resolve, reject) => {
          this.#settleShared = [resolve, reject];
        });
      }
      return this.#shared;
    }
    return new Promise((resolve, reject) => {
      const entry = [resolve, reject, signal, undefined];
      entry[3] = () => {
        this.#waiters.delete(entry);
        reject(abortReason(signal));
      };
      signal.addEventListener("abort", entry[3], { once: true });
      this.#waiters.add(entry);
    });
  }

  /** Rejects every pending and later wait with an `AbortError`; open and close then do nothing. */
  shutdown() {
    this.#handle?.shutdown();
    this[SHUT]();
    this.#moved?.(false);
  }

  /** Shuts down and releases the wasm memory now (otherwise the GC does it eventually). */
  free() {
    this.shutdown();
    this[FREE]();
  }

  [Symbol.dispose]() {
    this.free();
  }

  [FREE]() {
    this.#handle?.free();
    this.#handle = undefined;
  }

  #settleAll(settle) {
    if (this.#shared) {
      const shared = this.#settleShared;
      this.#shared = this.#settleShared = undefined;
      settle(shared);
    }
    const waiters = this.#waiters;
    if (waiters.size === 0) return;
    this.#waiters = new Set();
    for (const entry of waiters) {
      entry[2].removeEventListener("abort", entry[3]);
      settle(entry);
    }
  }

  [OPENED]() {
    this.#open = true;
    this.#settleAll((entry) => entry[0]());
  }

  [CLOSED]() {
    this.#open = false;
  }

  [SHUT]() {
    if (this.#shut) return;
    this.#shut = true;
    this.#open = false;
    this.#settleAll((entry) => entry[1](shutdownError()));
  }
}

/** Whether `value` is a Coordinator (false for a Proxy whose traps throw). */
export function isCoordinator(value) {
  try {
    return value instanceof Coordinator;
  } catch {
    return false;
  }
}

/** Decides when each task of a task group may start (Nomad's task lifecycle coordinator). */
export class Coordinator {
  #core;
  /**
   * Name → task ref (see `REF_SHIFT`), a prototype-less object (a little
   * faster than a Map here), made on first use (`#index()`): ordered
   * updates never need it. Only ever indexed with strings (a number would
   * be coerced to a name).
   */
  #byName;
  /** Task names in task order (the name of position i); none once freed. */
  #names;
  /**
   * While tasks are named in order (see `#task`), the position after the
   * task named last; else the bitwise complement of that task's position
   * (so, negative). One field rather than two: `#task` writes it on every
   * lookup.
   */
  #next = 0;
  /** Stage code of each task. */
  #taskStage;
  /** Stages with tasks, and those whose gate is open, as bit masks. */
  #present = 0;
  #openMask = 0;
  /** JS Gate objects, made on first use (a wait or `gate()`), by stage code. */
  #gates = [];
  /** The stages whose JS Gate has been made, as a bit mask. */
  #held = 0;
  #shut = false;
  #codes;
  #codesPtr;
  #phase;
  /**
   * Each task's state code as Rust holds it (or will, once the codes
   * waiting in the buffer are applied: see `#wait`), while the phase is settled
   * (where Rust's rules come to rest on those states): then a report of the
   * state a task already has changes nothing at all, and `setTaskState`
   * need not cross into wasm. Nomad's alloc runner makes such reports all
   * the time (each task event re-reports every task's state). Read from
   * Rust after a `setTaskState`, kept in step by updates; undefined before
   * the first update, after `restart()` (the next update may move the phase
   * even if it changes no state) and after an update failed part way.
   */
  #known;
  /**
   * 0 when no code waits in the code buffer, else the number of tasks:
   * `setTaskState`s left codes there because they could not move the FSM
   * (see `#wait`), and the next call into Rust that reads states applies
   * tasks `0..#waitingTo` (so the whole buffer, eight tasks left as they
   * are skipped in one compare: at most one compare per eight tasks per
   * call, where keeping a narrower range cost every `#wait` more than it
   * saved).
   */
  #waitingTo = 0;
  /**
   * How many more changes that count may wait, for each bit of a rule key
   * (one lane per bit, see `wire::SLACK_AT` in src/js/mod.rs): Rust's
   * `Coordinator::slack` after the last call, less those that waited
   * since. A change spends one from each lane of the bits it sets in the
   * task's rule key (`Slack::spend` in src/phase.rs). No lane's guard bit
   * set (before the first call) lets none wait.
   */
  #slack = 0;
  /** The phase's code (`#phase` is its name). */
  #phaseCode = 0;
  /** Where this phase's rows start in `ruleKeys`. */
  #keysAt = 0;
  /** Made by the first `subscribe`. */
  #listeners;

  /** Each task's lifecycle code (for `SNAPSHOT`). */
  #lifecycles;

  constructor(tasks, options) {
    const { names, lifecycles } = parseTasks(tasks);
    const [core, stages, codesPtr] = coreOf(names, lifecycles);
    this.#core = core;
    this.#names = names;
    this.#lifecycles = lifecycles;
    this.#taskStage = stages;
    for (let i = 0; i < stages.length; i++) this.#present |= 1 << stages[i];
    this.#codesPtr = codesPtr;
    this.#codes = NO_VIEW;
    this.#phase = words().phases[core.phase()];
    const signal = signalOf(options);
    if (signal) {
      if (signal.aborted) this.shutdown();
      else signal.addEventListener("abort", () => this.shutdown(), { once: true });
    }
  }

  /** The current phase. */
  get state() {
    return this.#phase;
  }

  /** Records the reported states (tasks not named keep theirs) and moves the FSM. */
  taskStateUpdated(states) {
    this.#update(states, false);
  }

  /** Records one task's state and moves the FSM. */
  setTaskState(name, state) {
    const ref = this.#task(name); // throws if freed
    const i = ref >> REF_SHIFT;
    let code;
    try {
      code = stateCode(state, name);
    } catch (error) {
      // No closure here: one capturing `name` would make V8 allocate a
      // context on every call, even when nothing fails.
      throw stateFailure(name, error);
    }
    const known = this.#known;
    if (known !== undefined) {
      const was = known[i];
      if (was === code) return;
      // A change that cannot move the FSM waits in the code buffer
      // (#wait): while the slack of each key bit it sets lasts.
      const row = this.#keysAt + (ref & STAGE_OF_REF) * stateCodes;
      const left = this.#slack - slackSpends[~ruleKeys[row + was] & ruleKeys[row + code]];
      if ((left & slackGuards) === slackGuards) {
        this.#slack = left;
        known[i] = code;
        this.#wait(i, code);
        return;
      }
    }
    this.#setOne(i, code, name, state);
  }

  /** `setTaskState`'s call into Rust (out of line, as are its errors: so that the rest inlines). */
  #setOne(i, code, name, state) {
    const core = this.#core;
    // With the codes waiting in the buffer, if any (one call either way).
    const packed = core.setOne(i, code, 0, this.#waitingTo);
    this.#waitingTo = 0;
    if (packed & words().wire.refused) throw new RangeError(`task ${describe(name)}: state code ${code} refused`);
    const known = this.#known;
    if (known !== undefined) known[i] = code;
    else this.#known = core.states();
    if (this.#settle(packed)) this.#emit(packed, { kind: "update", states: { [name]: state } });
  }

  /** For an alloc restored with running tasks: jumps to prestart, then applies `states`. */
  restore(states) {
    this.#update(states, true);
  }

  /** For a full alloc restart: back to init, every gate closed, until all tasks are pending again. */
  restart() {
    this.#flush();
    const packed = this.#live().restart();
    this.#known = undefined;
    if (this.#settle(packed)) this.#emit(packed, { kind: "restart" });
  }

  /** Whether the task may start now (its gate is open). */
  isAllowed(name) {
    // Freed: #task finds no task and says so.
    return ((this.#openMask >> (this.#task(name) & STAGE_OF_REF)) & 1) !== 0;
  }

  /** Resolves when the task may start; rejects with an `AbortError` on shutdown or when `signal` aborts. */
  startConditionForTask(name, options) {
    this.#live();
    const gate = this.#gate(this.#task(name) & STAGE_OF_REF);
    signalOf(options);
    return gate.wait(options);
  }

  /** The gate of a stage, or undefined when no task is in that stage. */
  gate(stage) {
    this.#live();
    const s = typeof stage === "string" ? words().stageIndex.get(stage) : undefined;
    if (s === undefined) {
      throw new RangeError(
        `unknown stage ${describe(stage)} (expected one of ${words().stages.join(", ")})`,
      );
    }
    return this.#present & (1 << s) ? this.#gate(s) : undefined;
  }

  /** Why the task may or may not start, in one sentence. */
  explain(name) {
    this.#flush();
    return this.#live().explain(this.#task(name) >> REF_SHIFT);
  }

  /** Calls `listener` after every phase change; returns the function that unsubscribes it. */
  subscribe(listener) {
    this.#live();
    if (typeof listener !== "function") {
      throw new TypeError(`listener must be a function, got ${describe(listener)}`);
    }
    const entry = { listener };
    (this.#listeners ??= new Set()).add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Rejects every pending and later wait with an `AbortError`; gates no longer move. */
  shutdown() {
    if (!this.#core || this.#shut) return;
    this.#shut = true;
    this.#openMask = 0;
    this.#core.shutdown();
    for (const gate of this.#gates) gate?.[SHUT]();
  }

  /**
   * Shuts down and hands the wasm memory back now (otherwise the GC does it
   * eventually): to the pool, which the next coordinator of these tasks reuses.
   */
  free() {
    if (!this.#core) return;
    // JS gates someone holds are shut (their waiters rejected) and released;
    // with none, letting go of the Rust side is enough: every method checks
    // #core, and the next user resets it.
    if (this.#held !== 0) {
      this.shutdown();
      for (const gate of this.#gates) gate?.[FREE]();
    }
    const core = this.#core;
    if (this.#names.length <= POOL_TASKS) {
      if (pool.length === POOL_SIZE) pool.shift()[0].free();
      pool.push([core, this.#taskStage, this.#codesPtr, this.#names, this.#lifecycles]);
    } else {
      core.free();
    }
    this.#core = undefined;
    this.#byName = NO_TASKS;
    this.#names = NO_NAMES; // so #task finds no task
  }

  [Symbol.dispose]() {
    this.free();
  }

  /**
   * A view of the Rust-side code buffer (one byte per task, 255 = unchanged),
   * remade when wasm memory has grown: growing detaches the old buffer, and a
   * view of a detached buffer has length 0 (cheaper to read than the
   * memory's `buffer` getter, on every update).
   */
  #codeView() {
    if (this.#codes.length === 0) {
      this.#codes = new Uint8Array(wasmMemory().buffer, this.#codesPtr, this.#names.length);
    }
    return this.#codes;
  }

  /** The JS Gate of stage `s` (which has tasks), made on first use. */
  #gate(s) {
    let gate = this.#gates[s];
    if (!gate) {
      const bit = 1 << s;
      const moved = (open) => {
        this.#openMask = open ? this.#openMask | bit : this.#openMask & ~bit;
      };
      gate = new Gate(ADOPT, this.#live().gate(s), (this.#openMask & bit) !== 0, moved);
      if (this.#shut) gate[SHUT]();
      this.#gates[s] = gate;
      this.#held |= bit;
    }
    return gate;
  }

  #live() {
    if (!this.#core) throw new TypeError("this Coordinator was freed");
    return this.#core;
  }

  [SNAPSHOT]() {
    this.#flush();
    const core = this.#live();
    return {
      tasks: taskSpecs({ names: this.#names, lifecycles: this.#lifecycles }),
      states: core.states(),
      phase: core.phase(),
      open: this.#openMask,
    };
  }

  /** The name → task ref table, made on first use. */
  #index() {
    if (!this.#byName) {
      const names = this.#names;
      const byName = Object.create(null);
      const stages = this.#taskStage;
      for (let i = 0; i < names.length; i++) byName[names[i]] = (i << REF_SHIFT) | stages[i];
      this.#byName = byName;
    }
    return this.#byName;
  }

  /**
   * The ref of task `name` (see `REF_SHIFT`); a RangeError naming it if
   * there is none. While callers go through their tasks in order
   * (reporting or checking each, round after round), the task after the
   * one named last is tried first, and they need no lookup in the name
   * table. Not otherwise: a comparison that fails can cost as much as the
   * lookup (names that are not interned, of one length, compare character
   * by character).
   */
  #task(name) {
    const next = this.#next;
    if (next >= 0) {
      const names = this.#names;
      if (names[next] === name) {
        this.#next = next + 1 < names.length ? next + 1 : 0;
        return (next << REF_SHIFT) | this.#taskStage[next];
      }
    }
    const ref = typeof name === "string" ? (this.#byName ?? this.#index())[name] : undefined;
    if (ref === undefined) throw this.#noTask(name);
    // In order again if this one follows the one named last (`~next`, so
    // `i === ~next + 1`): then try the next one next time. Else remember
    // where this one is, for the same test next time. (Past the last task
    // the guess is `names.length`, a position with no name: it misses once.
    // Out of order, every call takes this path, so it is kept this short.)
    const i = ref >> REF_SHIFT;
    this.#next = i + next === 0 ? i + 1 : ~i;
    return ref;
  }

  /**
   * Why `#task` found no task: unknown, or this coordinator was freed (which
   * empties the table, so the hot paths need no check of their own).
   */
  #noTask(name) {
    if (this.#core === undefined) return new TypeError("this Coordinator was freed");
    return new RangeError(`unknown task ${describe(name)}`);
  }

  #update(states, restore) {
    if (states === null || typeof states !== "object" || Array.isArray(states)) {
      throw new TypeError(`states must be an object of task name → state, got ${describe(states)}`);
    }
    const core = this.#live();
    this.#flush(); // an update failed part way wipes the buffer
    const codes = this.#codeView();
    try {
      const proto = Object.getPrototypeOf(states);
      if (proto === Object.prototype || proto === null) this.#encodePlain(states, codes);
      else this.#encodeAny(states, codes);
    } catch (error) {
      codes.fill(words().wire.keep); // the update is all or nothing
      this.#known = undefined; // it may hold codes Rust never saw
      throw readFailure("states", error);
    }
    const packed = core.apply(restore, 0, codes.length);
    if (packed & words().wire.refused) {
      this.#known = undefined;
      throw new RangeError("states: a state code was refused");
    }
    if (this.#settle(packed)) this.#emit(packed, { kind: restore ? "restore" : "update", states: { ...states } });
  }

  /**
   * Writes each named task's state code, for a plain object. `for...in`
   * with `states[name]` is what V8 optimises best (its enum cache; five times
   * faster than looping over `Object.keys` for 1,000 tasks), and callers name
   * tasks in the same order update after update (object keys keep their
   * insertion order), so the position after the last task found is tried
   * before the Map. A plain object inherits no enumerable keys unless
   * someone added one to `Object.prototype`: those are skipped.
   */
  #encodePlain(states, codes) {
    const names = this.#names;
    const known = this.#known;
    let index;
    let guess = 0;
    for (const name in states) {
      let i = guess;
      if (names[guess] !== name) {
        const ref = (index ??= this.#index())[name];
        if (ref === undefined) {
          if (!Object.hasOwn(states, name)) continue;
          throw new RangeError(`unknown task ${describe(name)}`);
        }
        i = ref >> REF_SHIFT;
      }
      const code = stateCode(states[name], name);
      codes[i] = code;
      if (known !== undefined) known[i] = code;
      guess = i + 1;
    }
  }

  /**
   * Writes task `i`'s new code into the code buffer, for the next call into
   * Rust to apply with the others waiting there (see `#waitingTo`).
   *
   * `setTaskState` leaves a change there, instead of crossing into wasm,
   * when it cannot move the FSM, so that no gate moves either: while the
   * slack Rust reported (`Coordinator::slack`, see `Slack` in
   * src/phase.rs) lasts. A change spends the slack of each bit that Rust's
   * rule key (`ruleKeys`, see `Phase::key`) for the task's stage in this
   * settled phase has for the new code and had not for the known one: the
   * task comes to meet that requirement, and a rule watching it holds only
   * once every task it covers does. Every call that reads states in Rust
   * applies them first (`#flush`).
   */
  #wait(i, code) {
    // #codeView by hand: V8 would not inline it this deep. (Small, so that
    // setTaskState's whole path inlines into its caller's loop: with the
    // range bookkeeping this once had, V8's inlining budget ran out here.)
    const codes = this.#codes;
    (codes.length !== 0 ? codes : this.#codeView())[i] = code;
    this.#waitingTo = this.#names.length;
  }

  /** Applies the codes `#wait` left waiting (which moves no gate). */
  #flush() {
    if (this.#waitingTo === 0 || !this.#core) return;
    const packed = this.#core.apply(false, 0, this.#waitingTo);
    this.#waitingTo = 0;
    this.#settle(packed);
  }

  /** `#encodePlain` for any other object (a class instance, a Proxy): its own keys only. */
  #encodeAny(states, codes) {
    const index = this.#index();
    const known = this.#known;
    for (const name of Object.keys(states)) {
      const ref = index[name];
      if (ref === undefined) throw new RangeError(`unknown task ${describe(name)}`);
      const i = ref >> REF_SHIFT;
      const code = stateCode(states[name], name);
      codes[i] = code;
      if (known !== undefined) known[i] = code;
    }
  }

  /**
   * Applies a packed result from Rust: phase, and the gates that moved.
   * Returns whether listeners are to hear of a phase change (see `#emit`).
   */
  #settle(packed) {
    const { phases, wire: w, keysPerPhase, slackUnit } = words();
    this.#phaseCode = packed & w.phaseMask;
    this.#keysAt = this.#phaseCode * keysPerPhase;
    this.#phase = phases[this.#phaseCode];
    this.#slack = (packed / slackUnit) | 0;
    if (!(packed & w.changed)) return false;
    const opened = (packed >> w.openedShift) & w.stagesMask;
    const closed = (packed >> w.closedShift) & w.stagesMask;
    this.#openMask = (this.#openMask & ~closed) | opened;
    const gates = this.#gates;
    if (this.#held !== 0) {
      for (let s = 0; s < 6; s++) {
        if (closed & (1 << s)) gates[s]?.[CLOSED]();
        if (opened & (1 << s)) gates[s]?.[OPENED]();
      }
    }
    return this.#listeners !== undefined && this.#listeners.size !== 0;
  }

  /** Tells listeners of the phase change in `packed`, made by `cause`. */
  #emit(packed, cause) {
    const { phases, wire: w } = words();
    const event = {
      from: phases[(packed >> w.fromShift) & w.phaseMask],
      to: this.#phase,
      opened: stagesOf((packed >> w.openedShift) & w.stagesMask),
      closed: stagesOf((packed >> w.closedShift) & w.stagesMask),
      cause,
    };
    for (const { listener } of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }
}
