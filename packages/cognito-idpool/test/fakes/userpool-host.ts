/**
 * A fake core for unit tests of the user-pool session: a device clock that only moves when told,
 * timers that fire only when run, a memory store, and a record of setLogins / endSession calls.
 */
import type { LoginValue, UserPoolHost, UserPoolOptions } from "../../src/user-pool/contract.js";
import type { KeyValueStore, LockManager } from "../../src/platform/types.js";
import { createRefreshScheduler } from "../../src/refresh/scheduler.js";
import { createInPageLock } from "../../src/tabs/locks.js";
import { createJsonRpcSend } from "../../src/aws/json-rpc.js";
import { storageKeys } from "../../src/storage/keys.js";
import type { SignOutCause } from "../../src/types.js";

export class FakeClock {
  constructor(public deviceNow = Date.parse("2026-03-01T12:00:00Z")) {}
  now = () => this.deviceNow;
  advance(ms: number) {
    this.deviceNow += ms;
  }
}

export class FakeTimers {
  private nextId = 1;
  readonly pending = new Map<number, { due: number; callback: () => void }>();
  constructor(private clock: FakeClock) {}
  setTimeout = (callback: () => void, delayMs: number): unknown => {
    const id = this.nextId++;
    this.pending.set(id, { due: this.clock.now() + delayMs, callback });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.pending.delete(handle as number);
  };
  /** Device time at which the earliest timer is due. */
  nextDue(): number | undefined {
    const dues = [...this.pending.values()].map((t) => t.due);
    return dues.length ? Math.min(...dues) : undefined;
  }
  /** Fires every timer due by now. */
  runDue() {
    for (const [id, t] of [...this.pending]) {
      if (t.due <= this.clock.now()) {
        this.pending.delete(id);
        t.callback();
      }
    }
  }
}

export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  /** Set to play a fallback store that answers from memory since storage failed. */
  degraded = false;
  async get<T>(key: string) {
    return structuredClone(this.data.get(key)) as T | undefined;
  }
  async set(key: string, value: unknown) {
    this.data.set(key, structuredClone(value));
  }
  async del(key: string) {
    this.data.delete(key);
  }
}

export interface FakeHost extends UserPoolHost {
  /** The device clock; server time is it plus `offsetMs`. */
  clock: { now(): number };
  clockRef: FakeClock;
  timersRef: FakeTimers;
  store: MemoryStore;
  /** Server time minus device time; what the core would have learned from Date headers. */
  offsetMs: number;
  loginsSet: Record<string, LoginValue>[];
  sessionsEnded: SignOutCause[];
  /** Every expiry handed to `tokensChanged`, in order (undefined: the tokens were dropped). */
  tokenExpiries: (number | undefined)[];
  warnings: { message: string; details?: Record<string, unknown> }[];
  /** Makes the next setLogins calls fail with this error. */
  setLoginsError?: unknown;
}

export function createFakeHost(options: Partial<UserPoolOptions> & { store?: MemoryStore; clock?: FakeClock; lock?: LockManager } = {}): FakeHost {
  const clock = options.clock ?? new FakeClock();
  const timers = new FakeTimers(clock);
  const store = options.store ?? new MemoryStore();
  const keys = storageKeys("eu-west-1:pool", { userPoolId: options.userPoolId ?? "eu-west-1_TestPool1", clientId: options.clientId ?? "client1" });
  const host: FakeHost = {
    options: { userPoolId: options.userPoolId ?? "eu-west-1_TestPool1", clientId: options.clientId ?? "client1" },
    region: "eu-west-1",
    endpoint: undefined,
    storage: store,
    tokensKey: keys.userPoolTokens!,
    deviceKey: keys.device,
    oauthKey: keys.oauth,
    clock,
    serverNow: () => host.clock.now() + host.offsetMs,
    toDeviceTime: (serverMs) => serverMs - host.offsetMs,
    lock: options.lock ?? createInPageLock(),
    tokensChanged(expiresAt) {
      host.tokenExpiries.push(expiresAt);
    },
    random: () => 0.5,
    scheduler: (refresh) =>
      createRefreshScheduler({ timers: host.timers, serverNow: () => host.serverNow(), random: () => host.random(), logger: host.logger, refresh }),
    timers,
    logger: {
      debug: () => undefined,
      warn: (message, details) => {
        host.warnings.push(details ? { message, details } : { message });
      },
    },
    fetch: undefined,
    jsonRpc: createJsonRpcSend,
    requestTimeoutMs: 15_000,
    observeServerDate: () => undefined,
    async setLogins(logins) {
      if (host.setLoginsError) throw host.setLoginsError;
      host.loginsSet.push(logins);
    },
    async endSession(reason) {
      host.sessionsEnded.push(reason);
    },
    clockRef: clock,
    timersRef: timers,
    store,
    offsetMs: 0,
    loginsSet: [],
    sessionsEnded: [],
    tokenExpiries: [],
    warnings: [],
  };
  return host;
}

/** Lets pending promise chains (memory storage, fake network) run to completion. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A host on the real clock and timers (for tests against real servers before or besides the core):
 * setLogins fetches the login once, as the core's credential fetch would.
 */
export function createLiveHost(input: { userPoolId: string; clientId: string; region?: string; endpoint?: string; store?: MemoryStore }): FakeHost {
  const host = createFakeHost({ userPoolId: input.userPoolId, clientId: input.clientId, ...(input.store ? { store: input.store } : {}) });
  host.region = input.region ?? "eu-west-1";
  host.endpoint = input.endpoint;
  host.clock = { now: () => Date.now() };
  // Learns the server clock from Date headers, as the core does (second resolution is plenty).
  host.observeServerDate = (header) => {
    const server = header ? Date.parse(header) : NaN;
    if (Number.isFinite(server)) host.offsetMs = server - Date.now();
  };
  host.timers = {
    setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  host.setLogins = async (logins) => {
    if (host.setLoginsError) throw host.setLoginsError;
    for (const value of Object.values(logins)) if (typeof value === "function") await value();
    host.loginsSet.push(logins);
  };
  return host;
}
