// simulate() and renderAscii() from the npm package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Coordinator, allPending } from "./helpers.mjs";
import { renderAscii, simulate } from "../../pkg/node.js";

const tasks = [
  { name: "init", lifecycle: { hook: "prestart" } },
  { name: "proxy", lifecycle: { hook: "prestart", sidecar: true } },
  { name: "web" },
  { Name: "cleanup", Lifecycle: { Hook: "poststop" } },
];

test("simulate runs a whole alloc in lifecycle order, deterministically", () => {
  const events = simulate(tasks, [undefined, undefined, { runMs: 2000 }], 42);
  const started = (task) => events.find((e) => e.type === "task" && e.task === task && e.why === "started")?.atMs;
  assert.ok(started("init") !== undefined && started("proxy") !== undefined);
  assert.ok(started("web") > started("init"));
  assert.ok(started("cleanup") > started("web") + 2000 * 0.8);
  const phases = events.filter((e) => e.type === "phase").map((e) => e.to);
  assert.deepEqual(phases, ["prestart", "main", "wait_alloc", "poststop"], "no poststart task: main → wait_alloc in one update");
  assert.ok(events.some((e) => e.type === "gate" && e.stage === "poststop" && e.open));
  assert.ok(events.some((e) => e.type === "task" && e.task === "proxy" && e.why === "killed: main tasks are done"));
  assert.deepEqual(simulate(tasks, [undefined, undefined, { runMs: 2000 }], 42), events, "same seed, same run");
  assert.notDeepEqual(simulate(tasks, [undefined, undefined, { runMs: 2000 }], 43), events);
});

test("simulate follows Nomad's kill rules", () => {
  const events = simulate(tasks, [{ fails: true }], { seed: 1, jitter: 0 });
  assert.ok(!events.some((e) => e.type === "task" && e.task === "web" && e.why === "started"), "main never starts");
  assert.ok(events.some((e) => e.task === "web" && e.why === "killed: sibling `init` failed"));
});

test("simulate rejects bad input with clear errors", () => {
  assert.throws(() => simulate("x"), TypeError);
  assert.throws(() => simulate(tasks, [{}, {}, {}, {}, {}]), /5 behaviours for 4 tasks/);
  assert.throws(() => simulate(tasks, [{ runMs: "long" }]), /task "init": runMs must be a number/);
  assert.throws(() => simulate(tasks, [{ startMs: -5 }]), /task `init`: startMs must be a number of milliseconds/);
  assert.throws(() => simulate(tasks, [], { jitter: 3 }), /jitter must be between 0 and 0.9/);
  assert.throws(() => simulate([{ name: "a" }, { name: "a" }]), /duplicate task name `a`/);
});

test("renderAscii draws the coordinator as the golden files do", () => {
  const names = ["init", "proxy", "web", "api", "warm-cache", "log-shipper", "cleanup"];
  const c = new Coordinator([
    { name: "init", lifecycle: { hook: "prestart" } },
    { name: "proxy", lifecycle: { hook: "prestart", sidecar: true } },
    { name: "web" },
    { name: "api" },
    { name: "warm-cache", lifecycle: { hook: "poststart" } },
    { name: "log-shipper", lifecycle: { hook: "poststart", sidecar: true } },
    { name: "cleanup", lifecycle: { hook: "poststop" } },
  ]);
  allPending(c, names);
  c.setTaskState("proxy", { state: "running" });
  c.setTaskState("init", { state: "dead" });
  const golden = readFileSync(new URL("../../tests/golden/ascii/main.txt", import.meta.url), "utf8");
  assert.equal(renderAscii(c), golden);
  assert.throws(() => renderAscii({}), TypeError);
});
