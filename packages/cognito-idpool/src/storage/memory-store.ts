import type { KeyValueStore } from "../platform/types.js";

/**
 * A {@link KeyValueStore} that lives as long as the page. Values are structured-cloned like
 * IndexedDB does, so a caller mutating an object after `set` cannot change what is stored.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId, storage: createMemoryStore() });
 * ```
 */
export function createMemoryStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  return {
    async get<T>(key: string) {
      // A missing key clones to undefined.
      return structuredClone(values.get(key)) as T | undefined;
    },
    async set(key, value) {
      values.set(key, structuredClone(value));
    },
    async del(key) {
      values.delete(key);
    },
  };
}
