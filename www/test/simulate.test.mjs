// simulate() and renderAscii() from the npm package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Coordinator, EVERY_STAGE, allPending } from "./helpers.mjs";
import { renderAscii, simulate } from "../../pkg/sim-node.js";

const tasks = [
  { name: "init", lifecycle: { hook: "prestart" } },
  { name: "proxy", lifecycle: { hook: "prestart", sidecar: true } },
  { name: "web" },
  { Name: "cleanup", Lifecycle: { Hook: "poststop" } },
];

/** The time of task `task`'s first event of Nomad type `type`. */
const first = (events, task, type) => events.find((e) => e.type === "task" && e.task === task && e.event?.type === type)?.atMs;

test("simulate runs a whole alloc in lifecycle order, deterministically", () => {
  const events = simulate(tasks, [undefined, undefined, { runMs: 2000 }], { seed: 42, jobType: "batch" });
  const started = (task) => first(events, task, "Started");
  assert.ok(started("init") !== undefined && started("proxy") !== undefined);
  assert.ok(started("web") > started("init"));
  assert.ok(started("cleanup") > started("web") + 2000 * 0.8);
  const phases = events.filter((e) => e.type === "phase").map((e) => e.to);
  assert.deepEqual(phases, ["prestart", "main", "wait_alloc", "poststop"], "no poststart task: main → wait_alloc in one update");
  assert.ok(events.some((e) => e.type === "phase" && e.to === "poststop" && e.opened.includes("poststop")));
  assert.ok(events.some((e) => e.task === "proxy" && e.event?.type === "Main Tasks Dead"));
  const killing = events.find((e) => e.task === "proxy" && e.event?.type === "Killing");
  assert.equal(killing.event.message, "Sent interrupt. Waiting 5s before force killing");
  assert.deepEqual(events.filter((e) => e.task === "web").map((e) => e.event?.type ?? e.state.state),
    ["Received", "Task Setup", "Started", "Terminated", "dead"], "a batch task that exits 0 is done");
  const again = simulate(tasks, [undefined, undefined, { runMs: 2000 }], { seed: 42, jobType: "batch" });
  assert.deepEqual(again, events, "same seed, same run");
  assert.notDeepEqual(simulate(tasks, [undefined, undefined, { runMs: 2000 }], { seed: 43, jobType: "batch" }), events);
});

test("simulate follows Nomad's restart policy and kill rules", () => {
  // Service job: init fails, is restarted twice (15 s + jitter), then gives up.
  const events = simulate(tasks, [{ fails: true }], { seed: 1, jitter: 0 });
  const restarts = events.filter((e) => e.task === "init" && e.event?.type === "Restarting");
  assert.equal(restarts.length, 2);
  assert.match(restarts[0].event.message, /^Task restarting in 1[5-8](\.\d+)?s$/);
  const gaveUp = events.find((e) => e.task === "init" && e.event?.type === "Not Restarting");
  assert.equal(gaveUp.event.message, 'Exceeded allowed attempts 2 in interval 30m0s and mode is "fail"');
  assert.deepEqual(gaveUp.state, { state: "dead", failed: true });
  assert.ok(!events.some((e) => e.task === "web" && e.event?.type === "Started"), "main never starts");
  const sibling = events.find((e) => e.task === "web" && e.event?.type === "Sibling Task Failed");
  assert.equal(sibling.event.message, 'Task\'s sibling "init" failed');
  // A service main task that exits 0 is restarted.
  const service = simulate([{ name: "web" }], [{ runMs: 1000 }], { jitter: 0 });
  assert.equal(service.filter((e) => e.event?.type === "Restarting").length, 2);
});

