// The JS API against a plain-JS coordinator written the way a JS user would
// write one (below), on the same workloads as the Rust benchmark. Not part of
// `make test`: timings are noisy; read the ratios of one run.
//
//   make bench-js      (or: node www/bench.mjs after make npm)
import { Coordinator } from "../pkg/node.js";

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
function stageOf(task) {
  const hook = task.lifecycle?.hook ?? "";
  if (hook === "prestart") return task.lifecycle.sidecar ? "prestart-sidecar" : "prestart-ephemeral";
  if (hook === "poststart") return task.lifecycle.sidecar ? "poststart-sidecar" : "poststart-ephemeral";
  if (hook === "poststop") return "poststop";
  return "main";
}
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

// ---------------------------------------------------------------- workloads
function group(n) {
  return Array.from({ length: n }, (_, i) => {
    const name = `task-${i}`;
    switch (i % 10) {
      case 0: return { name, lifecycle: { hook: "prestart" } };
      case 1: return { name, lifecycle: { hook: "prestart", sidecar: true } };
      case 2: return { name, lifecycle: { hook: "poststart" } };
      case 3: return { name, lifecycle: { hook: "poststart", sidecar: true } };
      case 4: return { name, lifecycle: { hook: "poststop" } };
      default: return { name };
    }
  });
}

/** The nine full snapshots of one alloc lifecycle, as in benches/coordinator.rs. */
function lifecycle(tasks) {
  const states = Object.fromEntries(tasks.map((t) => [t.name, { state: "pending", failed: false }]));
  const snaps = [];
  const snap = () => snaps.push(structuredClone(states));
  const set = (stages, state) => {
    for (const t of tasks) if (stages.includes(stageOf(t))) states[t.name] = { state, failed: false };
  };
  snap();
  set(["prestart-ephemeral", "prestart-sidecar"], "running"); snap();
  set(["prestart-ephemeral"], "dead"); snap();
  set(["main"], "running"); snap();
  set(["poststart-ephemeral", "poststart-sidecar"], "running"); snap();
  set(["poststart-ephemeral"], "dead"); snap();
  set(["prestart-sidecar", "main", "poststart-sidecar"], "dead"); snap();
  set(["poststop"], "running"); snap();
  set(["poststop"], "dead"); snap();
  return snaps;
}

function measure(fn, opsPerCall, ms = 1000) {
  for (let i = 0; i < 50; i++) fn(); // warm up
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 20; i++) fn();
    calls += 20;
    now = performance.now();
  }
  return (calls * opsPerCall) / ((now - start) / 1000);
}

async function measureAsync(fn, opsPerCall, ms = 1000) {
  for (let i = 0; i < 3; i++) await fn();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await fn();
    calls += 1;
  }
  return (calls * opsPerCall) / ((performance.now() - start) / 1000);
}

const workloads = [];
for (const n of [10, 1000]) {
  const tasks = group(n);
  const snaps = lifecycle(tasks);
  const run = (Impl) => () => {
    const c = new Impl(tasks);
    for (const s of snaps) c.taskStateUpdated(s);
    if (c.state !== "poststop") throw new Error(`ended in ${c.state}`);
    c.free?.();
  };
  workloads.push([`whole lifecycle, ${n} tasks (updates/s)`, (Impl) => measure(run(Impl), snaps.length)]);
}
{
  const tasks = group(1000);
  const names = tasks.map((t) => t.name);
  const states = [{ state: "running" }, { state: "pending" }];
  workloads.push(["setTaskState, 1000 tasks (calls/s)", (Impl) => {
    const c = new Impl(tasks);
    let i = 0;
    return measure(() => { i = (i + 1) % names.length; c.setTaskState(names[i], states[i & 1]); }, 1);
  }]);
  workloads.push(["isAllowed, 1000 tasks (calls/s)", (Impl) => {
    const c = new Impl(tasks);
    let i = 0, n = 0;
    const r = measure(() => { i = (i + 1) % names.length; if (c.isAllowed(names[i])) n++; }, 1);
    return r + n * 0;
  }]);
}
workloads.push(["20,000 waiters woken (waiters/s)", (Impl) => measureAsync(async () => {
  const c = new Impl([{ name: "web" }]);
  const waits = [];
  for (let i = 0; i < 20_000; i++) waits.push(c.startConditionForTask("web"));
  c.taskStateUpdated({ web: { state: "pending" } });
  await Promise.all(waits);
  c.free?.();
}, 20_000)]);

const fmt = (x) => x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);
console.log(`node ${process.version}; ops/s, higher is better`);
console.log(`${"workload".padEnd(42)} ${"tasklifecycle".padStart(14)} ${"plain JS".padStart(12)}  ratio`);
for (const [name, bench] of workloads) {
  const ours = await bench(Coordinator);
  const plain = await bench(PlainCoordinator);
  console.log(`${name.padEnd(42)} ${fmt(ours).padStart(14)} ${fmt(plain).padStart(12)}  ${(ours / plain).toFixed(2)}×`);
}
