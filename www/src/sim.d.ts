// Types of `tasklifecycle/sim`: Nomad's simulated allocation and the ASCII renderer.
import type { Coordinator, NomadTask, Phase, Stage, TaskSpec, TaskState } from "./index.js";

/** The coordinator drawn as ASCII art, in the style of Nomad's package documentation. */
export function renderAscii(coordinator: Coordinator): string;

/** One run of a task; missing times are typical for its hook. */
export interface SimRun {
  /** From admission (or the end of a restart delay) to running, in simulated milliseconds. */
  startMs?: number;
  /** From running to exit; `null` runs until killed. */
  runMs?: number | null;
  /** How it exits (default 0, a success). */
  exitCode?: number;
  /** The OOM killer ended it (with exit code 0 Nomad still counts that a success). */
  oomKilled?: boolean;
  /** The driver fails to start it; an unrecoverable error is never retried. */
  startError?: "recoverable" | "unrecoverable";
}

/** A restart policy, durations in milliseconds. */
export interface RestartPolicy {
  attempts: number;
  intervalMs: number;
  delayMs: number;
  mode: "fail" | "delay";
}

/** How a simulated task behaves once its gate admits it; missing fields are typical for its hook. */
export interface Behaviour {
  /** A script of runs; the last repeats for every later restart ("fails twice, then exits 0"). */
  runs?: ReadonlyArray<SimRun>;
  /** Without `runs`: one run, from admission to running, in simulated milliseconds. */
  startMs?: number;
  /** Without `runs`: from running to exit; `null` runs until killed. */
  runMs?: number | null;
  /** Without `runs`: exits 1 (a failure, which the restart policy may retry) instead of 0. */
  fails?: boolean;
  /** Nomad's `leader`: when it dies, every other task is killed. */
  leader?: boolean;
  /** Its `kill_timeout` (default 5000; capped at 30000 as a Nomad client caps it). */
  killTimeoutMs?: number;
  /** How long it takes to exit once interrupted (default 0); force-killed at its kill timeout. */
  stopMs?: number;
  /** Its own `restart` block (default: the group's). */
  restart?: RestartPolicy;
}

/** Nomad's job types: batch and sysbatch tasks are done once they exit 0. */
export type JobType = "service" | "batch" | "sysbatch" | "system";

/** The simulation's knobs. */
export interface SimSettings {
  /** The same seed and settings always give the same run. */
  seed?: number;
  /** Start and run times are scaled by a random factor in 1 ± jitter (0 to 0.9; default 0.2). */
  jitter?: number;
  /** Decides restarts on success and the default restart policy (default "service"). */
  jobType?: JobType;
  /** The simulation stops here (default 600000, at most one week). */
  horizonMs?: number;
  /** The group's `max_run_duration` (batch and sysbatch jobs): then every task is killed, poststop first. */
  maxRunDurationMs?: number;
  /** The group's `restart` block (default: Nomad's for the job type). */
  restart?: RestartPolicy;
  /** Things done to the alloc from outside, at chosen simulated times. */
  actions?: ReadonlyArray<SimAction>;
}

/** An outside action, as `nomad alloc stop` / `nomad alloc restart` and friends. */
export type SimAction = { atMs: number } & (
  | { kind: "stopAlloc" | "restartRunning" | "restartAll" | "clientRestart" }
  | { kind: "restartTask" | "killTask"; task: string }
);

/** Nomad's task event types, as `nomad alloc status` lists them. */
export type TaskEventType =
  | "Received" | "Task Setup" | "Driver Failure" | "Started" | "Terminated" | "Restarting"
  | "Not Restarting" | "Restart Signaled" | "Killing" | "Killed" | "Sibling Task Failed" | "Leader Task Dead"
  | "Main Tasks Dead";

/** Something that happened in a simulated alloc. */
export type SimEvent = { atMs: number } & (
  | {
      type: "task";
      task: string;
      /** The task's state after it. */
      state: TaskState;
      /** Nomad's task event, if one was emitted (a state change alone has none). */
      event?: { type: TaskEventType; message: string };
    }
  | { type: "phase"; from: Phase; to: Phase; opened: Stage[]; closed: Stage[] }
);

/**
 * Runs a simulated alloc: task runners wait on their real start conditions,
 * their exits go through Nomad's restart tracker (the job type's default
 * restart policy), and Nomad's alloc-runner rules apply (kills on failure or
 * leader death, sidecars stopped after the main tasks, poststop last).
 */
export function simulate(
  tasks: ReadonlyArray<TaskSpec | NomadTask>,
  behaviours?: ReadonlyArray<Behaviour | null | undefined>,
  seedOrSettings?: number | SimSettings,
): SimEvent[];
