// The workloads of www/bench.mjs, in a module of their own: bench.mjs
// imports it once per implementation measured (a different query string
// makes a separate copy), so each implementation runs its own copy of these
// functions and V8's inline caches in them see one coordinator class only.
// With one shared copy, whichever implementation ran first got monomorphic
// call sites and the others inherited polymorphic ones.
import { stageOf } from "./bench-stages.mjs";

export function group(n) {
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
export function lifecycle(tasks) {
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

function measure(fn, opsPerCall, ms = 300) {
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

async function measureAsync(fn, opsPerCall, ms = 300) {
  for (let i = 0; i < 3; i++) await fn();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await fn();
    calls += 1;
  }
  return (calls * opsPerCall) / ((performance.now() - start) / 1000);
}

export const workloads = [];
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
  // Each call a change: every lap flips each task's state.
  workloads.push(["setTaskState, every call a change (calls/s)", (Impl) => {
    const c = new Impl(tasks);
    let i = 0, lap = 0;
    return measure(() => {
      if (++i === names.length) { i = 0; lap++; }
      c.setTaskState(names[i], states[(i + lap) & 1]);
    }, 1);
  }]);
  workloads.push(["isAllowed, 1000 tasks (calls/s)", (Impl) => {
    const c = new Impl(tasks);
    let i = 0, n = 0;
    const r = measure(() => { i = (i + 1) % names.length; if (c.isAllowed(names[i])) n++; }, 1);
    return r + n * 0;
  }]);
  // The same two in a random order of tasks (a fixed one, the same for every
  // implementation), where looking at the next task first never pays.
  const order = shuffled(names.length, 4096);
  workloads.push(["setTaskState, every call a change, random order (calls/s)", flipping(tasks, names, states)]);
  // Changes that count against the slack (see api.js `#wait`): prestart
  // tasks dying and restarting, at random. Each death brings the
  // alloc-done rule a task nearer, though the FSM never moves (the
  // restarts undo the deaths, and no sidecar ever runs).
  const prestart = tasks.filter((t) => t.lifecycle?.hook === "prestart" && !t.lifecycle.sidecar).map((t) => t.name);
  const lives = [{ state: "running" }, { state: "dead" }];
  workloads.push(["setTaskState, changes that count, random order (calls/s)", flipping(tasks, prestart, lives)]);
  workloads.push(["isAllowed, random order (calls/s)", (Impl) => {
    const c = new Impl(tasks);
    let k = 0, n = 0;
    const r = measure(() => { k = (k + 1) & 4095; if (c.isAllowed(names[order[k]])) n++; }, 1);
    return r + n * 0;
  }]);
}

/**
 * A workload flipping each of `names` between `states[0]` and `states[1]`,
 * each call a change, the tasks in a fixed random order.
 */
function flipping(tasks, names, states) {
  const order = shuffled(names.length, 4096);
  return (Impl) => {
    const c = new Impl(tasks);
    c.taskStateUpdated({});
    const flips = new Uint8Array(names.length);
    let k = 0;
    return measure(() => {
      const i = order[k];
      k = (k + 1) & 4095;
      flips[i] ^= 1;
      c.setTaskState(names[i], states[flips[i]]);
    }, 1);
  };
}

/** `length` task positions below `n` in a fixed pseudo-random order (mulberry32, seed 1). */
function shuffled(n, length) {
  let seed = 1;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Uint32Array.from({ length }, () => Math.floor(random() * n));
}
workloads.push(["20,000 waiters woken (waiters/s)", (Impl) => measureAsync(async () => {
  const c = new Impl([{ name: "web" }]);
  const waits = [];
  for (let i = 0; i < 20_000; i++) waits.push(c.startConditionForTask("web"));
  c.taskStateUpdated({ web: { state: "pending" } });
  await Promise.all(waits);
  c.free?.();
}, 20_000)]);

