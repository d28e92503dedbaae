// Test helpers mirroring Nomad's exported ones (RequireTaskAllowed,
// RequireTaskBlocked, WaitNotInitUntil), for orchestrators' own tests.

function fail(message) {
  const error = new Error(message);
  error.name = "AssertionError";
  throw error;
}

/** Throws unless `name` may start now. */
export function requireTaskAllowed(coordinator, name) {
  if (!coordinator.isAllowed(name)) {
    fail(`task "${name}" should be allowed to start: ${coordinator.explain(name)}`);
  }
}

/** Throws unless `name` is blocked now. */
export function requireTaskBlocked(coordinator, name) {
  if (coordinator.isAllowed(name)) {
    fail(`task "${name}" should be blocked, but it may start (${coordinator.state} phase)`);
  }
}

/**
 * Resolves once the coordinator has left `init`; if it has not after `ms`
 * milliseconds, calls `onTimeout` and resolves.
 */
export function waitNotInitUntil(coordinator, ms, onTimeout) {
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
