import { createAuth, type Auth } from "../../src/auth.js";
import type { AuthOptions } from "../../src/options.js";
import type { IdentityChange } from "../../src/types.js";
import type { KeyValueStore, LockManager, Logger } from "../../src/platform/types.js";
import { createMemoryStore } from "../../src/storage/memory-store.js";
import { createInPageLock } from "../../src/tabs/locks.js";
import { FakeCognito } from "./fake-cognito.js";
import { FakeTime } from "./fake-time.js";

/** One fake "browser": device clock and timers, a Cognito behind fetch, storage and a lock shared by every auth made from it (its "tabs"). */
export interface FakeEnv {
  time: FakeTime;
  cognito: FakeCognito;
  store: KeyValueStore;
  lock: LockManager;
  logs: { level: "debug" | "warn"; message: string; details?: Record<string, unknown> }[];
  logger: Logger;
  /** A new page of this browser: a fresh createAuth sharing storage, lock and Cognito. */
  auth(options?: Partial<AuthOptions>): Auth;
}

/** `start`: the device clock's first reading; use `Date.now()` when real AWS SDK clients (which read the real clock) are involved. */
export function createFakeEnv(start?: number): FakeEnv {
  const time = new FakeTime(start);
  const cognito = new FakeCognito(time);
  const logs: FakeEnv["logs"] = [];
  const logger: Logger = {
    debug: (message, details) => logs.push({ level: "debug", message, ...(details ? { details } : {}) }),
    warn: (message, details) => logs.push({ level: "warn", message, ...(details ? { details } : {}) }),
  };
  const env: FakeEnv = {
    time,
    cognito,
    store: createMemoryStore(),
    lock: createInPageLock(),
    logs,
    logger,
    auth: (options = {}) =>
      createAuth({
        identityPoolId: cognito.identityPoolId,
        storage: env.store,
        clock: time,
        timers: time,
        fetch: cognito.fetch,
        lock: env.lock,
        logger,
        random: () => 0.5,
        crossTab: false,
        ...options,
      }),
  };
  return env;
}

/** Storage keys as the SDK builds them. */
export function keyOf(env: FakeEnv, name: string): string {
  return `cognito-idpool:${env.cognito.identityPoolId}:${name}`;
}

/** Every identity change `auth` reports from now on, in order. */
export function recordChanges(auth: Auth): IdentityChange[] {
  const changes: IdentityChange[] = [];
  auth.onIdentityChange((change) => changes.push(change));
  return changes;
}
