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
  now(): number;
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
  setTimeout(callback: () => void, delayMs: number): unknown;
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
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
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
  debug(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}
