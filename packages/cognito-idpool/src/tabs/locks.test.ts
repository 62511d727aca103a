import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeEnv } from "../../test/fakes/fake-env.js";
import { FakeTime } from "../../test/fakes/fake-time.js";
import type { LockManager } from "../platform/types.js";
import { createInPageLock, createWebLocksLock, type WebLockApi } from "./locks.js";

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Two "tabs" of one browser: same storage, same lock, both asking at the same instant. */
async function twoTabsCold(lock: LockManager | undefined) {
  const env = createFakeEnv();
  const options = lock === undefined ? { lock: undefined as never } : { lock };
  const [a, b] = [env.auth(options), env.auth(options)];
  const [ca, cb] = await Promise.all([a.getCredentials(), b.getCredentials()]);
  a.dispose();
  b.dispose();
  return { env, ca, cb };
}

const noLock: LockManager = { request: (_name, run) => run() };

describe("identity creation across tabs", () => {
  it("two tabs opened at once on a fresh browser create exactly one guest identity", async () => {
    const { env, ca, cb } = await twoTabsCold(createInPageLock());
    expect(env.cognito.count("GetId")).toBe(1);
    expect(ca.identityId).toBe(cb.identityId);
  });

  it("without the lock they would create two (the control for the test above)", async () => {
    const { env, ca, cb } = await twoTabsCold(noLock);
    expect(env.cognito.count("GetId")).toBe(2);
    expect(ca.identityId).not.toBe(cb.identityId);
  });

  it("uses navigator.locks when present, with a lock name per identity pool", async () => {
    const names: string[] = [];
    const inner = createInPageLock();
    const locks: WebLockApi = { request: (name, _options, run) => (names.push(name), inner.request(name, run)) };
    vi.stubGlobal("navigator", { locks });
    const { env } = await twoTabsCold(undefined);
    expect(env.cognito.count("GetId")).toBe(1);
    expect(names).toEqual([`cognito-idpool:${env.cognito.identityPoolId}:identity`, `cognito-idpool:${env.cognito.identityPoolId}:identity`]);
  });

  it("falls back to one in-page lock shared by every auth of the page where Web Locks are missing", async () => {
    vi.stubGlobal("navigator", {});
    const { env, ca, cb } = await twoTabsCold(undefined);
    expect(env.cognito.count("GetId")).toBe(1);
    expect(ca.identityId).toBe(cb.identityId);
  });
});

describe("Web Locks wrapper", () => {
  it("runs the callback while holding the lock and releases it after", async () => {
    const held: string[] = [];
    const locks: WebLockApi = {
      request: async (name, _options, run) => {
        held.push(`+${name}`);
        try {
          return await run();
        } finally {
          held.push(`-${name}`);
        }
      },
    };
    const lock = createWebLocksLock(locks, { timers: new FakeTime(), logger: { debug() {}, warn() {} }, timeoutMs: 10_000 });
    expect(await lock.request("x", async () => (held.push("run"), 42))).toBe(42);
    expect(held).toEqual(["+x", "run", "-x"]);
  });

  it("goes ahead without the lock when it is not granted in time (a frozen tab holds it)", async () => {
    const time = new FakeTime();
    const warn = vi.fn();
    const never: WebLockApi = {
      request: (_name, options) =>
        new Promise((_resolve, reject) => options.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")))),
    };
    const lock = createWebLocksLock(never, { timers: time, logger: { debug() {}, warn }, timeoutMs: 10_000 });
    const result = lock.request("x", async () => "ran");
    await time.advance(10_000);
    expect(await result).toBe("ran");
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/without it/), expect.objectContaining({ lock: "x" }));
  });

  it("passes errors of the callback through", async () => {
    const lock = createWebLocksLock({ request: (_n, _o, run) => run() }, { timers: new FakeTime(), logger: { debug() {}, warn() {} }, timeoutMs: 10_000 });
    await expect(lock.request("x", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });

  it("goes ahead without the lock when Web Locks refuse it (SecurityError in a sandboxed iframe), and says so once", async () => {
    const warn = vi.fn();
    const refusing: WebLockApi = { request: vi.fn(() => Promise.reject(new DOMException("The request is not allowed.", "SecurityError"))) };
    const lock = createWebLocksLock(refusing, { timers: new FakeTime(), logger: { debug() {}, warn }, timeoutMs: 10_000 });
    let runs = 0;
    expect(await lock.request("x", async () => ++runs)).toBe(1);
    expect(await lock.request("x", async () => ++runs)).toBe(2);
    expect(refusing.request).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/not granted; continuing without it/),
      expect.objectContaining({ lock: "x", error: "SecurityError" }),
    );
  });

  it("a failure of the work is passed through and the work is not run again unlocked", async () => {
    const warn = vi.fn();
    const lock = createWebLocksLock({ request: async (_n, _o, run) => run() }, { timers: new FakeTime(), logger: { debug() {}, warn }, timeoutMs: 10_000 });
    const work = vi.fn(() => Promise.reject(new DOMException("work failed", "SecurityError")));
    await expect(lock.request("x", work)).rejects.toThrow("work failed");
    expect(work).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it("guests get credentials where Web Locks exist but refuse every request", async () => {
    vi.stubGlobal("navigator", { locks: { request: () => Promise.reject(new DOMException("The request is not allowed.", "SecurityError")) } });
    const env = createFakeEnv();
    const auth = env.auth({ lock: undefined as never });
    const creds = await auth.getCredentials();
    expect(creds.identityId).toMatch(/^eu-west-1:/);
    expect(env.cognito.count("GetId")).toBe(1);
    expect(env.logs.filter((l) => /lock not granted/.test(l.message))).toHaveLength(1);
    auth.dispose();
  });

  it("the in-page lock runs callbacks one at a time, in order, even after a failure", async () => {
    const lock = createInPageLock();
    const order: string[] = [];
    let release!: () => void;
    const first = lock.request("x", () => new Promise<void>((resolve) => (release = () => (order.push("first"), resolve()))));
    const second = lock.request("x", async () => {
      order.push("second");
      throw new Error("fails");
    });
    const third = lock.request("x", async () => order.push("third"));
    await Promise.resolve();
    expect(order).toEqual([]);
    release();
    await first;
    await expect(second).rejects.toThrow("fails");
    await third;
    expect(order).toEqual(["first", "second", "third"]);
  });
});
