// The simulation entry of tasklifecycle (`tasklifecycle/sim`): Nomad's
// simulated allocation and the ASCII renderer, over a wasm module of their
// own, so that `import "tasklifecycle"` never loads them. Tasks are read by
// the core entry's helpers (this entry loads the core too: renderAscii draws
// a core Coordinator).

import { SNAPSHOT, describe, isCoordinator, reading, taskColumns } from "./api.js";
import {
  jobTypeNames,
  outsideActionNames,
  phaseNames,
  renderAscii as wasmRenderAscii,
  simulate as wasmSimulate,
  stageNames,
  statusNames,
  taskEventNames,
  wireFormat,
} from "./tasklifecycle_sim_wasm.js";

let vocabulary;
/** The code tables, read from Rust once (after the module is initialised). */
function words() {
  vocabulary ??= {
    phases: phaseNames(),
    stages: stageNames(),
    statuses: statusNames(),
    taskEvents: taskEventNames(),
    jobTypes: jobTypeNames(),
    actions: outsideActionNames(),
    // A task state's code is stride × status + failed (src/js/mod.rs, `wire`).
    stateStride: wireFormat()[2],
  };
  return vocabulary;
}

/** The coordinator drawn as ASCII art, in the style of Nomad's package docs. */
export function renderAscii(coordinator) {
  if (!isCoordinator(coordinator)) {
    throw new TypeError(`renderAscii needs a Coordinator, got ${describe(coordinator)}`);
  }
  const { names, lengths, hooks, sidecars, states, phase, open } = coordinator[SNAPSHOT]();
  return wasmRenderAscii(names.join(""), lengths, hooks, sidecars, states, phase, open);
}

/** Outside actions as (time, code, task index) triples for the wasm. */
function actionColumns(actions, names) {
  if (!Array.isArray(actions)) throw new TypeError(`actions must be an array, got ${describe(actions)}`);
  const codes = words().actions;
  const out = new Float64Array(actions.length * 3);
  actions.forEach((a, i) => {
    if (a === null || typeof a !== "object") throw new TypeError(`action #${i} must be an object, got ${describe(a)}`);
    const code = codes.indexOf(a.kind);
    if (code < 0) throw new RangeError(`action #${i}: kind must be one of ${codes.join(", ")}, got ${describe(a.kind)}`);
    if (typeof a.atMs !== "number") throw new TypeError(`action #${i}: atMs must be a number, got ${describe(a.atMs)}`);
    let task = 0;
    if (a.kind === "restartTask" || a.kind === "killTask") {
      task = names.indexOf(a.task);
      if (task < 0) throw new RangeError(`action #${i}: unknown task ${describe(a.task)}`);
    }
    out.set([a.atMs, code, task], i * 3);
  });
  return out;
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
  const { names, lengths, hooks, sidecars } = taskColumns(tasks);
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
  const { knobs, restart, actions } = reading("settings", () => settingsColumns(s, names));
  const run = wasmSimulate(names.join(""), lengths, hooks, sidecars, normalized, knobs, restart, actions);
  return decode(run, names);
}

/** The settings as the wasm takes them: knobs, the group's restart policy, outside actions. */
function settingsColumns(s, names) {
  const { jobTypes } = words();
  const jobType = jobTypes.indexOf(s.jobType ?? "service");
  if (jobType < 0) {
    throw new RangeError(`jobType must be one of ${jobTypes.join(", ")}, got ${describe(s.jobType)}`);
  }
  for (const key of ["seed", "jitter", "horizonMs", "maxRunDurationMs"]) {
    if (s[key] !== undefined && typeof s[key] !== "number") {
      throw new TypeError(`${key} must be a number, got ${describe(s[key])}`);
    }
  }
  const knobs = new Float64Array([s.seed ?? 1, s.jitter ?? 0.2, s.horizonMs ?? 600000, jobType, s.maxRunDurationMs ?? NaN]);
  const restart = s.restart === undefined || s.restart === null ? null : policy(s.restart, "the group");
  const actions = actionColumns(s.actions ?? [], names);
  return { knobs, restart, actions };
}

/** A simulation's columns as events (and the wasm side freed). */
function decode(run, names) {
  try {
    const { phases, stages, statuses: statusOf, taskEvents, stateStride } = words();
    const stageList = (mask) => stages.filter((_, i) => mask & (1 << i));
    const [times, kinds, first, second, third, messages] =
      [run.times(), run.kinds(), run.first(), run.second(), run.third(), run.messages()];
    const events = [];
    let m = 0;
    for (let i = 0; i < times.length; i++) {
      const atMs = times[i];
      if (kinds[i] === 0) {
        const state = { state: statusOf[Math.floor(second[i] / stateStride)], failed: second[i] % stateStride === 1 };
        const event = { atMs, type: "task", task: names[first[i]], state };
        if (third[i] !== 255) event.event = { type: taskEvents[third[i]], message: messages[m++] };
        events.push(event);
      } else {
        const [opened, closed] = [stageList(third[i] & 0xff), stageList(third[i] >> 8)];
        events.push({ atMs, type: "phase", from: phases[first[i]], to: phases[second[i]], opened, closed });
      }
    }
    return events;
  } finally {
    run.free();
  }
}
