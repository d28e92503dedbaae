/**
 * tasklifecycle — HashiCorp Nomad's task lifecycle coordinator, compiled from
 * Rust to WebAssembly. Decides when a task group's prestart, main, poststart
 * and poststop tasks may start.
 */

declare global {
  // `Symbol.dispose` (for `using`), declared here too so that projects whose
  // `lib` lacks `esnext.disposable` type-check; identical to TypeScript's own.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** A lifecycle hook; `""` (or no lifecycle) makes a main task. */
export type Hook = "prestart" | "poststart" | "poststop" | "";

/** A task of the group, in this package's casing. */
export interface TaskSpec {
  name: string;
  lifecycle?: { hook: Hook; sidecar?: boolean } | null;
}

/** A task as Nomad's API writes it (`nomad job inspect`); other fields are ignored. */
export interface NomadTask {
  Name: string;
  Lifecycle?: { Hook: Hook | null; Sidecar?: boolean | null } | null;
  [field: string]: unknown;
}

/** A task's reported state; any combination may be reported. */
export interface TaskState {
  state: "pending" | "running" | "dead";
  failed?: boolean;
}

/** A task state as Nomad's API writes it (`/v1/allocation/:id` TaskStates); other fields are ignored. */
export interface NomadTaskState {
  State: "pending" | "running" | "dead";
  Failed?: boolean;
  [field: string]: unknown;
}

/** The coordinator's phase. */
export type Phase = "init" | "prestart" | "main" | "poststart" | "wait_alloc" | "poststop";

/** A group of tasks that share a gate. */
export type Stage =
  | "prestart-ephemeral"
  | "prestart-sidecar"
  | "main"
  | "poststart-ephemeral"
  | "poststart-sidecar"
  | "poststop";

/** The call that caused a transition. */
export type Cause =
  | { kind: "update"; states: Record<string, TaskState | NomadTaskState> }
  | { kind: "restore"; states: Record<string, TaskState | NomadTaskState> }
  | { kind: "restart" };

/** A phase change and the gates it moved (each gate moves at most once per call). */
export interface TransitionEvent {
  from: Phase;
  to: Phase;
  opened: Stage[];
  closed: Stage[];
  cause: Cause;
}

/** Options of a wait: its own `signal` rejects just that wait. */
export interface WaitOptions {
  signal?: AbortSignal;
}

/** Decides when each task of a task group may start. */
export class Coordinator {
  /**
   * A coordinator in `init` with every gate closed. Throws `TypeError` for
   * malformed specs and `RangeError` for an unknown hook or an empty or
   * duplicate name. Aborting `signal` shuts the coordinator down.
   */
  constructor(tasks: ReadonlyArray<TaskSpec | NomadTask>, options?: { signal?: AbortSignal });
  /** The current phase. */
  readonly state: Phase;
  /** Records the reported states (tasks not named keep their last state) and moves the FSM. */
  taskStateUpdated(states: Record<string, TaskState | NomadTaskState>): void;
  /** Records one task's state and moves the FSM. */
  setTaskState(name: string, state: TaskState | NomadTaskState): void;
  /** For an alloc restored with running tasks: jumps to prestart, then applies `states`. */
  restore(states: Record<string, TaskState | NomadTaskState>): void;
  /** For a full alloc restart: back to init, every gate closed, until every task is pending again. */
  restart(): void;
  /** Whether the task may start now. */
  isAllowed(name: string): boolean;
  /**
   * Resolves when the task may start. Rejects with an `AbortError` when the
   * coordinator shuts down, or with `signal.reason` when `signal` aborts.
   */
  startConditionForTask(name: string, options?: WaitOptions): Promise<void>;
  /** The gate of a stage, or `undefined` when the group has no task in it. */
  gate(stage: Stage): Gate | undefined;
  /** Why the task may or may not start, in one sentence. */
  explain(name: string): string;
  /** Calls `listener` after every phase change; returns the function that unsubscribes it. */
  subscribe(listener: (event: TransitionEvent) => void): () => void;
  /** Rejects every pending and later wait with an `AbortError`; gates no longer move. */
  shutdown(): void;
  /**
   * Shuts down and hands the wasm memory back now (otherwise the GC does it
   * eventually): a few freed coordinators are kept for the next one of the
   * same tasks, which reuses one at a fraction of the cost of a new one.
   */
  free(): void;
  [Symbol.dispose](): void;
}

/** Blocks waiters while closed, admits them while open. Initially closed. */
export class Gate {
  constructor();
  /** Whether a wait started now would resolve at once. */
  readonly isOpen: boolean;
  /** Admits every pending and later waiter until `close()`. Does nothing after shutdown. */
  open(): void;
  /** Blocks new waiters; waiters already admitted stay admitted. Does nothing after shutdown. */
  close(): void;
  /** Resolves when admitted; rejects with an `AbortError` on shutdown, or `signal.reason` on abort. */
  wait(options?: WaitOptions): Promise<void>;
  /** Rejects every pending and later wait with an `AbortError`; open and close then do nothing. */
  shutdown(): void;
  /** Shuts down and releases the wasm memory now. */
  free(): void;
  [Symbol.dispose](): void;
}
