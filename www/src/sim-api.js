// The simulation entry of tasklifecycle (`tasklifecycle/sim`): Nomad's
// simulated allocation and the ASCII renderer, over a wasm module of their
// own, so that `import "tasklifecycle"` never loads them. Tasks are read by
// the core entry's helpers (this entry loads the core too: renderAscii draws
// a core Coordinator).

import { Coordinator, SNAPSHOT, describe, taskColumns } from "./api.js";
import {
  jobTypeNames,
  outsideActionNames,
  phaseNames,
  renderAscii as wasmRenderAscii,
  simulate as wasmSimulate,
  stageNames,
  statusNames,
  taskEventNames,
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
  };
  return vocabulary;
}

/** The coordinator drawn as ASCII art, in the style of Nomad's package docs. */
export function renderAscii(coordinator) {
  if (!(coordinator instanceof Coordinator)) {
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
  const startMs = new Float64Array(n).fill(NaN);
  const runMs = new Float64Array(n).fill(NaN);
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = behaviours[i];
    if (b === undefined || b === null) continue;
    if (typeof b !== "object") throw new TypeError(`behaviour #${i} must be an object, got ${describe(b)}`);
    const number = (value, what) => {
      if (typeof value !== "number") throw new TypeError(`task "${names[i]}": ${what} must be a number, got ${describe(value)}`);
      return value;
    };
    if (b.startMs !== undefined) startMs[i] = number(b.startMs, "startMs");
    if (b.runMs === null) runMs[i] = -1;
    else if (b.runMs !== undefined) runMs[i] = number(b.runMs, "runMs");
    flags[i] = (b.fails ? 1 : 0) | (b.leader ? 2 : 0);
  }
  const s = typeof settings === "number" ? { seed: settings } : settings;
  if (s === null || typeof s !== "object") {
    throw new TypeError(`the third argument must be a seed or settings, got ${describe(settings)}`);
  }
  const { jobTypes } = words();
  const jobType = jobTypes.indexOf(s.jobType ?? "service");
  if (jobType < 0) {
    throw new RangeError(`jobType must be one of ${jobTypes.join(", ")}, got ${describe(s.jobType)}`);
  }
  const knobs = new Float64Array([s.seed ?? 1, s.jitter ?? 0.2, s.horizonMs ?? 600000, jobType]);
  const actions = actionColumns(s.actions ?? [], names);
  const run = wasmSimulate(names.join(""), lengths, hooks, sidecars, startMs, runMs, flags, knobs, actions);
  try {
    const { phases, stages, statuses: statusOf, taskEvents } = words();
    const stageList = (mask) => stages.filter((_, i) => mask & (1 << i));
    const [times, kinds, first, second, third, messages] =
      [run.times(), run.kinds(), run.first(), run.second(), run.third(), run.messages()];
    const events = [];
    let m = 0;
    for (let i = 0; i < times.length; i++) {
      const atMs = times[i];
      if (kinds[i] === 0) {
        const state = { state: statusOf[second[i] >> 1], failed: (second[i] & 1) === 1 };
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
