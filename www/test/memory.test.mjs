// Waits and coordinators leave nothing behind in the wasm heap: after a warm-up
// (the allocator's working set), wasm memory does not grow at all. `make soak`
// runs 1,000,000 wait/cancel cycles (TASKLIFECYCLE_SOAK_CYCLES); `make test`
// 100,000. The figures are printed as diagnostics for the notes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, Gate, macrotask } from "./helpers.mjs";
// Internal to the package (not an entry point): the wasm module's memory size.
import { wasmMemoryBytes } from "../../pkg/wasm.js";

const CYCLES = Number(process.env.TASKLIFECYCLE_SOAK_CYCLES ?? 100_000);

test(`${CYCLES} wait/cancel cycles do not grow wasm memory`, async (t) => {
  const c = new Coordinator([{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }]);
  const gate = new Gate();
  const cycle = (i) => {
    const controller = new AbortController();
    const waits = [
      c.startConditionForTask("web", { signal: controller.signal }).catch(() => {}),
      gate.wait({ signal: controller.signal }).catch(() => {}),
    ];
    controller.abort();
    return i % 10_000 === 0 ? Promise.all(waits) : undefined;
  };
  for (let i = 0; i < 1_000; i++) await cycle(i); // warm-up
  await macrotask();
  const before = wasmMemoryBytes();
  for (let i = 0; i < CYCLES; i++) await cycle(i);
  await macrotask();
  const growth = wasmMemoryBytes() - before;
  t.diagnostic(`wait/cancel x${CYCLES}: wasm memory grew ${growth} bytes`);
  assert.equal(growth, 0, `grew ${growth} bytes`);
  c.free();
  gate.free();
});

test("100,000 coordinator create/free cycles do not grow wasm memory", (t) => {
  const tasks = [
    { name: "init", lifecycle: { hook: "prestart" } },
    { name: "proxy", lifecycle: { hook: "prestart", sidecar: true } },
    { name: "web" },
    { name: "cleanup", lifecycle: { hook: "poststop" } },
  ];
  // Warm up so the allocator has its working set.
  for (let i = 0; i < 1_000; i++) new Coordinator(tasks).free();
  const before = wasmMemoryBytes();
  for (let i = 0; i < 100_000; i++) {
    const c = new Coordinator(tasks);
    c.taskStateUpdated({ init: { state: "pending" }, proxy: { state: "pending" }, web: { state: "pending" }, cleanup: { state: "pending" } });
    c.free();
  }
  const growth = wasmMemoryBytes() - before;
  t.diagnostic(`create/update/free x100000: wasm memory grew ${growth} bytes (total ${wasmMemoryBytes()})`);
  assert.equal(growth, 0, `grew ${growth} bytes`);
});

test("updates still reach Rust after wasm memory has grown under an existing coordinator", () => {
  // Growing wasm memory detaches every view of the old buffer; a coordinator
  // made before must notice and write its state codes into the new one.
  const c = new Coordinator([{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }]);
  c.taskStateUpdated({ init: { state: "running" }, web: { state: "running" } }); // makes its view now
  const before = wasmMemoryBytes();
  const big = [];
  while (wasmMemoryBytes() === before) {
    big.push(new Coordinator(Array.from({ length: 2_000 }, (_, i) => ({ name: `t${big.length}-${i}` }))));
  }
  c.taskStateUpdated({ init: { state: "pending" }, web: { state: "pending" } });
  assert.equal(c.state, "prestart", "the update after the growth was applied");
  c.taskStateUpdated({ init: { state: "dead" } });
  assert.equal(c.state, "main");
  for (const b of big) b.free();
  c.free();
});
