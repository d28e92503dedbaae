// Test helpers mirroring Nomad's exported ones (RequireTaskAllowed,
// RequireTaskBlocked, WaitNotInitUntil), for orchestrators' own tests.

import { describe, isCoordinator } from "./api.js";

function coordinatorOf(value) {
  if (!isCoordinator(value)) {
    throw new TypeError(`coordinator must be a Coordinator, got ${describe(value)}`);
  }
  return value;
}

function fail(message) {
  const error = new Error(message);
  error.name = "AssertionError";
  throw error;
}

/** Throws unless `name` may start now. */
export function requireTaskAllowed(coordinator, name) {
  coordinatorOf(coordinator);
  if (!coordinator.isAllowed(name)) {
    fail(`task "${name}" should be allowed to start: ${coordinator.explain(name)}`);
  }
}

/** Throws unless `name` is blocked now. */
export function requireTaskBlocked(coordinator, name) {
  coordinatorOf(coordinator);
  if (coordinator.isAllowed(name)) {
    fail(`task "${name}" should be blocked, but it may start (${coordinator.state} phase)`);
  }
}

/**
 * Resolves once the coordinator has left `init`; if it has not after `ms`
 * milliseconds, calls `onTimeout` and resolves.
 */
export function waitNotInitUntil(coordinator, ms, onTimeout) {
  coordinatorOf(coordinator);
  // setTimeout's longest delay is 2^31 - 1 ms; past it, it fires at once.
  if (typeof ms !== "number" || !(ms >= 0 && ms <= 2 ** 31 - 1)) {
    throw new RangeError(`ms must be a number of milliseconds from 0 to 2147483647, got ${describe(ms)}`);
  }
  if (typeof onTimeout !== "function") {
    throw new TypeError(`onTimeout must be a function, got ${describe(onTimeout)}`);
  }
  if (coordinator.state !== "init") return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      onTimeout();
      resolve();
    }, ms);
    const unsubscribe = coordinator.subscribe((event) => {
      if (event.to !== "init") {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  });
}
