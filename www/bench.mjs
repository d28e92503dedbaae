// The JS API against a plain-JS coordinator written the way a JS user would
// write one (below), on the same workloads as the Rust benchmark. Not part of
// `make test`: timings are noisy; read the ratios of one run.
//
//   make bench-js      (or: node www/bench.mjs [only workloads named with this] after make npm)
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { Coordinator } from "../pkg/node.js";
import { stageOf } from "./bench-stages.mjs";
import { group, lifecycle } from "./bench-workloads.mjs";

/** A copy of the workloads of its own for each implementation measured. */
const copy = async (who) => (await import(`./bench-workloads.mjs?${who}`)).workloads;

// ---------------------------------------------------------------- baseline
// Nomad's rules, straight from SPEC.md, in plain JS: a Map of task states,
// loops over the tasks for each rule, Promise waiters per gate.
const STAGES = ["prestart-ephemeral", "prestart-sidecar", "main", "poststart-ephemeral", "poststart-sidecar", "poststop"];
const OPEN = {
  init: [],
  prestart: ["prestart-ephemeral", "prestart-sidecar"],
  main: ["prestart-sidecar", "main"],
  poststart: ["prestart-sidecar", "main", "poststart-ephemeral", "poststart-sidecar"],
  wait_alloc: ["prestart-sidecar", "main", "poststart-sidecar"],
  poststop: ["poststop"],
};
class PlainGate {
  open = false;
  waiters = new Set();
  wait({ signal } = {}) {
    if (this.open) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject };
      if (signal) signal.addEventListener("abort", () => { this.waiters.delete(entry); reject(signal.reason); }, { once: true });
      this.waiters.add(entry);
    });
  }
  setOpen(open) {
    this.open = open;
    if (!open) return;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w.resolve();
  }
}
class PlainCoordinator {
  state = "init";
  constructor(tasks) {
    this.stage = new Map();
    this.states = new Map();
    this.gates = new Map();
    for (const t of tasks) {
      if (this.stage.has(t.name)) throw new RangeError(`duplicate task ${t.name}`);
      const s = stageOf(t);
      this.stage.set(t.name, s);
      this.states.set(t.name, { state: "pending", failed: false });
      if (!this.gates.has(s)) this.gates.set(s, new PlainGate());
    }
  }
  every(stages, pred) {
    for (const [name, s] of this.stage) if (stages.includes(s) && !pred(this.states.get(name))) return false;
    return true;
  }
  next() {
    const dead = (t) => t.state === "dead";
    if (this.every(STAGES.slice(0, 5), dead)) return "poststop";
    switch (this.state) {
      case "init": return this.every(STAGES, (t) => t.state === "pending") ? "prestart" : "init";
      case "prestart":
        return this.every(["prestart-ephemeral"], (t) => dead(t) && !t.failed) &&
          this.every(["prestart-sidecar"], (t) => t.state === "running") ? "main" : "prestart";
      case "main": return this.every(["main"], (t) => t.state !== "pending") ? "poststart" : "main";
      case "poststart": return this.every(["poststart-ephemeral"], dead) ? "wait_alloc" : "poststart";
      default: return this.state;
    }
  }
  taskStateUpdated(states) {
    for (const name of Object.keys(states)) {
      if (!this.stage.has(name)) throw new RangeError(`unknown task ${name}`);
      this.states.set(name, states[name]);
    }
    for (let next = this.next(); next !== this.state; next = this.next()) this.state = next;
    const open = OPEN[this.state];
    for (const [s, gate] of this.gates) gate.setOpen(open.includes(s));
  }
  setTaskState(name, state) {
    this.taskStateUpdated({ [name]: state });
  }
  isAllowed(name) {
    const s = this.stage.get(name);
    if (s === undefined) throw new RangeError(`unknown task ${name}`);
    return this.gates.get(s).open;
  }
  startConditionForTask(name, options) {
    return this.gates.get(this.stage.get(name)).wait(options);
  }
}

