// subscribe / unsubscribe, and explain.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, allPending } from "./helpers.mjs";

const group = () =>
  new Coordinator([
    { name: "init", lifecycle: { hook: "prestart" } },
    { name: "proxy", lifecycle: { hook: "prestart", sidecar: true } },
    { name: "web" },
    { name: "cleanup", lifecycle: { hook: "poststop" } },
  ]);

test("every phase change is an event with its cause", () => {
  const c = group();
  const events = [];
  const unsubscribe = c.subscribe((e) => events.push(e));
  allPending(c, ["init", "proxy", "web", "cleanup"]);
  c.setTaskState("proxy", { state: "running" });
  assert.equal(events.length, 1, "no event without a phase change");
  c.setTaskState("init", { state: "dead" });
  c.restart();
  unsubscribe();
  unsubscribe();
  allPending(c, ["init", "proxy", "web", "cleanup"]);
  assert.deepEqual(events, [
    {
      from: "init",
      to: "prestart",
      opened: ["prestart-ephemeral", "prestart-sidecar"],
      closed: [],
      cause: {
        kind: "update",
        states: { init: { state: "pending" }, proxy: { state: "pending" }, web: { state: "pending" }, cleanup: { state: "pending" } },
      },
    },
    { from: "prestart", to: "main", opened: ["main"], closed: ["prestart-ephemeral"], cause: { kind: "update", states: { init: { state: "dead" } } } },
    { from: "main", to: "init", opened: [], closed: ["prestart-sidecar", "main"], cause: { kind: "restart" } },
  ]);
});

test("a listener may call back into the coordinator", () => {
  const c = group();
  const seen = [];
  c.subscribe((e) => seen.push([e.to, c.state, c.isAllowed("init")]));
  allPending(c, ["init", "proxy", "web", "cleanup"]);
  assert.deepEqual(seen, [["prestart", "prestart", true]]);
});

test("explain says why", () => {
  const c = group();
  allPending(c, ["init", "proxy", "web", "cleanup"]);
  assert.equal(
    c.explain("web"),
    "web is blocked: the coordinator is in prestart, waiting for prestart task `init` to finish successfully and prestart sidecar `proxy` to be running",
  );
  assert.equal(c.explain("init"), "init may start: the coordinator is in prestart, which opens the prestart-ephemeral gate");
  assert.match(c.explain("cleanup"), /poststop tasks wait until every other task is dead/);
});
