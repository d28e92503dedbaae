// api.js answers some calls without asking Rust: `isAllowed` from its mask of
// open gates (kept in step by every transition and by gates moved by hand),
// and `setTaskState` skips the crossing when a task re-reports the state it
// already has while the phase is settled, or leaves a change that cannot move
// the FSM waiting in the code buffer for the next call into Rust. These tests
// check that those shortcuts never disagree with Rust (phase, gates, and the
// states Rust ends up with), driven by the raw wasm-bindgen class (no api.js
// in between) through the same operations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, EVERY_STAGE, allPending } from "./helpers.mjs";
import { wireFormat } from "../../pkg/tasklifecycle_wasm.js";
import { SNAPSHOT, codeNames, coreOf, parseTasks } from "../../pkg/api.js";
import { wasmMemory } from "../../pkg/wasm.js";

const TASKS = EVERY_STAGE;
const NAMES = TASKS.map((t) => t.name);
const { statuses: STATUSES, phases: PHASES, stages: STAGES } = codeNames();
const [KEEP, , STRIDE, PHASE_MASK] = wireFormat();

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rust alone: the wasm-bindgen class, fed state codes through its buffer. */
class Reference {
  constructor(tasks) {
    const { names, lifecycles } = parseTasks(tasks);
    [this.core, this.stageOf] = coreOf(names, lifecycles);
  }
  apply(codes, restore) {
    const view = new Uint8Array(wasmMemory().buffer, this.core.codesPtr(), NAMES.length);
    view.set(codes);
    this.core.apply(restore, 0, NAMES.length);
  }
  get state() {
    return PHASES[this.core.phase() & PHASE_MASK];
  }
  isAllowed(i) {
    return this.core.gate(this.stageOf[i]).isOpen();
  }
}

const code = (state) => STATUSES.indexOf(state.state) * STRIDE + (state.failed ? 1 : 0);

function randomState(random) {
  const state = STATUSES[Math.floor(random() * STATUSES.length)];
  return random() < 0.2 ? { state, failed: true } : { state };
}

function agree(ours, reference, where) {
  assert.equal(ours.state, reference.state, `${where}: phase`);
  NAMES.forEach((name, i) => assert.equal(ours.isAllowed(name), reference.isAllowed(i), `${where}: isAllowed(${name})`));
}

test("setTaskState's and isAllowed's shortcuts agree with Rust over 20,000 random operations", () => {
  for (const seed of [1, 2, 3, 4]) {
    const random = prng(seed);
    const ours = new Coordinator(TASKS);
    const reference = new Reference(TASKS);
    const gates = STAGES.filter((_, s) => [...reference.stageOf].includes(s));
    const counts = {};
    for (let step = 0; step < 5_000; step++) {
      const roll = random();
      const where = `seed ${seed}, step ${step}`;
      let op;
      if (roll < 0.5) {
        // Few states, so most reports repeat the task's own (the shortcut).
        op = "setTaskState";
        const i = Math.floor(random() * NAMES.length);
        const state = random() < 0.7 ? { state: STATUSES[Math.floor(random() * 2) * 2] } : randomState(random);
        ours.setTaskState(NAMES[i], state);
        const codes = new Uint8Array(NAMES.length).fill(KEEP);
        codes[i] = code(state);
        reference.apply(codes, false);
      } else if (roll < 0.8) {
        op = "update";
        const restore = random() < 0.15;
        const states = {};
        const codes = new Uint8Array(NAMES.length).fill(KEEP);
        NAMES.forEach((name, i) => {
          if (random() < 0.6) {
            states[name] = randomState(random);
            codes[i] = code(states[name]);
          }
        });
        // Sometimes a bad entry after good ones: the update must change nothing.
        const bad = random() < 0.2;
        if (bad) {
          if (random() < 0.5) states.nobody = { state: "running" };
          else states[NAMES[NAMES.length - 1]] = { state: "exploded" };
        }
        const call = () => (restore ? ours.restore(states) : ours.taskStateUpdated(states));
        if (bad) assert.throws(call, RangeError, where);
        else {
          call();
          reference.apply(codes, restore);
        }
        op += bad ? " (refused)" : restore ? " (restore)" : "";
      } else if (roll < 0.9) {
        op = "restart";
        ours.restart();
        reference.core.restart();
      } else if (roll < 0.97) {
        op = "all pending";
        allPending(ours, NAMES);
        reference.apply(new Uint8Array(NAMES.length).fill(code({ state: "pending" })), false);
      } else {
        // A gate moved by hand (both sides share the rule: only Rust's gate moves).
        op = "gate by hand";
        const stage = gates[Math.floor(random() * gates.length)];
        const open = random() < 0.5;
        const gate = ours.gate(stage);
        if (open) gate.open();
        else gate.close();
        const s = STAGES.indexOf(stage);
        const raw = reference.core.gate(s);
        if (open) raw.open();
        else raw.close();
      }
      counts[op] = (counts[op] ?? 0) + 1;
      agree(ours, reference, `${where} after ${op}`);
      // Now and then (so that changes left waiting pile up in between), the
      // states Rust holds: reading them applies those waiting first.
      if (random() < 0.1) {
        assert.deepEqual([...ours[SNAPSHOT]().states], [...reference.core.states()], `${where}: states`);
      }
    }
    assert.ok(Object.keys(counts).length >= 7, JSON.stringify(counts));
    ours.free();
  }
});

