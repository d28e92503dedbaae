import type { Coordinator } from "./index.js";

/** Throws an `AssertionError` unless `name` may start now. */
export function requireTaskAllowed(coordinator: Coordinator, name: string): void;
/** Throws an `AssertionError` unless `name` is blocked now. */
export function requireTaskBlocked(coordinator: Coordinator, name: string): void;
/** Resolves once the coordinator has left `init`; after `ms` without that, calls `onTimeout` and resolves. */
export function waitNotInitUntil(coordinator: Coordinator, ms: number, onTimeout: () => void): Promise<void>;