// A careful plain-JS coordinator: what a JS author who cared about speed
// would write. A prototype-less object from name to index, typed arrays for
// stages and states, per-stage counters so every rule is O(1), gates as a
// bit mask, a reused index buffer, no allocation per update (beyond the
// caller's own objects).
const PENDING = 0, RUNNING = 1, DEAD = 2;
const STATUS = { pending: PENDING, running: RUNNING, dead: DEAD };
const STAGE_CODE = Object.fromEntries(STAGES.map((s, i) => [s, i]));
const PHASES = ["init", "prestart", "main", "poststart", "wait_alloc", "poststop"];
const OPEN_MASK = PHASES.map((p) => OPEN[p].reduce((m, s) => m | (1 << STAGE_CODE[s]), 0));
class CarefulCoordinator {
  #index = Object.create(null);
  #stage; #status; #failed; #touched;
  #total = new Uint32Array(6);
  #count = [new Uint32Array(6), new Uint32Array(6), new Uint32Array(6)]; // by status
  #successful = new Uint32Array(6);
  #phase = 0;
  #openMask = 0;
  #gates = [];
  constructor(tasks) {
    const n = tasks.length;
    this.#stage = new Uint8Array(n);
    this.#status = new Uint8Array(n);
    this.#failed = new Uint8Array(n);
    this.#touched = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const t = tasks[i];
      if (this.#index[t.name] !== undefined) throw new RangeError(`duplicate task ${t.name}`);
      this.#index[t.name] = i;
      const s = STAGE_CODE[stageOf(t)];
      this.#stage[i] = s;
      this.#total[s]++;
      this.#count[PENDING][s]++;
    }
  }
  get state() {
    return PHASES[this.#phase];
  }
  #all(s, counter) {
    return counter[s] === this.#total[s];
  }
  #next(phase) {
    const dead = this.#count[DEAD];
    if (this.#all(0, dead) && this.#all(1, dead) && this.#all(2, dead) && this.#all(3, dead) && this.#all(4, dead)) return 5;
    switch (phase) {
      case 0: { const p = this.#count[PENDING]; for (let s = 0; s < 6; s++) if (!this.#all(s, p)) return 0; return 1; }
      case 1: return this.#all(0, this.#successful) && this.#all(1, this.#count[RUNNING]) ? 2 : 1;
      case 2: return this.#count[PENDING][2] === 0 ? 3 : 2;
      case 3: return this.#all(3, dead) ? 4 : 3;
      default: return phase;
    }
  }
  #set(i, status, failed) {
    const s = this.#stage[i];
    const old = this.#status[i];
    if (old === status && this.#failed[i] === failed) return;
    this.#count[old][s]--;
    if (old === DEAD && !this.#failed[i]) this.#successful[s]--;
    this.#count[status][s]++;
    if (status === DEAD && !failed) this.#successful[s]++;
    this.#status[i] = status;
    this.#failed[i] = failed;
  }
  taskStateUpdated(states) {
    // All or nothing: resolve and check every entry first, then apply.
    const touched = this.#touched;
    let n = 0;
    for (const name in states) {
      const i = this.#index[name];
      if (i === undefined) throw new RangeError(`unknown task ${name}`);
      if (STATUS[states[name].state] === undefined) throw new RangeError(`bad state for ${name}`);
      touched[n++] = i;
    }
    let k = 0;
    for (const name in states) {
      const v = states[name];
      this.#set(touched[k++], STATUS[v.state], v.failed ? 1 : 0);
    }
    this.#settle();
  }
  setTaskState(name, state) {
    const i = this.#index[name];
    if (i === undefined) throw new RangeError(`unknown task ${name}`);
    const status = STATUS[state.state];
    if (status === undefined) throw new RangeError(`bad state for ${name}`);
    this.#set(i, status, state.failed ? 1 : 0);
    this.#settle();
  }
  #settle() {
    let phase = this.#phase;
    for (let next = this.#next(phase); next !== phase; next = this.#next(phase)) phase = next;
    this.#phase = phase;
    const mask = OPEN_MASK[phase];
    const moved = mask ^ this.#openMask;
    if (moved === 0) return;
    this.#openMask = mask;
    for (let s = 0; s < 6; s++) if (moved & (1 << s)) this.#gates[s]?.setOpen((mask & (1 << s)) !== 0);
  }
  isAllowed(name) {
    const i = this.#index[name];
    if (i === undefined) throw new RangeError(`unknown task ${name}`);
    return (this.#openMask & (1 << this.#stage[i])) !== 0;
  }
  startConditionForTask(name, options) {
    const i = this.#index[name];
    if (i === undefined) throw new RangeError(`unknown task ${name}`);
    const s = this.#stage[i];
    let gate = this.#gates[s];
    if (!gate) {
      gate = this.#gates[s] = new PlainGate();
      gate.open = (this.#openMask & (1 << s)) !== 0;
    }
    return gate.wait(options);
  }
}

// Both baselines give the same phases on the lifecycle workload.
for (const n of [10, 1000]) {
  const tasks = group(n);
  const careful = new CarefulCoordinator(tasks);
  const plain = new PlainCoordinator(tasks);
  for (const snap of lifecycle(tasks)) {
    careful.taskStateUpdated(snap);
    plain.taskStateUpdated(snap);
    if (careful.state !== plain.state) throw new Error(`baselines disagree: ${careful.state} vs ${plain.state}`);
  }
}

/**
 * Each implementation's median over ROUNDS short runs, taken in turn (ours,
 * careful, simple, ours, …), so that a noisy moment of the machine lands on
 * all three alike rather than on one whole measurement. Nine by default
 * (`BENCH_ROUNDS` to change it): with five, a row's ratio moved by ±15%
 * between runs on a shared 2-core machine.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 9;
async function medians(impls, benches) {
  const runs = impls.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < impls.length; i++) runs[i].push(await benches[i](impls[i]));
  }
  return runs.map((r) => r.sort((a, b) => a - b)[Math.floor(r.length / 2)]);
}

const fmt = (x) => x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);
console.log(`node ${process.version}; ops/s, higher is better`);
console.log("careful: typed arrays, per-stage counters, no allocation per update; simple: a Map of states, loops per rule");
console.log(`each figure the median of ${ROUNDS} interleaved runs, each implementation with its own copy of the workloads`);
console.log(`${"workload".padEnd(42)} ${"tasklifecycle".padStart(14)} ${"careful JS".padStart(12)} ${"ratio".padStart(6)} ${"simple JS".padStart(11)} ${"ratio".padStart(6)}`);
const copies = [await copy("ours"), await copy("careful"), await copy("plain")];
// `node www/bench.mjs <text>` runs only the workloads whose name holds it.
const only = process.argv[2] ?? "";
for (let w = 0; w < copies[0].length; w++) {
  const name = copies[0][w][0];
  if (!only.split("|").some((part) => name.includes(part))) continue;
  const [ours, careful, plain] = await medians(
    [Coordinator, CarefulCoordinator, PlainCoordinator],
    copies.map((workloads) => workloads[w][1]),
  );
  const ratio = (x) => `${(ours / x).toFixed(2)}×`.padStart(6);
  console.log(`${name.padEnd(42)} ${fmt(ours).padStart(14)} ${fmt(careful).padStart(12)} ${ratio(careful)} ${fmt(plain).padStart(11)} ${ratio(plain)}`);
}

// ------------------------------------------- gate waits as Rust Promises
// The alternative to api.js's Promise bookkeeping: each wait a Promise driven
// by the Rust `Wait` through wasm-bindgen-futures (feature js-wait-promise,
// built by `make bench-js` into target/bench-wait; never shipped).
const waitBuild = new URL("../target/bench-wait/wait_promise.js", import.meta.url);
const waitName = "20,000 waiters, Rust Wait as Promise";
if (existsSync(waitBuild) && waitName.includes(only)) {
  const rust = createRequire(import.meta.url)(waitBuild.pathname);
  // A gate of its own, opened as a coordinator opens its main gate: the
  // workload's one task is a main task, and its first update opens main.
  class RustWaits {
    constructor() {
      this.gate = new rust.WasmGate();
    }
    startConditionForTask() {
      return this.gate.waitPromise();
    }
    taskStateUpdated() {
      this.gate.open();
    }
    free() {
      this.gate.free();
    }
  }
  const name = waitName;
  const waits = [await copy("rust-waits"), await copy("careful-waits"), await copy("plain-waits")];
  const [rustWaits, careful, plain] = await medians(
    [RustWaits, CarefulCoordinator, PlainCoordinator],
    waits.map((workloads) => workloads.at(-1)[1]),
  );
  const ratio = (x) => `${(rustWaits / x).toFixed(2)}×`.padStart(6);
  console.log(`${name.padEnd(42)} ${fmt(rustWaits).padStart(14)} ${fmt(careful).padStart(12)} ${ratio(careful)} ${fmt(plain).padStart(11)} ${ratio(plain)}`);
}
