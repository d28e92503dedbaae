// The JS boundary audit: every exported function and method, each argument
// in turn replaced by each hostile value. Every call either throws a
// TypeError or RangeError whose message names the argument, or gives the
// result its documentation promises; and afterwards the module still works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, Gate, testing } from "./helpers.mjs";
import { renderAscii, simulate } from "../../pkg/sim-node.js";

const cyclic = { name: "loop" };
cyclic.self = cyclic;
const trap = () => {
  throw new Error("trap");
};
const throwing = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });

/** The hostile values, by what they stand for. */
const HOSTILE = {
  "the wrong type": true,
  null: null,
  undefined: undefined,
  "a huge number": 1e300,
  NaN: NaN,
  "a negative number": -1,
  "a 1 MB string": "x".repeat(1 << 20),
  "a cyclic object": cyclic,
  "a Proxy that throws": throwing,
};

const TASKS = [
  { name: "init", lifecycle: { hook: "prestart" } },
  { name: "web" },
  { name: "cleanup", lifecycle: { hook: "poststop" } },
];

function fresh() {
  const c = new Coordinator(TASKS);
  c.taskStateUpdated({ init: { state: "pending" }, web: { state: "pending" }, cleanup: { state: "pending" } });
  return c;
}

function freed() {
  const c = fresh();
  c.free();
  return c;
}

const isPromise = (v) => v instanceof Promise;
const optional = (v) => v === undefined;
/** Documented: an options or settings object's missing fields take their defaults. */
const optionalObject = (v) => v === undefined || (typeof v === "object" && v !== null && v !== throwing);

/**
 * Every entry point: how to call it, and per argument a valid value, the
 * word its errors must name, and which other values its documentation
 * accepts (with the result they give).
 */
const ENTRIES = [
  { what: "new Coordinator", call: (tasks, options) => new Coordinator(tasks, options),
    args: [
      { valid: TASKS, names: /tasks/ },
      { valid: undefined, names: /options/, accepts: optionalObject },
    ] },
  { what: "taskStateUpdated", call: (states) => fresh().taskStateUpdated(states),
    args: [{ valid: { web: { state: "running" } }, names: /states|task/ }] },
  { what: "restore", call: (states) => fresh().restore(states),
    args: [{ valid: { web: { state: "running" } }, names: /states|task/ }] },
  { what: "setTaskState", call: (name, state) => fresh().setTaskState(name, state),
    args: [
      { valid: "web", names: /task/ },
      { valid: { state: "running" }, names: /task "web".*state|state/ },
    ] },
  { what: "isAllowed", call: (name) => fresh().isAllowed(name), args: [{ valid: "web", names: /task/ }] },
  { what: "explain", call: (name) => fresh().explain(name), args: [{ valid: "web", names: /task/ }] },
  { what: "startConditionForTask", call: (name, options) => fresh().startConditionForTask(name, options),
    args: [
      { valid: "init", names: /task/ },
      { valid: undefined, names: /options/, accepts: optionalObject },
    ] },
  { what: "gate", call: (stage) => fresh().gate(stage), args: [{ valid: "main", names: /stage/ }] },
  { what: "subscribe", call: (listener) => fresh().subscribe(listener), args: [{ valid: () => {}, names: /listener/ }] },
  { what: "Gate.wait", call: (options) => new Gate().wait(options),
    args: [{ valid: undefined, names: /options/, accepts: optionalObject }] },
  { what: "requireTaskAllowed", call: (c, name) => testing.requireTaskAllowed(c, name),
    args: [
      { valid: (() => { const c = fresh(); return c; })(), names: /coordinator/ },
      { valid: "init", names: /task/ },
    ] },
  { what: "requireTaskBlocked", call: (c, name) => testing.requireTaskBlocked(c, name),
    args: [
      { valid: fresh(), names: /coordinator/ },
      { valid: "web", names: /task/ },
    ] },
  { what: "waitNotInitUntil", call: (c, ms, onTimeout) => testing.waitNotInitUntil(c, ms, onTimeout),
    args: [
      { valid: new Coordinator(TASKS), names: /coordinator/ },
      { valid: 1, names: /ms/ },
      { valid: () => {}, names: /onTimeout/ },
    ] },
  { what: "renderAscii", call: (c) => renderAscii(c), args: [{ valid: fresh(), names: /Coordinator|coordinator/ }] },
  { what: "simulate", call: (tasks, behaviours, settings) => simulate(tasks, behaviours, settings),
    args: [
      { valid: TASKS, names: /tasks/ },
      { valid: [], names: /behaviours/, accepts: optional },
      { valid: { seed: 3, horizonMs: 60_000 }, names: /seed|settings/, accepts: (v) => optionalObject(v) || (typeof v === "number" && v >= 0 && v < 2 ** 64) },
    ] },
];

