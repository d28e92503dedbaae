// Shared by the tests: the built package (make npm), and small async helpers.
import { setImmediate as macrotask } from "node:timers/promises";

export { Coordinator, Gate } from "../../pkg/node.js";
export * as testing from "../../pkg/testing.js";
export { macrotask };

/** Tracks a promise's outcome without awaiting it. */
export function track(promise) {
  const t = { status: "pending", value: undefined };
  promise.then(
    (v) => Object.assign(t, { status: "resolved", value: v }),
    (e) => Object.assign(t, { status: "rejected", value: e }),
  );
  return t;
}

export const conformanceDir =
  process.env.TASKLIFECYCLE_CONFORMANCE ?? new URL("../../tests/conformance/", import.meta.url).pathname;

/** A group with a task in every stage (named as in the ASCII golden files). */
export const EVERY_STAGE = [
  { name: "init", lifecycle: { hook: "prestart" } },
  { name: "proxy", lifecycle: { hook: "prestart", sidecar: true } },
  { name: "web" },
  { name: "api" },
  { name: "warm-cache", lifecycle: { hook: "poststart" } },
  { name: "log-shipper", lifecycle: { hook: "poststart", sidecar: true } },
  { name: "cleanup", lifecycle: { hook: "poststop" } },
];

export function allPending(coordinator, names) {
  coordinator.taskStateUpdated(Object.fromEntries(names.map((n) => [n, { state: "pending" }])));
}