test("simulate takes outside actions at chosen times", () => {
  const group = [{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }, { name: "bye", lifecycle: { hook: "poststop" } }];
  const events = simulate(group, [{ runMs: 500 }, { runMs: null }, { runMs: 500 }], {
    jitter: 0,
    actions: [{ atMs: 5000, kind: "restartRunning" }, { atMs: 10000, kind: "stopAlloc" }],
  });
  const web = events.filter((e) => e.task === "web" && e.event).map((e) => e.event.type);
  assert.deepEqual(web.slice(3), ["Restart Signaled", "Terminated", "Restarting", "Started", "Killing", "Terminated", "Killed"]);
  assert.ok(events.some((e) => e.task === "bye" && e.event?.type === "Started" && e.atMs >= 10000), "poststop runs after the stop");
  assert.throws(() => simulate(group, [], { actions: [{ atMs: 1, kind: "killTask", task: "nope" }] }), /action #0: unknown task "nope"/);
  assert.throws(() => simulate(group, [], { actions: [{ atMs: 1, kind: "explode" }] }), RangeError);
});

test("simulate runs scripts: fails twice, then exits 0; policies and kill timeouts", () => {
  const group = [{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }];
  const events = simulate(group, [
    { runs: [{ runMs: 100, exitCode: 1 }, { runMs: 100, exitCode: 2 }, { runMs: 100 }] },
    { runMs: null, killTimeoutMs: 2000, stopMs: 60000 },
  ], { jitter: 0, restart: { attempts: 5, intervalMs: 60000, delayMs: 1000, mode: "fail" }, actions: [{ atMs: 20000, kind: "stopAlloc" }] });
  const init = events.filter((e) => e.task === "init" && e.event?.type === "Terminated").map((e) => e.event.message);
  assert.deepEqual(init, ["Exit Code: 1", "Exit Code: 2", "Exit Code: 0"]);
  const killing = events.find((e) => e.task === "web" && e.event?.type === "Killing");
  const killed = events.find((e) => e.task === "web" && e.event?.type === "Killed");
  assert.equal(killing.event.message, "Sent interrupt. Waiting 2s before force killing");
  assert.equal(killed.atMs - killing.atMs, 2000, "force-killed at its kill timeout");
  const own = simulate([{ name: "w" }], [{ runMs: 10, exitCode: 1, restart: { attempts: 0, intervalMs: 1, delayMs: 1, mode: "fail" } }], { jitter: 0 });
  assert.equal(own.find((e) => e.event?.type === "Not Restarting").event.message, "Policy allows no restarts");
  const capped = simulate([{ name: "w" }, { name: "p", lifecycle: { hook: "poststop" } }], [{ runMs: 100000 }], { jobType: "batch", maxRunDurationMs: 1000 });
  assert.deepEqual(capped.filter((e) => e.task === "p" && e.event).map((e) => [e.event.type, e.event.message]),
    [["Received", "Task received by client"], ["Killing", "allocation exceeded max_run_duration"]]);
  assert.throws(() => simulate([{ name: "w" }], [], { maxRunDurationMs: 1000 }), /job type "service" does not allow max_run_duration/);
  const fatal = simulate([{ name: "w" }], [{ runs: [{ startError: "unrecoverable" }] }]);
  assert.equal(fatal.find((e) => e.event?.type === "Not Restarting").event.message, "Error was unrecoverable");
});

test("simulate rejects bad input with clear errors", () => {
  assert.throws(() => simulate(tasks, [{ runs: "x" }]), /task "init": runs must be an array/);
  assert.throws(() => simulate(tasks, [{ runs: [] }]), /task `init`: runs must hold 1 to 16 runs/);
  assert.throws(() => simulate(tasks, [{ runs: [{ startError: "maybe" }] }]), /startError must be "recoverable" or "unrecoverable"/);
  assert.throws(() => simulate(tasks, [{ runs: [{ exitCode: 1.5 }] }]), /exitCode must be a whole number/);
  assert.throws(() => simulate(tasks, [{ restart: { attempts: 1, intervalMs: 1, delayMs: 1, mode: "sometimes" } }]), /restart.mode must be "fail" or "delay"/);
  assert.throws(() => simulate(tasks, [], { restart: { attempts: 1 } }), /the group: restart.intervalMs is missing/);
  assert.throws(() => simulate(tasks, [{ killTimeoutMs: -1 }]), /killTimeoutMs must be a number of milliseconds/);
  assert.throws(() => simulate("x"), TypeError);
  assert.throws(() => simulate(tasks, [{}, {}, {}, {}, {}]), /5 behaviours for 4 tasks/);
  assert.throws(() => simulate(tasks, [{ runMs: "long" }]), /task "init": runMs must be a number/);
  assert.throws(() => simulate(tasks, [], { seed: "x" }), /seed must be a number/);
  assert.throws(() => simulate(tasks, [{ startMs: -5 }]), /task `init`: startMs must be a number of milliseconds/);
  assert.throws(() => simulate(tasks, [], { jitter: 3 }), /jitter must be between 0 and 0.9/);
  assert.throws(() => simulate(tasks, [], { jobType: "cron" }), RangeError);
  assert.throws(() => simulate(tasks, [], { horizonMs: 1e15 }), /horizonMs must be at most 604800000/);
  assert.throws(() => simulate([{ name: "a" }, { name: "a" }]), /duplicate task name `a`/);
});

test("simulate finishes every run: the issue's runaway calls end within the budget", () => {
  const t0 = Date.now();
  const events = simulate(
    [{ name: "p", lifecycle: { hook: "prestart", sidecar: true } }, { name: "w" }],
    [{ startMs: 0, runMs: 0 }, { runMs: null }],
    { restartDelayMs: 0 },
  );
  assert.ok(events.length > 0 && events.length <= 100000);
  assert.ok(Date.now() - t0 < 30000, "no runaway");
});

test("renderAscii draws the coordinator as the golden files do", () => {
  const names = EVERY_STAGE.map((t) => t.name);
  const c = new Coordinator(EVERY_STAGE);
  allPending(c, names);
  c.setTaskState("proxy", { state: "running" });
  c.setTaskState("init", { state: "dead" });
  const golden = readFileSync(new URL("../../tests/golden/ascii/main.txt", import.meta.url), "utf8");
  assert.equal(renderAscii(c), golden);
  assert.throws(() => renderAscii({}), TypeError);
});