/** The module still works: a new coordinator runs a whole lifecycle. */
function healthy() {
  const c = fresh();
  assert.equal(c.state, "prestart");
  c.setTaskState("init", { state: "dead" });
  assert.equal(c.isAllowed("web"), true);
  c.taskStateUpdated({ web: { state: "dead" } });
  assert.equal(c.state, "poststop");
  c.free();
  assert.ok(simulate([{ name: "web" }], [], 1).some((e) => e.type === "task" && e.task === "web"));
}

test("every entry point, every argument, every hostile value", async () => {
  const outcomes = [];
  for (const entry of ENTRIES) {
    for (let position = 0; position < entry.args.length; position++) {
      const arg = entry.args[position];
      for (const [label, value] of Object.entries(HOSTILE)) {
        const args = entry.args.map((a) => a.valid);
        args[position] = value;
        const where = `${entry.what}: argument ${position + 1} as ${label}`;
        let result;
        try {
          result = entry.call(...args);
        } catch (error) {
          assert.ok(
            error instanceof TypeError || error instanceof RangeError,
            `${where}: threw ${error?.name}: ${error?.message}`,
          );
          assert.match(error.message, arg.names, `${where}: the error does not name the argument: ${error.message}`);
          assert.ok(error.message.length < 300, `${where}: a ${error.message.length}-character message`);
          outcomes.push("error");
          continue;
        }
        if (isPromise(result)) result.catch(() => {});
        assert.ok(arg.accepts?.(value), `${where}: accepted, gave ${typeof result}`);
        outcomes.push("documented");
      }
      healthy();
    }
  }
  const count = (o) => outcomes.filter((x) => x === o).length;
  assert.equal(outcomes.length, ENTRIES.reduce((n, e) => n + e.args.length, 0) * Object.keys(HOSTILE).length);
  console.log(`${outcomes.length} hostile calls: ${count("error")} named errors, ${count("documented")} documented results`);
});

test("after free(), every method says so or does what its documentation says", async () => {
  const methods = {
    taskStateUpdated: (c) => c.taskStateUpdated({ web: { state: "running" } }),
    setTaskState: (c) => c.setTaskState("web", { state: "running" }),
    restore: (c) => c.restore({ web: { state: "running" } }),
    restart: (c) => c.restart(),
    isAllowed: (c) => c.isAllowed("web"),
    explain: (c) => c.explain("web"),
    startConditionForTask: (c) => c.startConditionForTask("web"),
    gate: (c) => c.gate("main"),
    subscribe: (c) => c.subscribe(() => {}),
    renderAscii: (c) => renderAscii(c),
    requireTaskAllowed: (c) => testing.requireTaskAllowed(c, "web"),
  };
  for (const [what, call] of Object.entries(methods)) {
    assert.throws(() => call(freed()), (e) => e instanceof TypeError && /freed/.test(e.message), what);
  }
  // Documented: shutdown and free again do nothing; the phase stays readable.
  const c = freed();
  c.shutdown();
  c.free();
  assert.equal(c.state, "prestart");
  // A freed gate: open and close do nothing, a wait rejects as after shutdown.
  const g = new Gate();
  g.free();
  g.open();
  g.close();
  assert.equal(g.isOpen, false);
  await assert.rejects(g.wait(), (e) => e.name === "AbortError");
  healthy();
});

test("inputs over the stated limits are refused by name", () => {
  const many = Array.from({ length: 10_001 }, (_, i) => ({ name: `t${i}` }));
  assert.throws(() => new Coordinator(many), (e) => e instanceof RangeError && /at most 10000 tasks/.test(e.message));
  const long = [{ name: "n".repeat(256) }];
  assert.throws(() => new Coordinator(long), (e) => e instanceof RangeError && /at most 255 bytes/.test(e.message));
  assert.throws(() => simulate(many), (e) => e instanceof RangeError && /at most 10000 tasks/.test(e.message));
  assert.throws(
    () => simulate([{ name: "web" }], [], { horizonMs: 1e12 }),
    (e) => e instanceof RangeError && /horizonMs/.test(e.message),
  );
  healthy();
});
