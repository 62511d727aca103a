import { errorCode } from "../errors.js";
import type { LockManager, Logger, Timers } from "../platform/types.js";

/** The part of the Web Locks API (`navigator.locks`) we use. */
export interface WebLockApi {
  request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
}

/**
 * A {@link LockManager} on the Web Locks API: one holder per origin across tabs, windows and
 * workers. `run` goes ahead unlocked when the lock is not granted within `timeoutMs` (a frozen tab
 * holding it), and when Web Locks refuse the request before granting it (`SecurityError` in opaque
 * origins such as sandboxed iframes, where `navigator.locks` exists but never works): the worst
 * case is one extra guest identity, which is better than a page that never gets credentials. A
 * failure of `run` itself is passed through.
 */
export function createWebLocksLock(locks: WebLockApi, options: { timers: Timers; logger: Logger; timeoutMs: number }): LockManager {
  // A refusal repeats on every request of the page: said once.
  let refused = false;
  return {
    async request<T>(name: string, run: () => Promise<T>): Promise<T> {
      const controller = new AbortController();
      const timer = options.timers.setTimeout(() => controller.abort(), options.timeoutMs);
      let started = false;
      try {
        // Once granted, the lock stays: an abort then has no effect.
        return await locks.request(name, { signal: controller.signal }, () => {
          started = true;
          return run();
        });
      } catch (error) {
        if (started) throw error;
        // `error` tells the two apart: AbortError (our timeout) or the refusal, e.g. SecurityError.
        if (!refused) options.logger.warn("lock not granted; continuing without it", { lock: name, error: errorCode(error) });
        refused = !controller.signal.aborted;
        return run();
      } finally {
        options.timers.clearTimeout(timer);
      }
    },
  };
}

/**
 * The fallback where `navigator.locks` is missing (Safari before 15.4, some embedded web views):
 * an in-page queue per lock name. It serializes callers of this page only; two tabs opened at the
 * same instant may then each create a guest identity. Storage is still re-read inside the lock, so
 * tabs opened one after the other share one.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId, lock: createInPageLock() });
 * ```
 */
export function createInPageLock(): LockManager {
  /** Per lock name, the last holder's run, settled or not. */
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, run: () => Promise<T>): Promise<T> {
      const result = (tails.get(name) ?? Promise.resolve()).then(run);
      // The next holder waits for this one, whether it succeeds or fails; the map keeps no result.
      const tail = result.then(
        () => {},
        () => {},
      );
      tails.set(name, tail);
      return result;
    },
  };
}
