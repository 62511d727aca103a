import type { KeyValueStore, Timers } from "../platform/types.js";
import { createMemoryStore } from "./memory-store.js";

/** A store that switches to memory for good the first time its primary store throws. */
export interface FallbackStore extends KeyValueStore {
  /** Writes, reads and deletes a probe key, so a broken primary is noticed at start-up rather than mid-flow. */
  probe(): Promise<void>;
}

/**
 * Wraps `primary` so that any failure (IndexedDB missing, private mode, quota, a blocked or
 * half-created database, or an operation that never settles within `timeoutMs`) moves storage to
 * memory for the rest of the page's life and calls `onFallback` once. Callers never see the error:
 * losing persistence costs an extra `GetId` after a reload, failing would cost the page.
 */
export function createFallbackStore(primary: KeyValueStore, options: { timers: Timers; timeoutMs: number; onFallback(error: unknown): void }): FallbackStore {
  let active = primary;
  let fellBack = false;
  const memory = createMemoryStore();

  const fallBack = (error: unknown) => {
    if (fellBack) return;
    fellBack = true;
    active = memory;
    options.onFallback(error);
  };

  // Some browsers leave `indexedDB.open` pending forever (blocked upgrade, old private modes).
  const withTimeout = <T>(operation: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = options.timers.setTimeout(() => reject(new Error(`storage did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      operation.then(
        (value) => {
          options.timers.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          options.timers.clearTimeout(timer);
          reject(error);
        },
      );
    });

  async function run<T>(operation: (store: KeyValueStore) => Promise<T>): Promise<T> {
    if (active === primary) {
      try {
        return await withTimeout(Promise.resolve().then(() => operation(primary)));
      } catch (error) {
        fallBack(error);
      }
    }
    return operation(memory);
  }

  return {
    get: <T>(key: string) => run((store) => store.get<T>(key)),
    set: (key, value) => run((store) => store.set(key, value)),
    del: (key) => run((store) => store.del(key)),
    async probe() {
      // A key of its own: tabs probing the same database at the same moment must not read each other's value.
      const token = `${Date.now()}-${Math.random()}`;
      const key = `cognito-idpool:probe:${token}`;
      await run(async (store) => {
        await store.set(key, token);
        const read = await store.get(key);
        await store.del(key);
        if (read !== token) throw new Error("storage did not return the value just written");
      });
    },
  };
}
