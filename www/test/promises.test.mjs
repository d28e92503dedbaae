// The Promise rules of gates and start conditions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, Gate, allPending, macrotask, track } from "./helpers.mjs";

const isAbortError = (e) => e instanceof Error && e.name === "AbortError";

test("a wait on an open gate resolves; on a closed gate it waits for open", async () => {
  const gate = new Gate();
  assert.equal(gate.isOpen, false);
  const early = track(gate.wait());
  await macrotask();
  assert.equal(early.status, "pending");
  gate.open();
  assert.equal(gate.isOpen, true);
  const late = track(gate.wait());
  await macrotask();
  assert.equal(early.status, "resolved");
  assert.equal(late.status, "resolved");
  gate.free();
});

test("waiters pending when the gate opens are admitted even if it closes at once", async () => {
  const gate = new Gate();
  const waits = Array.from({ length: 50 }, () => track(gate.wait()));
  gate.open();
  gate.close();
  const after = track(gate.wait());
  await macrotask();
  assert.ok(waits.every((w) => w.status === "resolved"));
  assert.equal(after.status, "pending");
  gate.free();
});

test("shutdown rejects every pending and later wait with an AbortError", async () => {
  const gate = new Gate();
  const pending = track(gate.wait());
  gate.shutdown();
  const later = track(gate.wait());
  gate.open();
  assert.equal(gate.isOpen, false, "open does nothing after shutdown");
  await macrotask();
  assert.equal(pending.status, "rejected");
  assert.ok(isAbortError(pending.value), String(pending.value));
  assert.ok(isAbortError(later.value));
});

test("a wait's own signal rejects just that wait", async () => {
  const gate = new Gate();
  const controller = new AbortController();
  const cancelled = track(gate.wait({ signal: controller.signal }));
  const kept = track(gate.wait());
  controller.abort();
  await macrotask();
  assert.equal(cancelled.status, "rejected");
  assert.ok(isAbortError(cancelled.value));
  assert.equal(kept.status, "pending");
  gate.open();
  await macrotask();
  assert.equal(kept.status, "resolved");
  const already = track(gate.wait({ signal: AbortSignal.abort() }));
  await macrotask();
  assert.equal(already.status, "rejected", "an already aborted signal rejects at once");
});

test("the abort reason is passed through", async () => {
  const gate = new Gate();
  const controller = new AbortController();
  const wait = track(gate.wait({ signal: controller.signal }));
  const reason = new Error("task runner stopped");
  controller.abort(reason);
  await macrotask();
  assert.equal(wait.value, reason);
});

test("the coordinator's signal shuts it down", async () => {
  const controller = new AbortController();
  const c = new Coordinator([{ name: "web" }], { signal: controller.signal });
  const wait = track(c.startConditionForTask("web"));
  controller.abort();
  await macrotask();
  assert.ok(isAbortError(wait.value));
  allPending(c, ["web"]);
  assert.equal(c.state, "main", "the phase still follows updates");
  assert.equal(c.isAllowed("web"), false, "but no gate opens");
  assert.ok(isAbortError(await c.startConditionForTask("web").catch((e) => e)));
  const aborted = new Coordinator([{ name: "web" }], { signal: AbortSignal.abort() });
  assert.ok(isAbortError(await aborted.startConditionForTask("web").catch((e) => e)));
});

test("start conditions follow the lifecycle", async () => {
  const c = new Coordinator([
    { name: "init", lifecycle: { hook: "prestart" } },
    { name: "web" },
  ]);
  const web = track(c.startConditionForTask("web"));
  const init = track(c.startConditionForTask("init"));
  allPending(c, ["init", "web"]);
  await macrotask();
  assert.equal(init.status, "resolved");
  assert.equal(web.status, "pending");
  c.setTaskState("init", { state: "dead" });
  await macrotask();
  assert.equal(web.status, "resolved");
  c.free();
});

test("gate(stage) exposes the coordinator's gates", () => {
  const c = new Coordinator([{ name: "web" }, { name: "bye", lifecycle: { hook: "poststop" } }]);
  assert.ok(c.gate("main") instanceof Gate);
  assert.equal(c.gate("prestart-sidecar"), undefined);
  assert.throws(() => c.gate("sideways"), RangeError);
  allPending(c, ["web", "bye"]);
  assert.equal(c.gate("main").isOpen, true);
  assert.equal(c.gate("poststop").isOpen, false);
  c.shutdown();
  assert.equal(c.gate("main").isOpen, false);
});
