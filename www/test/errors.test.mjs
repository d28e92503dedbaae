// Bad input throws TypeError or RangeError naming the culprit, changes
// nothing, and leaves the module healthy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, allPending } from "./helpers.mjs";

const throwsWith = (fn, type, pattern) =>
  assert.throws(fn, (e) => e instanceof type && pattern.test(e.message), `expected ${type.name} ${pattern}`);

test("bad task lists", () => {
  throwsWith(() => new Coordinator("web"), TypeError, /tasks must be an array.*"web"/);
  throwsWith(() => new Coordinator(undefined), TypeError, /tasks must be an array/);
  throwsWith(() => new Coordinator([{ name: "a" }, 7]), TypeError, /task #1 must be an object.*7/);
  throwsWith(() => new Coordinator([{ name: 3 }]), TypeError, /task #0: name must be a string/);
  throwsWith(() => new Coordinator([{ name: "a" }, { name: "a" }]), RangeError, /duplicate task name `a`/);
  throwsWith(() => new Coordinator([{ name: "a" }, { name: "" }]), RangeError, /task #1 has an empty name/);
  throwsWith(
    () => new Coordinator([{ name: "db", lifecycle: { hook: "prestop" } }]),
    RangeError,
    /task "db": unknown hook "prestop"/,
  );
  throwsWith(() => new Coordinator([{ name: "db", lifecycle: { Hook: 1 } }]), RangeError, /task "db": unknown hook 1 /);
  throwsWith(() => new Coordinator([{ name: "db", lifecycle: { hook: "PRESTART" } }]), RangeError, /unknown hook "PRESTART"/);
  // A hook name built at run time (not an interned literal) is still one.
  const hook = ["pre", "start"].join("");
  const c = new Coordinator([{ name: "db", lifecycle: { hook } }, { name: "web" }]);
  c.taskStateUpdated({ db: { state: "pending" }, web: { state: "pending" } });
  assert.deepEqual([c.isAllowed("db"), c.isAllowed("web")], [true, false], "db is a prestart task");
  c.free();
  throwsWith(
    () => new Coordinator([{ name: "db", lifecycle: { hook: "prestart", sidecar: "yes" } }]),
    TypeError,
    /task "db": sidecar must be a boolean/,
  );
  throwsWith(() => new Coordinator([{ name: "db", lifecycle: 5 }]), TypeError, /task "db": lifecycle must be/);
});

test("bad states and unknown tasks change nothing", () => {
  const c = new Coordinator([{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }]);
  throwsWith(() => c.taskStateUpdated(null), TypeError, /states must be an object/);
  throwsWith(() => c.taskStateUpdated([]), TypeError, /states must be an object/);
  throwsWith(
    () => c.taskStateUpdated({ init: { state: "pending" }, web: { state: "pending" }, db: { state: "pending" } }),
    RangeError,
    /unknown task "db"/,
  );
  assert.equal(c.state, "init", "a failed update applies nothing");
  throwsWith(
    () => c.taskStateUpdated({ init: { state: "pending" }, web: { state: "exploded" } }),
    RangeError,
    /task "web": unknown task state "exploded"/,
  );
  throwsWith(() => c.taskStateUpdated({ web: "running" }), TypeError, /task "web": a task state must be an object/);
  throwsWith(() => c.setTaskState("web", { state: "dead", failed: "no" }), TypeError, /task "web": failed must be a boolean/);
  throwsWith(() => c.setTaskState("db", { state: "dead" }), RangeError, /unknown task "db"/);
  throwsWith(() => c.isAllowed("db"), RangeError, /unknown task "db"/);
  throwsWith(() => c.explain(42), RangeError, /unknown task 42/);
  throwsWith(() => c.startConditionForTask("db"), RangeError, /unknown task "db"/);
  throwsWith(() => c.subscribe("not a function"), TypeError, /listener must be a function/);
  assert.equal(c.state, "init");
  // The module is healthy: the same coordinator and new ones work.
  allPending(c, ["init", "web"]);
  assert.equal(c.state, "prestart");
  const fresh = new Coordinator([{ name: "web" }]);
  allPending(fresh, ["web"]);
  assert.equal(fresh.state, "main");
});

test("a freed coordinator says so", () => {
  const c = new Coordinator([{ name: "web" }]);
  c.free();
  c.free();
  throwsWith(() => c.restart(), TypeError, /freed/);
  throwsWith(() => c.taskStateUpdated({}), TypeError, /freed/);
});

test("hostile values never reach a panic", () => {
  const cyclic = {};
  cyclic.self = cyclic;
  const weird = [cyclic, Symbol.iterator, 10n, () => 1, new Proxy({}, {}), Object.create(null)];
  for (const value of weird) {
    assert.throws(() => new Coordinator([value]), (e) => e instanceof TypeError || e instanceof RangeError);
  }
  const c = new Coordinator([{ name: "web" }, { name: "😀 ünïcode" }, { name: "a\u0000b" }]);
  allPending(c, ["web", "😀 ünïcode", "a\u0000b"]);
  assert.equal(c.state, "main");
  assert.equal(c.isAllowed("😀 ünïcode"), true);
  assert.match(c.explain("a\u0000b"), /may start/);
});

test("updates read the object's own keys, in any order, whatever its prototype", () => {
  const tasks = [{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }, { name: "db" }];
  const pending = { state: "pending" };
  // In task order, reversed, and one key at a time (the first guess hits, misses, or is past the end).
  for (const order of [["init", "web", "db"], ["db", "web", "init"], ["web", "db", "init"]]) {
    const c = new Coordinator(tasks);
    c.taskStateUpdated(Object.fromEntries(order.map((name) => [name, pending])));
    assert.equal(c.state, "prestart", order.join(","));
  }
  const c = new Coordinator(tasks);
  for (const name of ["db", "init", "web"]) c.taskStateUpdated({ [name]: pending });
  assert.equal(c.state, "prestart", "one key at a time");

  // A prototype's enumerable keys are not the caller's states: a task name
  // there reports nothing, an unknown one is no error.
  const proto = { web: { state: "running" }, ghost: { state: "dead" } };
  const inheriting = Object.assign(Object.create(proto), { init: pending, db: pending });
  const d = new Coordinator(tasks);
  d.taskStateUpdated(inheriting);
  assert.equal(d.state, "prestart", "web stays pending: its inherited state is not read");
  const nullProto = Object.assign(Object.create(null), { init: pending, web: pending, db: pending });
  const e = new Coordinator(tasks);
  e.taskStateUpdated(nullProto);
  assert.equal(e.state, "prestart");
  class States {
    constructor() {
      this.init = pending;
      this.web = pending;
      this.db = pending;
    }
    get ghost() {
      return { state: "dead" };
    }
  }
  const f = new Coordinator(tasks);
  f.taskStateUpdated(new States());
  assert.equal(f.state, "prestart", "a class instance's own fields, not its getters");
  // A bad entry after good ones in task order still changes nothing.
  const g = new Coordinator(tasks);
  const running = { state: "running" };
  throwsWith(() => g.taskStateUpdated({ init: running, web: running, db: { state: "exploded" } }), RangeError, /task "db"/);
  g.taskStateUpdated({ db: pending });
  assert.equal(g.state, "prestart", "init and web were not recorded running");
});
