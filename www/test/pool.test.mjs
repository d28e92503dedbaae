// A freed coordinator's wasm half is kept (api.js's pool) and reused by the
// next `new Coordinator`: reset in place when the tasks are the same, rebuilt
// when not. Nothing of the freed coordinator may show through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, EVERY_STAGE, allPending, macrotask, track } from "./helpers.mjs";

const NAMES = EVERY_STAGE.map((t) => t.name);

/** Every task's `isAllowed`, by name. */
const allowed = (c) => Object.fromEntries(NAMES.map((n) => [n, c.isAllowed(n)]));

test("a coordinator made after a free of the same tasks behaves as a new one", async () => {
  const old = new Coordinator(EVERY_STAGE);
  const heard = [];
  old.subscribe((e) => heard.push(e.to));
  allPending(old, NAMES);
  old.setTaskState("init", { state: "dead" });
  old.setTaskState("proxy", { state: "running" });
  assert.equal(old.state, "main");
  const oldMain = old.gate("main");
  const oldWait = track(old.startConditionForTask("cleanup"));
  old.free();
  await macrotask();
  assert.equal(oldWait.status, "rejected", "the freed coordinator's waits are rejected");

  const reused = new Coordinator(EVERY_STAGE);
  assert.equal(reused.state, "init");
  assert.deepEqual(allowed(reused), Object.fromEntries(NAMES.map((n) => [n, false])));
  assert.match(reused.explain("web"), /^web /);
  const mainWait = track(reused.startConditionForTask("web"));
  allPending(reused, NAMES);
  assert.equal(reused.state, "prestart", "every task starts pending again");
  reused.taskStateUpdated({ init: { state: "dead" }, proxy: { state: "running" } });
  assert.equal(reused.state, "main");
  await macrotask();
  assert.equal(mainWait.status, "resolved");
  assert.equal(oldMain.isOpen, false, "the freed coordinator's gate does not move with the new one");
  assert.deepEqual(heard, ["prestart", "main"], "the freed coordinator's listener hears nothing more");
  reused.free();
});

test("a coordinator made after a free of other tasks has only its own", () => {
  new Coordinator(EVERY_STAGE).free();
  const c = new Coordinator([{ name: "solo" }, { name: "after", lifecycle: { hook: "poststart" } }]);
  assert.throws(() => c.isAllowed("web"), RangeError);
  assert.equal(c.gate("poststop"), undefined, "no poststop task, no gate");
  c.taskStateUpdated({ solo: { state: "pending" }, after: { state: "pending" } });
  assert.equal(c.state, "main");
  c.setTaskState("solo", { state: "running" });
  assert.equal(c.state, "poststart");
  assert.equal(c.isAllowed("after"), true);
  c.free();
});

test("a refused task list after a free leaves later coordinators whole", () => {
  for (let i = 0; i < 5; i++) new Coordinator(EVERY_STAGE).free();
  assert.throws(() => new Coordinator([{ name: "a" }, { name: "a" }]), /duplicate task name `a`/);
  assert.throws(() => new Coordinator([{ name: "" }]), RangeError);
  const c = new Coordinator(EVERY_STAGE);
  allPending(c, NAMES);
  assert.equal(c.state, "prestart");
  const d = new Coordinator([{ name: "a" }]);
  d.setTaskState("a", { state: "pending" });
  assert.equal(d.state, "main");
  c.free();
  d.free();
});

test("many coordinators alive at once, freed in any order, stay apart", () => {
  const groups = [0, 1, 2, 3, 4, 5].map((g) => [{ name: `pre-${g}`, lifecycle: { hook: "prestart" } }, { name: `main-${g}` }]);
  for (let round = 0; round < 3; round++) {
    const live = groups.map((tasks) => new Coordinator(tasks));
    live.forEach((c, g) => c.taskStateUpdated({ [`pre-${g}`]: { state: "pending" }, [`main-${g}`]: { state: "pending" } }));
    live.forEach((c, g) => g % 2 === 0 && c.setTaskState(`pre-${g}`, { state: "dead" }));
    live.forEach((c, g) => assert.equal(c.state, g % 2 === 0 ? "main" : "prestart", `round ${round}, group ${g}`));
    // Free in a different order each round, so each is rebuilt from another's.
    for (const g of [3, 0, 5, 1, 4, 2].map((x) => (x + round) % 6)) live[g].free();
  }
});

test("a coordinator of the same names with other lifecycles is rebuilt for them", () => {
  const before = [{ name: "a", lifecycle: { hook: "prestart" } }, { name: "b" }];
  const after = [{ name: "a" }, { name: "b", lifecycle: { hook: "poststop" } }];
  const c = new Coordinator(before);
  assert.notEqual(c.gate("prestart-ephemeral"), undefined);
  c.free();
  const d = new Coordinator(after);
  assert.equal(d.gate("prestart-ephemeral"), undefined, "no prestart task any more");
  d.taskStateUpdated({ a: { state: "pending" }, b: { state: "pending" } });
  assert.equal(d.state, "main");
  assert.equal(d.isAllowed("a"), true, "a is a main task now");
  assert.equal(d.isAllowed("b"), false, "b waits for poststop");
  d.free();
});
