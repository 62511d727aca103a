/**
 * The platform seams. Everything that touches the outside world (time, timers, storage, locks,
 * the network, logging) comes in through these, so tests drive a fake clock instead of sleeping.
 */

/**
 * Wall-clock time in epoch milliseconds (the device clock, which may be wrong).
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId, clock: { now: () => Date.now() } });
 * ```
 */
export interface Clock {
  /** The current time, in milliseconds since the epoch (as `Date.now()`). */
  now(): number;
  /**
   * Milliseconds on a clock that only moves forward at a steady pace (as `performance.now()`), so
   * elapsed time is measured right when the user or the network sets the device clock. Without it,
   * elapsed time comes from `now()`.
   */
  monotonic?(): number;
}

/**
 * Timers; the browser's by default.
 *
 * @example
 * ```ts
 * const timers: Timers = { setTimeout: (run, ms) => setTimeout(run, ms), clearTimeout: (handle) => clearTimeout(handle as number) };
 * ```
 */
export interface Timers {
  /** Calls `callback` once after `delayMs` milliseconds; returns a handle for {@link Timers.clearTimeout}. */
  setTimeout(callback: () => void, delayMs: number): unknown;
  /** Cancels a timer that {@link Timers.setTimeout} returned and that has not fired yet. */
  clearTimeout(handle: unknown): void;
}

/**
 * Asynchronous key-value storage. Values are structured-cloneable (IndexedDB semantics).
 *
 * @example
 * ```ts
 * const store: KeyValueStore = {
 *   get: async (key) => JSON.parse(localStorage.getItem(key) ?? "null") ?? undefined,
 *   set: async (key, value) => localStorage.setItem(key, JSON.stringify(value)),
 *   del: async (key) => localStorage.removeItem(key),
 * };
 * ```
 */
export interface KeyValueStore {
  /** The value stored under `key`, or undefined when there is none. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key`, replacing what was there. */
  set(key: string, value: unknown): Promise<void>;
  /** Removes `key`; resolves also when it was not there. */
  del(key: string): Promise<void>;
}

/**
 * An exclusive lock by name, shared by every tab of the origin (the Web Locks API by default).
 * `run` is called with the lock held; the lock is released when its promise settles.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId, lock: createInPageLock() });
 * ```
 */
export interface LockManager {
  /** Runs `run` while holding the lock `name`, after any earlier holder has finished; resolves to what `run` resolves to. */
  request<T>(name: string, run: () => Promise<T>): Promise<T>;
}

/**
 * Where diagnostics go. Silent by default; tokens and secrets are never passed to it.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId, logger: { debug: console.debug, warn: console.warn } });
 * ```
 */
export interface Logger {
  /** Details of what the library does and retries (refresh attempts, token renewal, ignored cross-tab messages), for troubleshooting. */
  debug(message: string, details?: Record<string, unknown>): void;
  /** Something failed that the library worked around (storage unavailable, a lock not granted in time, corrupt stored data). */
  warn(message: string, details?: Record<string, unknown>): void;
}
