import { createStore, del, get, set, type UseStore } from "idb-keyval";
import type { KeyValueStore } from "../platform/types.js";

/** Our own database: idb-keyval allows one object store per database, and the default `keyval-store` may belong to the app. */
const IDB_DATABASE = "cognito-idpool";
const IDB_OBJECT_STORE = "kv";

/**
 * The IndexedDB-backed {@link KeyValueStore} (idb-keyval). The database is opened on first use,
 * not here: where IndexedDB is missing or merely touching it throws (sandboxed iframes, some
 * private modes), the first operation rejects and the fallback store switches to memory.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId, storage: createIndexedDbStore() });
 * ```
 */
export function createIndexedDbStore(): KeyValueStore {
  let store: UseStore | undefined;
  const use = () => (store ??= createStore(IDB_DATABASE, IDB_OBJECT_STORE));
  return {
    get: async <T>(key: string) => get<T>(key, use()),
    set: async (key, value) => set(key, value, use()),
    del: async (key) => del(key, use()),
  };
}
