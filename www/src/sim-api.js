// The simulation entry of tasklifecycle (`tasklifecycle/sim`): Nomad's
// simulated allocation and the ASCII renderer, over a wasm module of their
// own, so that `import "tasklifecycle"` never loads them. Tasks are read by
// the core entry's helpers (this entry loads the core too: renderAscii draws
// a core Coordinator).

import { SNAPSHOT, describe, isCoordinator, parseTasks, reading, taskSpecs } from "./api.js";
import {
  outsideActionNames,
  renderAscii as wasmRenderAscii,
  simulate as wasmSimulate,
} from "./tasklifecycle_sim_wasm.js";

let vocabulary;
/** The code tables, read from Rust once (after the module is initialised). */
function words() {
  vocabulary ??= { actions: outsideActionNames() };
  return vocabulary;
}

/** The coordinator drawn as ASCII art, in the style of Nomad's package docs. */
export function renderAscii(coordinator) {
  if (!isCoordinator(coordinator)) {
    throw new TypeError(`renderAscii needs a Coordinator, got ${describe(coordinator)}`);
  }
  const { tasks, states, phase, open } = coordinator[SNAPSHOT]();
  return wasmRenderAscii(tasks, states, phase, open);
}

/** Outside actions, type-checked, with the task named by its index for the wasm. */
function actionList(actions, names) {
  if (!Array.isArray(actions)) throw new TypeError(`actions must be an array, got ${describe(actions)}`);
  const kinds = words().actions;
  return actions.map((a, i) => {
    if (a === null || typeof a !== "object") throw new TypeError(`action #${i} must be an object, got ${describe(a)}`);
    if (!kinds.includes(a.kind)) throw new RangeError(`action #${i}: kind must be one of ${kinds.join(", ")}, got ${describe(a.kind)}`);
    if (typeof a.atMs !== "number") throw new TypeError(`action #${i}: atMs must be a number, got ${describe(a.atMs)}`);
    let task = 0;
    if (a.kind === "restartTask" || a.kind === "killTask") {
      task = names.indexOf(a.task);
      if (task < 0) throw new RangeError(`action #${i}: unknown task ${describe(a.task)}`);
    }
    return { atMs: a.atMs, kind: a.kind, task };
  });
}

/** A number field (or absent); a TypeError names the task and the field. */
function optionalNumber(value, what, whose) {
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw new TypeError(`${whose}: ${what} must be a number, got ${describe(value)}`);
  return value;
}

/** A restart policy `{ attempts, intervalMs, delayMs, mode }`, checked for types. */
function policy(p, whose) {
  if (p === null || typeof p !== "object") throw new TypeError(`${whose}: restart must be an object, got ${describe(p)}`);
  const out = {};
  for (const key of ["attempts", "intervalMs", "delayMs"]) {
    out[key] = optionalNumber(p[key], `restart.${key}`, whose);
    if (out[key] === undefined) throw new TypeError(`${whose}: restart.${key} is missing`);
  }
  if (typeof p.mode !== "string") throw new TypeError(`${whose}: restart.mode must be "fail" or "delay", got ${describe(p.mode)}`);
  out.mode = p.mode;
  return out;
}

/** One run `{ startMs, runMs, exitCode, oomKilled, startError }` for the wasm. */
function normalizeRun(r, whose) {
  if (r === null || typeof r !== "object") throw new TypeError(`${whose}: a run must be an object, got ${describe(r)}`);
  const run = {
    startMs: optionalNumber(r.startMs, "startMs", whose),
    runMs: r.runMs === null ? -1 : optionalNumber(r.runMs, "runMs", whose),
    exitCode: optionalNumber(r.exitCode, "exitCode", whose) ?? 0,
    oomKilled: r.oomKilled === true,
  };
  if (r.startError !== undefined) {
    if (r.startError !== "recoverable" && r.startError !== "unrecoverable") {
      throw new RangeError(`${whose}: startError must be "recoverable" or "unrecoverable", got ${describe(r.startError)}`);
    }
    run.startError = r.startError;
  }
  return run;
}

/**
 * A task's behaviour for the wasm: `runs` (a script; the last run repeats), or
 * one run from `startMs`, `runMs` and `fails`; plus `leader`, `killTimeoutMs`,
 * `stopMs` and its own `restart` policy. `null` leaves it typical for the hook.
 */
function normalizeBehaviour(b, name) {
  if (b === undefined || b === null) return null;
  const whose = `task "${name}"`;
  if (typeof b !== "object") throw new TypeError(`${whose}: a behaviour must be an object, got ${describe(b)}`);
  let runs;
  if (b.runs !== undefined) {
    if (!Array.isArray(b.runs)) throw new TypeError(`${whose}: runs must be an array, got ${describe(b.runs)}`);
    runs = b.runs.map((r) => normalizeRun(r, whose));
  } else {
    runs = [normalizeRun({ startMs: b.startMs, runMs: b.runMs, exitCode: b.fails ? 1 : 0 }, whose)];
  }
  return {
    runs,
    leader: b.leader === true,
    killTimeoutMs: optionalNumber(b.killTimeoutMs, "killTimeoutMs", whose),
    stopMs: optionalNumber(b.stopMs, "stopMs", whose),
    restart: b.restart === undefined || b.restart === null ? null : policy(b.restart, whose),
  };
}

/**
 * Runs a simulated alloc on a seeded, simulated clock and returns what
 * happened: Nomad's task events with each task's state, and phase changes
 * with the gates they moved, in order.
 * `behaviours[i]` describes task i (missing fields: typical for its hook);
 * the third argument is a seed or the full settings.
 */
export function simulate(tasks, behaviours = [], settings = 1) {
  const parsed = parseTasks(tasks);
  const { names } = parsed;
  if (!Array.isArray(behaviours)) {
    throw new TypeError(`behaviours must be an array, got ${describe(behaviours)}`);
  }
  const n = names.length;
  if (behaviours.length > n) {
    throw new RangeError(`${behaviours.length} behaviours for ${n} tasks`);
  }
  const normalized = reading("behaviours", () => behaviours.map((b, i) => normalizeBehaviour(b, names[i])));
  const s = typeof settings === "number" ? { seed: settings } : settings;
  if (s === null || typeof s !== "object") {
    throw new TypeError(`settings (the third argument) must be a seed or an object, got ${describe(settings)}`);
  }
  const knobs = reading("settings", () => settingsOf(s, names));
  // One plain object in, plain event objects out (serde-wasm-bindgen both ways).
  return wasmSimulate({ tasks: taskSpecs(parsed), behaviours: normalized, ...knobs });
}

/** The settings, each field's type checked (ranges are checked in Rust). */
function settingsOf(s, names) {
  for (const key of ["seed", "jitter", "horizonMs", "maxRunDurationMs"]) {
    if (s[key] !== undefined && typeof s[key] !== "number") {
      throw new TypeError(`${key} must be a number, got ${describe(s[key])}`);
    }
  }
  const jobType = s.jobType ?? "service";
  if (typeof jobType !== "string") throw new TypeError(`jobType must be a string, got ${describe(jobType)}`);
  return {
    seed: s.seed ?? 1,
    jitter: s.jitter ?? 0.2,
    horizonMs: s.horizonMs ?? 600000,
    jobType,
    maxRunDurationMs: s.maxRunDurationMs ?? null,
    restart: s.restart === undefined || s.restart === null ? null : policy(s.restart, "the group"),
    actions: actionList(s.actions ?? [], names),
  };
}
