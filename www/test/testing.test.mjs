// tasklifecycle/testing mirrors Nomad's helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, allPending, testing } from "./helpers.mjs";

test("requireTaskAllowed / requireTaskBlocked", () => {
  const c = new Coordinator([{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }]);
  testing.requireTaskBlocked(c, "init");
  assert.throws(() => testing.requireTaskAllowed(c, "web"), { name: "AssertionError", message: /web is blocked/ });
  allPending(c, ["init", "web"]);
  testing.requireTaskAllowed(c, "init");
  assert.throws(() => testing.requireTaskBlocked(c, "init"), { name: "AssertionError" });
});

test("waitNotInitUntil resolves on leaving init, or times out", async () => {
  const c = new Coordinator([{ name: "web" }]);
  let timedOut = false;
  await testing.waitNotInitUntil(c, 10, () => { timedOut = true; });
  assert.equal(timedOut, true);
  timedOut = false;
  const waiting = testing.waitNotInitUntil(c, 5_000, () => { timedOut = true; });
  setTimeout(() => allPending(c, ["web"]), 5);
  await waiting;
  assert.equal(timedOut, false);
  await testing.waitNotInitUntil(c, 1, () => assert.fail("already out of init"));
});
