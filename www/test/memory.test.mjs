// Waits and coordinators leave nothing behind in the wasm heap. The bounds
// are generous; the figures are printed as diagnostics for the notes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Coordinator, Gate, macrotask } from "./helpers.mjs";
// Internal to the package (not an entry point): the wasm module's memory size.
import { wasmMemoryBytes } from "../../pkg/wasm.js";

const LIMIT = 1 << 20; // 1 MiB: far above any real growth, far below a leak of 100k objects

test("100,000 wait/cancel cycles do not grow wasm memory", async (t) => {
  const c = new Coordinator([{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }]);
  const gate = new Gate();
  const before = wasmMemoryBytes();
  for (let i = 0; i < 100_000; i++) {
    const controller = new AbortController();
    const waits = [
      c.startConditionForTask("web", { signal: controller.signal }).catch(() => {}),
      gate.wait({ signal: controller.signal }).catch(() => {}),
    ];
    controller.abort();
    if (i % 10_000 === 0) await Promise.all(waits);
  }
  await macrotask();
  const growth = wasmMemoryBytes() - before;
  t.diagnostic(`wait/cancel x100000: wasm memory grew ${growth} bytes`);
  assert.ok(growth <= LIMIT, `grew ${growth} bytes`);
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
  assert.ok(growth <= LIMIT, `grew ${growth} bytes`);
});
