// Nomad's own API JSON is accepted as it is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator } from "./helpers.mjs";

// As `nomad job inspect` prints a task group's tasks (trimmed).
const tasks = [
  { Name: "connect-proxy-web", Driver: "docker", Config: { image: "envoy" },
    Lifecycle: { Hook: "prestart", Sidecar: true }, Resources: { CPU: 250 } },
  { Name: "migrate", Driver: "exec", Lifecycle: { Hook: "prestart", Sidecar: false } },
  { Name: "web", Driver: "docker", Lifecycle: null, Leader: true },
  { Name: "warm-cache", Lifecycle: { Hook: "poststart", Sidecar: null } },
  { Name: "flush", Lifecycle: { Hook: "poststop" } },
];

// As `/v1/allocation/:id` reports TaskStates (trimmed).
const taskStates = {
  "connect-proxy-web": { State: "running", Failed: false, Restarts: 0, StartedAt: "2026-11-27T10:00:00Z", Events: [] },
  migrate: { State: "dead", Failed: false, Restarts: 0, FinishedAt: "2026-11-27T10:00:05Z", Events: [{ Type: "Terminated" }] },
  web: { State: "running", Failed: false, Restarts: 1 },
  "warm-cache": { State: "pending", Failed: false },
  flush: { State: "pending", Failed: false },
};

test("Nomad-cased tasks and task states drive the coordinator", () => {
  const c = new Coordinator(tasks);
  c.restore(taskStates);
  assert.equal(c.state, "poststart");
  assert.equal(c.isAllowed("warm-cache"), true);
  assert.equal(c.isAllowed("migrate"), false);
  assert.equal(c.gate("poststart-ephemeral").isOpen, true);
  c.setTaskState("warm-cache", { State: "dead", Failed: true });
  assert.equal(c.state, "wait_alloc");
  c.taskStateUpdated({
    "connect-proxy-web": { State: "dead", Failed: false },
    web: { State: "dead", Failed: true },
  });
  assert.equal(c.state, "poststop");
  assert.equal(c.isAllowed("flush"), true);
});

test("the lowercase form and Nomad's form mean the same", () => {
  const ours = new Coordinator([{ name: "p", lifecycle: { hook: "prestart", sidecar: true } }, { name: "w" }]);
  const theirs = new Coordinator([{ Name: "p", Lifecycle: { Hook: "prestart", Sidecar: true } }, { Name: "w" }]);
  for (const c of [ours, theirs]) {
    c.taskStateUpdated({ p: { State: "pending" }, w: { state: "pending" } });
    c.setTaskState("p", { State: "running" });
    assert.equal(c.state, "main");
  }
});