test("a re-reported state moves a coordinator whose phase is not settled: before the first update, after restart", () => {
  const c = new Coordinator([{ name: "setup", lifecycle: { hook: "prestart" } }, { name: "web" }]);
  assert.equal(c.state, "init");
  c.setTaskState("setup", { state: "pending" });
  assert.equal(c.state, "prestart", "every task starts pending: the first report, of the same state, ends init");
  c.setTaskState("web", { state: "pending" });
  assert.equal(c.state, "prestart", "a repeat changes nothing");
  c.restart();
  assert.equal(c.state, "init");
  c.setTaskState("web", { state: "pending" });
  assert.equal(c.state, "prestart", "after restart, a report of the same state lets init end");
});

test("an update refused part way does not leave a stale state behind for setTaskState", () => {
  const c = new Coordinator([{ name: "setup", lifecycle: { hook: "prestart" } }, { name: "web" }]);
  allPending(c, ["setup", "web"]);
  c.setTaskState("web", { state: "pending" }); // setTaskState's view of the states now exists
  for (const bad of [{ nobody: { state: "running" } }, { web: { state: "exploded" } }]) {
    assert.throws(() => c.taskStateUpdated({ setup: { state: "dead" }, ...bad }), RangeError);
    assert.equal(c.state, "prestart");
  }
  c.setTaskState("setup", { state: "dead" });
  assert.equal(c.state, "main", "setup's report reached Rust although a refused update had named the same state");
});

test("a coordinator's gate moved or shut by hand is what isAllowed reports", () => {
  const c = new Coordinator([{ name: "web" }]);
  allPending(c, ["web"]);
  assert.equal(c.isAllowed("web"), true);
  const gate = c.gate("main");
  gate.close();
  assert.equal(c.isAllowed("web"), false);
  gate.open();
  assert.equal(c.isAllowed("web"), true);
  gate.shutdown();
  assert.equal(c.isAllowed("web"), false, "a shut gate admits nobody");
  c.taskStateUpdated({ web: { state: "running" } });
  assert.equal(c.isAllowed("web"), false);
  c.free();
});

test("changes left waiting across a large group, in order and at random, reach Rust as they were made", () => {
  // So many tasks that, at random, waiting changes often lie farther apart
  // than their span allows (api.js's WAIT_SPAN and SPAN_PER_WAIT: 64 tasks,
  // plus 256 for each change waiting) and the next change crosses with
  // them; every fifth a prestart task, so that prestart lasts and changes of
  // main tasks are left waiting.
  const n = 3000;
  const tasks = Array.from({ length: n }, (_, i) =>
    i % 5 === 0 ? { name: `t${i}`, lifecycle: { hook: "prestart", sidecar: i % 10 === 0 } } : { name: `t${i}` });
  const names = tasks.map((t) => t.name);
  const reference = parseTasks(tasks);
  const [raw, stageOf] = coreOf(reference.names, reference.lifecycles);
  const rawView = () => new Uint8Array(wasmMemory().buffer, raw.codesPtr(), names.length);
  const ours = new Coordinator(tasks);
  allPending(ours, names);
  rawView().fill(code({ state: "pending" }));
  raw.apply(false, 0, names.length);
  const random = prng(7);
  for (let step = 0; step < 4 * n; step++) {
    // Runs in task order, then runs at random.
    const i = Math.floor(step / n) % 2 === 0 ? step % n : Math.floor(random() * n);
    const state = randomState(random);
    ours.setTaskState(names[i], state);
    rawView()[i] = code(state);
    raw.apply(false, i, i + 1);
    const where = `step ${step}`;
    assert.equal(ours.state, PHASES[raw.phase() & PHASE_MASK], `${where}: phase`);
    if (step % 197 === 0) {
      names.forEach((name, t) => assert.equal(ours.isAllowed(name), raw.gate(stageOf[t]).isOpen(), `${where}: ${name}`));
      assert.deepEqual([...ours[SNAPSHOT]().states], [...raw.states()], `${where}: states`);
    }
  }
  ours.free();
});
