import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearRequests, count, identityRequests, newPool, page, startCoreKit, type CoreKit, type CorePool } from "./core-kit.js";
import { timeMachine } from "./time-machine.js";

/**
 * Skew, short lifetimes and failures against the emulator. Time moves with a "time machine": the
 * device clock and timers are fake, and the emulator's clock is shifted by the same amount through
 * `POST /_emulator/clock`, so nothing sleeps.
 */
let core: CoreKit;
let pool: CorePool;
const HOUR = 3_600_000;

beforeAll(async () => {
  core = await startCoreKit();
});
afterAll(async () => {
  await core.stop();
});
beforeEach(async () => {
  await core.kit.emulator.control("clock", { offsetSeconds: 0 });
  await core.kit.emulator.control("credentials", { lifetimeSeconds: null });
  pool = await newPool(core);
  await clearRequests(core);
});
afterEach(async () => {
  await core.kit.emulator.control("faults", { clear: true });
});

describe("clock skew", () => {
  it.each([
    ["ahead of", 3600],
    ["behind", -3600],
  ])("the server an hour %s the device: device-clock expiration, skew measured, no refresh loop", async (_label, offsetSeconds) => {
    await core.kit.emulator.control("clock", { offsetSeconds });
    const auth = page(core, pool);
    const creds = await auth.getCredentials();
    expect(Math.abs(creds.expiration.getTime() - (Date.now() + HOUR))).toBeLessThan(60_000);
    expect(Math.abs(auth.clockOffsetMs() - offsetSeconds * 1000)).toBeLessThan(60_000);
    for (let i = 0; i < 10; i++) await auth.getCredentials();
    // SDK clients are told the credentials have expired, so they ask again on every request.
    const forSdk = await auth.credentials();
    expect(forSdk.expiration.getTime()).toBe(0);
    expect(count(await identityRequests(core), "GetCredentialsForIdentity")).toBe(1);
    auth.dispose();
  });
});

describe("short-lived credentials", () => {
  it("across many lifetimes, every caller is served from memory with credentials the emulator still accepts", async () => {
    await core.kit.emulator.control("credentials", { lifetimeSeconds: 30 });
    const machine = timeMachine(core.kit);
    const auth = page(core, pool, { clock: machine.time, timers: machine.time });
    const { identityId } = await auth.getCredentials();

    for (let step = 0; step < 24; step++) {
      await machine.travel(5_000);
      // Renewal is due at half-life (15 s left): let one the timer started land, then check that callers need no request.
      await vi.waitFor(() => expect(auth.getState().expiration!.getTime() - machine.time.now()).toBeGreaterThan(15_000), { timeout: 10_000 });
      const before = (await identityRequests(core)).length;
      const served = await Promise.all(Array.from({ length: 10 }, () => auth.getCredentials()));
      expect((await identityRequests(core)).length).toBe(before);
      for (const c of served) {
        expect(c.identityId).toBe(identityId);
        expect(c.expiration.getTime()).toBeGreaterThan(machine.time.now() + 10_000);
      }
    }
    const log = await identityRequests(core);
    expect(log.every((r) => r.status === 200)).toBe(true);
    expect(count(log, "GetId")).toBe(1);
    // 120 s of 30-second credentials: at least one renewal per lifetime (else callers would have got
    // expired ones), at most one per half-life plus the first fetch; never one per call (240 calls).
    expect(count(log, "GetCredentialsForIdentity")).toBeGreaterThanOrEqual(1 + 120 / 30);
    expect(count(log, "GetCredentialsForIdentity")).toBeLessThanOrEqual(1 + 120 / 15);
    auth.dispose();
  });
});

describe("failures during refresh", () => {
  it.each([
    ["a dropped connection", "network", "network-error"],
    ["throttling", "TooManyRequestsException", "throttled"],
  ])("%s: backoff with jitter, old credentials served meanwhile, identity kept", async (_label, error, code) => {
    await core.kit.emulator.control("credentials", { lifetimeSeconds: 600 });
    const machine = timeMachine(core.kit);
    const auth = page(core, pool, { clock: machine.time, timers: machine.time, random: () => 0.5 });
    const first = await auth.getCredentials();
    await core.kit.emulator.control("faults", { target: "GetCredentialsForIdentity", error, count: 2 });
    await clearRequests(core);
    machine.time.requestedDelays.length = 0;

    // The refresh is due at expiration − 300 s (server time): exactly the one timer pending.
    const [due] = machine.time.pending().filter((t) => t.dueIn > 60_000);
    expect(due!.dueIn).toBeGreaterThanOrEqual(300_000);
    await machine.travel(due!.dueIn);
    await vi.waitFor(() => expect(auth.getState().refreshError?.code).toBe(code), { timeout: 10_000 });
    const served = await Promise.all(Array.from({ length: 10 }, () => auth.getCredentials()));
    expect(served.every((c) => c.accessKeyId === first.accessKeyId)).toBe(true);
    expect(machine.time.requestedDelays.filter((d) => d < 5_000)).toEqual([750]);
    expect(await identityRequests(core)).toHaveLength(1);

    await machine.travel(750);
    await vi.waitFor(() => expect(machine.time.requestedDelays.filter((d) => d < 5_000)).toEqual([750, 1500]), { timeout: 10_000 });
    await machine.travel(1500);
    await vi.waitFor(() => expect(auth.getState().refreshError).toBeUndefined(), { timeout: 10_000 });

    const renewed = await auth.getCredentials();
    expect(renewed.identityId).toBe(first.identityId);
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    const log = await identityRequests(core);
    expect(log.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity", "GetCredentialsForIdentity", "GetCredentialsForIdentity"]);
    expect(log.at(-1)).toMatchObject({ status: 200, identityId: first.identityId });
    auth.dispose();
  });
});
