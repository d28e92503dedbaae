// Replays every trace recorded from the Go original through the JS API:
// `state` and `isAllowed` at every step; for allowed tasks the start condition
// resolves before the next macrotask, for blocked ones it is still pending.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Coordinator, conformanceDir, macrotask, track } from "./helpers.mjs";

async function replay(trace) {
  const c = new Coordinator(trace.tasks);
  for (let i = 0; i < trace.expect.length; i++) {
    if (i > 0) {
      const step = trace.steps[i - 1];
      if (step.op === "update") c.taskStateUpdated(step.states);
      else if (step.op === "restore") c.restore(step.states);
      else if (step.op === "restart") c.restart();
      else assert.fail(`${trace.name}: unknown op ${step.op}`);
    }
    const want = trace.expect[i];
    const where = `${trace.name} step ${i}`;
    assert.equal(c.state, want.state, `${where}: state`);
    const waits = [];
    for (const [task, allowed] of Object.entries(want.allowed)) {
      assert.equal(c.isAllowed(task), allowed, `${where}: isAllowed(${task})`);
      waits.push([task, allowed, track(c.startConditionForTask(task))]);
    }
    await macrotask();
    for (const [task, allowed, wait] of waits) {
      assert.equal(wait.status, allowed ? "resolved" : "pending", `${where}: startConditionForTask(${task})`);
    }
  }
  c.free();
  return trace.steps.length;
}

for (const [file, minimum] of [["nomad-tests.json", 11], ["random-400.json", 400]]) {
  test(`replays ${file} exactly through the JS API`, async (t) => {
    const traces = JSON.parse(readFileSync(join(conformanceDir, file), "utf8"));
    assert.ok(traces.length >= minimum, `${file}: ${traces.length} traces`);
    let steps = 0;
    for (const trace of traces) steps += await replay(trace);
    t.diagnostic(`${file}: ${traces.length} traces, ${steps} steps, 0 mismatches`);
  });
}

test("a wrong expectation is caught", async () => {
  const trace = {
    name: "wrong",
    tasks: [{ name: "web", lifecycle: null }],
    steps: [{ op: "update", states: { web: { state: "pending", failed: false } } }],
    expect: [
      { state: "init", allowed: { web: false } },
      { state: "prestart", allowed: { web: false } },
    ],
  };
  await assert.rejects(replay(trace), /wrong step 1: state/);
});
