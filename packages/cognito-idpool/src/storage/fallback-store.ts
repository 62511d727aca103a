import type { KeyValueStore, Timers } from "../platform/types.js";
import { backoffDelay } from "../refresh/backoff.js";
import { withDeadline } from "../platform/deadline.js";

/** A store that answers from memory for good the first time its primary store fails, but still deletes from the primary. */
export interface FallbackStore extends KeyValueStore {
  /**
   * True once the store answers from memory. From then on "not found" only means "not known to
   * this page", not "deleted": a caller must not read it as another tab's sign-out.
   */
  readonly degraded: boolean;
  /** Writes, reads and deletes a probe key, so a broken primary is noticed at start-up rather than mid-flow. */
  probe(): Promise<void>;
  /** Drops what this page remembers of `key`, leaving the primary alone: another tab changed it. */
  forget(key: string): void;
}

export interface FallbackStoreOptions {
  timers: Timers;
  /** A primary operation not settled after this long fails (counted so that a frozen tab's pause does not count, see below). */
  timeoutMs: number;
  /** In [0, 1): jitter of the delete retries, and the probe's token. */
  random: () => number;
  /** The probe's key for a token: `storageKeys(...).probe`. */
  probeKey(token: string): string;
  /** Called once, with the first failure, when the store starts answering from memory. */
  onFallback(error: unknown): void;
}

/** Tries of a delete on the primary (the first and two retries, about 1 s and 2 s apart) before it is reported as refused. */
const DELETE_ATTEMPTS = 3;
/**
 * The timeout runs as a chain of this many timers (see withDeadline): a tab frozen with an operation
 * pending may fire the one overdue timer on resume before IndexedDB's callback, and the operation
 * still has three quarters of the timeout to answer, so a pause alone never makes storage "slow".
 */
const TIMEOUT_TICKS = 4;

/** Probes made in this realm. */
let probes = 0;

/**
 * Wraps `primary` so that any failure (IndexedDB missing, private mode, quota, a blocked or
 * half-created database, or an operation that never settles within `timeoutMs`) moves reads and
 * writes to memory for the rest of the page's life and calls `onFallback` once. Reads and writes
 * never reject because of the primary: losing persistence costs an extra `GetId` after a reload,
 * failing would cost the page.
 *
 * - **What this page knew stays known.** Every value read from or written to the primary is kept
 *   in memory as well, so after a fallback reads answer with the last value this page saw, not
 *   "nothing" (which would look like another tab's sign-out). A read that timed out still
 *   updates that memory when the primary answers late, unless this page wrote or deleted the key
 *   since: a single slow operation hides nothing for good.
 * - **Deletes always reach the primary**, also after a fallback: a sign-out must not leave a
 *   session in IndexedDB for the next page to restore. `del` resolves once the primary confirmed,
 *   retried with backoff, and rejects with the primary's error if it still refuses. That holds
 *   even where the primary never answered in this page: another tab may have stored there, so
 *   only a confirmed delete counts (on a browser with no IndexedDB at all, `signOut()` therefore
 *   ends with `storage-unavailable`, after signing out in memory).
 */
export function createFallbackStore(primary: KeyValueStore, options: FallbackStoreOptions): FallbackStore {
  const { timers, timeoutMs } = options;
  let degraded = false;
  /**
   * Per key, the last value this page read from or wrote to the primary (`value` undefined: none,
   * or deleted). Each change makes a new box, so a read that started before a write or delete can
   * tell, and does not put back the older value it got.
   */
  const known = new Map<string, { value: unknown }>();

  const fallBack = (error: unknown) => {
    if (degraded) return;
    degraded = true;
    options.onFallback(error);
  };

  const remember = (key: string, value: unknown) => known.set(key, { value: structuredClone(value) });

  const onPrimary = <T>(operation: (store: KeyValueStore) => Promise<T>): Promise<T> =>
    // Some browsers leave `indexedDB.open` pending forever (blocked upgrade, old private modes).
    withDeadline(
      Promise.resolve().then(() => operation(primary)),
      timers,
      timeoutMs,
      () => new Error(`storage did not answer within ${timeoutMs} ms`),
      TIMEOUT_TICKS,
    );

  return {
    get degraded() {
      return degraded;
    },
    forget: (key) => void known.delete(key),
    async get<T>(key: string) {
      if (!degraded) {
        const before = known.get(key);
        try {
          return await onPrimary(async (store) => {
            const value = await store.get<T>(key);
            if (known.get(key) === before) remember(key, value);
            return value;
          });
        } catch (error) {
          fallBack(error);
        }
      }
      return structuredClone(known.get(key)?.value) as T | undefined;
    },
    async set(key, value) {
      remember(key, value);
      if (!degraded) await onPrimary((store) => store.set(key, value)).catch(fallBack);
    },
    async del(key) {
      remember(key, undefined);
      for (let attempt = 1; ; attempt++) {
        try {
          return await onPrimary((store) => store.del(key));
        } catch (error) {
          fallBack(error);
          // Even where the primary never worked in this page, another tab may have stored there.
          if (attempt >= DELETE_ATTEMPTS) throw error;
        }
        await new Promise<void>((resolve) => timers.setTimeout(resolve, backoffDelay(attempt, options.random)));
      }
    },
    async probe() {
      // A key of its own: tabs probing the same database at the same moment must not read each other's
      // value. The count keeps apart stores of one realm that share a seeded or constant `random` (tests).
      const token = `${options.random()}:${++probes}`;
      const key = options.probeKey(token);
      await onPrimary(async (store) => {
        await store.set(key, token);
        const read = await store.get(key);
        await store.del(key);
        if (read !== token) throw new Error("storage did not return the value just written");
      }).catch(fallBack);
    },
  };
}
