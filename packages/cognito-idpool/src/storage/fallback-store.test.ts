import { describe, expect, it, vi } from "vitest";
import { createFakeEnv, keyOf } from "../../test/fakes/fake-env.js";
import { FakeTime, flushMicrotasks } from "../../test/fakes/fake-time.js";
import type { KeyValueStore } from "../platform/types.js";
import { createFallbackStore, type FallbackStoreOptions } from "./fallback-store.js";
import { createMemoryStore } from "./memory-store.js";

const throwing: KeyValueStore = {
  get: () => Promise.reject(new DOMException("The operation is insecure.", "SecurityError")),
  set: () => Promise.reject(new DOMException("Quota exceeded", "QuotaExceededError")),
  del: () => Promise.reject(new DOMException("The operation is insecure.", "SecurityError")),
};

/** Options as createAuth passes them, on fake time. */
function options(time = new FakeTime(), extra: Partial<Omit<FallbackStoreOptions, "onFallback">> = {}, onFallback = vi.fn<(error: unknown) => void>()) {
  return { timers: time, timeoutMs: 5_000, random: () => 0.5, probeKey: (token: string) => `probe:${token}`, ...extra, onFallback };
}

/** A working primary store whose operations can be made to fail or hang one at a time (`mockImplementationOnce`). */
function spiedPrimary() {
  const backing = createMemoryStore();
  const get = vi.fn((key: string): Promise<unknown> => backing.get(key));
  const set = vi.fn((key: string, value: unknown) => backing.set(key, value));
  const del = vi.fn((key: string) => backing.del(key));
  return { backing, get, set, del, store: { get, set, del } as KeyValueStore };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const quota = () => new DOMException("Quota exceeded", "QuotaExceededError");

describe("fallback store", () => {
  it("switches to memory for good on the first failure and says so once", async () => {
    const time = new FakeTime();
    const o = options(time);
    const store = createFallbackStore(throwing, o);
    expect(store.degraded).toBe(false);
    await store.probe();
    expect(store.degraded).toBe(true);
    expect(o.onFallback).toHaveBeenCalledTimes(1);
    expect(o.onFallback.mock.calls[0]![0]).toMatchObject({ name: "QuotaExceededError" });
    await store.set("k", { a: 1 });
    expect(await store.get("k")).toEqual({ a: 1 });
    // The delete still goes to the primary, which keeps refusing: it says so, after forgetting in memory.
    const deleted = store.del("k").catch((error: unknown) => error);
    await time.advance(60_000);
    expect(await deleted).toMatchObject({ name: "SecurityError" });
    expect(await store.get("k")).toBeUndefined();
    expect(o.onFallback).toHaveBeenCalledTimes(1);
  });

  it("treats a store that never answers as broken", async () => {
    const time = new FakeTime();
    const o = options(time);
    const hanging: KeyValueStore = { get: () => new Promise(() => {}), set: () => new Promise(() => {}), del: () => new Promise(() => {}) };
    const store = createFallbackStore(hanging, o);
    const probed = store.probe();
    await time.advance(4_999);
    expect(o.onFallback).not.toHaveBeenCalled();
    await time.advance(1);
    await probed;
    expect(o.onFallback).toHaveBeenCalledTimes(1);
    expect(String(o.onFallback.mock.calls[0]![0])).toMatch(/did not answer within 5000 ms/);
    expect(store.degraded).toBe(true);
  });

  it("keeps a healthy store", async () => {
    const o = options();
    const primary = createMemoryStore();
    const store = createFallbackStore(primary, o);
    await store.probe();
    await store.set("k", "v");
    expect(await primary.get("k")).toBe("v");
    expect(o.onFallback).not.toHaveBeenCalled();
    expect(store.degraded).toBe(false);
  });

  it("probes under the key it is given, with a token from the injected random", async () => {
    const primary = spiedPrimary();
    const store = createFallbackStore(primary.store, options(new FakeTime(), { random: () => 0.25 }));
    await store.probe();
    const [key, token] = primary.set.mock.calls[0]!;
    expect(token).toMatch(/^0\.25:\d+$/);
    expect(key).toBe(`probe:${String(token)}`);
    expect(primary.del).toHaveBeenCalledWith(key);
  });

  it("two tabs probing the same database at once both keep it, even with the same random", async () => {
    const shared = createMemoryStore();
    const onFallback = vi.fn();
    const first = createFallbackStore(shared, options(new FakeTime(), { random: () => 0.5 }, onFallback));
    const firstDone = first.probe();
    // The second tab reads only after the first has written, read and deleted its probe value.
    const late: KeyValueStore = { ...shared, get: async (key) => (await firstDone, shared.get(key)) };
    const second = createFallbackStore(late, options(new FakeTime(), { random: () => 0.5 }, onFallback));
    await Promise.all([firstDone, second.probe()]);
    expect(onFallback).not.toHaveBeenCalled();
  });

  describe("values known when storage fell back stay known", () => {
    it("values read or written before a failure are still there after it", async () => {
      const primary = spiedPrimary();
      await primary.backing.set("read", { tokens: "alice" });
      const store = createFallbackStore(primary.store, options());
      expect(await store.get("read")).toEqual({ tokens: "alice" });
      await store.set("written", "guest-1");
      primary.set.mockImplementationOnce(() => Promise.reject(quota()));
      await store.set("other", 1);
      expect(store.degraded).toBe(true);
      expect(await store.get("read")).toEqual({ tokens: "alice" });
      expect(await store.get("written")).toBe("guest-1");
      expect(await store.get("other")).toBe(1);
    });

    it("one read slower than the timeout answers with the last value this page saw, not with nothing", async () => {
      const time = new FakeTime();
      const primary = spiedPrimary();
      await primary.backing.set("tokens", { sub: "alice" });
      const store = createFallbackStore(primary.store, options(time));
      expect(await store.get("tokens")).toEqual({ sub: "alice" });
      primary.get.mockImplementationOnce(() => new Promise(() => {}));
      const slow = store.get("tokens");
      await time.advance(5_000);
      expect(await slow).toEqual({ sub: "alice" });
      expect(store.degraded).toBe(true);
    });

    it("what a caller does with a value it got does not change what is remembered", async () => {
      const primary = spiedPrimary();
      await primary.backing.set("k", { n: 1 });
      const store = createFallbackStore(primary.store, options());
      const value = await store.get<{ n: number }>("k");
      value!.n = 2;
      primary.get.mockImplementationOnce(() => Promise.reject(quota()));
      expect(await store.get("k")).toEqual({ n: 1 });
    });

    it("a read that timed out still makes its value known when the primary answers late", async () => {
      const time = new FakeTime();
      const primary = spiedPrimary();
      const late = deferred<unknown>();
      primary.get.mockImplementationOnce(() => late.promise);
      const store = createFallbackStore(primary.store, options(time));
      const first = store.get("guest");
      await time.advance(5_000);
      expect(await first).toBeUndefined();
      late.resolve({ identityId: "eu-west-1:1" });
      await flushMicrotasks();
      expect(await store.get("guest")).toEqual({ identityId: "eu-west-1:1" });
    });

    it("a late answer does not put back a value this page replaced or deleted meanwhile", async () => {
      const time = new FakeTime();
      const primary = spiedPrimary();
      const late = [deferred<unknown>(), deferred<unknown>()];
      primary.get.mockImplementationOnce(() => late[0]!.promise).mockImplementationOnce(() => late[1]!.promise);
      const store = createFallbackStore(primary.store, options(time));
      const reads = [store.get("replaced"), store.get("deleted")];
      await time.advance(5_000);
      await Promise.all(reads);
      await store.set("replaced", "new");
      await store.set("deleted", "new");
      await store.del("deleted");
      late[0]!.resolve("old");
      late[1]!.resolve("old");
      await flushMicrotasks();
      expect(await store.get("replaced")).toBe("new");
      expect(await store.get("deleted")).toBeUndefined();
    });

    it("a tab frozen with a read pending keeps its storage when the overdue timer fires before the answer", async () => {
      const time = new FakeTime();
      const primary = spiedPrimary();
      await primary.backing.set("k", "stored");
      const answer = deferred<unknown>();
      primary.get.mockImplementationOnce(() => answer.promise);
      const o = options(time);
      const store = createFallbackStore(primary.store, o);
      const read = store.get("k");
      await time.advance(1_000);
      time.jump(60_000); // frozen: the clock moved, no timer ran
      await time.advance(0); // resumed: the overdue timer fires first…
      answer.resolve("stored"); // …then IndexedDB's callback
      expect(await read).toBe("stored");
      expect(o.onFallback).not.toHaveBeenCalled();
      expect(store.degraded).toBe(false);
    });

    it("after a resume, a read that stays unanswered still times out", async () => {
      const time = new FakeTime();
      const primary = spiedPrimary();
      primary.get.mockImplementationOnce(() => new Promise(() => {}));
      const o = options(time);
      const store = createFallbackStore(primary.store, o);
      const read = store.get("k");
      time.jump(60_000);
      await time.advance(0);
      await time.advance(3_749);
      expect(o.onFallback).not.toHaveBeenCalled();
      await time.advance(1);
      expect(await read).toBeUndefined();
      expect(o.onFallback).toHaveBeenCalledTimes(1);
    });
  });

  describe("deletes reach the primary store", () => {
    it("also after a fallback to memory", async () => {
      const primary = spiedPrimary();
      const store = createFallbackStore(primary.store, options());
      await store.probe();
      await store.set("tokens", { refreshToken: "r" });
      primary.set.mockImplementationOnce(() => Promise.reject(quota()));
      await store.set("other", 1);
      expect(store.degraded).toBe(true);
      await store.del("tokens");
      expect(await primary.backing.get("tokens")).toBeUndefined();
      expect(await store.get("tokens")).toBeUndefined();
    });

    it("a delete that fails is retried with backoff and resolves once the primary confirmed", async () => {
      const time = new FakeTime();
      const primary = spiedPrimary();
      await primary.backing.set("guest", { identityId: "eu-west-1:1" });
      const store = createFallbackStore(primary.store, options(time));
      await store.probe();
      primary.del.mockClear();
      primary.del.mockImplementationOnce(() => Promise.reject(new DOMException("transient", "UnknownError")));
      primary.del.mockImplementationOnce(() => Promise.reject(new DOMException("transient", "UnknownError")));
      let done = false;
      const deleted = store.del("guest").then(() => (done = true));
      await flushMicrotasks();
      await time.advance(749); // backoffDelay(1, () => 0.5) = 750 ms
      expect(primary.del).toHaveBeenCalledTimes(1);
      await time.advance(1);
      await flushMicrotasks();
      expect(primary.del).toHaveBeenCalledTimes(2);
      expect(done).toBe(false);
      await time.advance(1_500); // backoffDelay(2, () => 0.5)
      await deleted;
      expect(primary.del).toHaveBeenCalledTimes(3);
      expect(await primary.backing.get("guest")).toBeUndefined();
      expect(store.degraded).toBe(true);
    });

    it("rejects with the primary's error when it still refuses after the retries, having deleted from memory", async () => {
      const time = new FakeTime();
      const primary = spiedPrimary();
      const store = createFallbackStore(primary.store, options(time));
      await store.set("guest", "g");
      const refusal = new DOMException("refused", "UnknownError");
      primary.del.mockImplementation(() => Promise.reject(refusal));
      const deleted = store.del("guest");
      const outcome = deleted.then(
        () => "resolved",
        (error: unknown) => error,
      );
      await time.advance(10_000);
      expect(await outcome).toBe(refusal);
      expect(primary.del).toHaveBeenCalledTimes(3);
      expect(await store.get("guest")).toBeUndefined();
      expect(await primary.backing.get("guest")).toBe("g");
    });

    it("a primary that never answers counts as refusing, each try bounded by the timeout", async () => {
      const time = new FakeTime();
      const primary = spiedPrimary();
      const store = createFallbackStore(primary.store, options(time));
      await store.probe();
      primary.del.mockClear();
      primary.del.mockImplementation(() => new Promise(() => {}));
      const outcome = store.del("k").then(
        () => "resolved",
        (error: unknown) => String(error),
      );
      await time.advance(5_000 + 750 + 5_000 + 1_500 + 4_999);
      expect(primary.del).toHaveBeenCalledTimes(3);
      await time.advance(1);
      expect(await outcome).toMatch(/did not answer within 5000 ms/);
    });

    it("where the primary never worked in this page, a delete is still tried and retried, and rejects if it keeps refusing: another tab may have stored there", async () => {
      const time = new FakeTime();
      const refusing: KeyValueStore = {
        get: () => Promise.reject(new DOMException("refused", "UnknownError")),
        set: () => Promise.reject(new DOMException("refused", "UnknownError")),
        del: vi.fn(() => Promise.reject(new DOMException("refused", "UnknownError"))),
      };
      const store = createFallbackStore(refusing, options(time));
      await store.probe();
      await store.set("k", "memory only");
      const outcome = store.del("k").then(
        () => "resolved",
        (error: Error) => error.message,
      );
      await time.advance(60_000);
      expect(refusing.del).toHaveBeenCalledTimes(3);
      expect(await outcome).toBe("refused");
      expect(await store.get("k")).toBeUndefined();
    });
  });

  it("announces the fallback through the state and keeps serving credentials", async () => {
    const env = createFakeEnv();
    const auth = env.auth({ storage: throwing });
    const states: { storage: string; code?: string }[] = [];
    auth.subscribe((s) => states.push({ storage: s.storage, ...(s.storageError ? { code: s.storageError.code } : {}) }));
    const creds = await auth.getCredentials();
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(auth.getState()).toMatchObject({ storage: "memory", storageError: { code: "storage-unavailable" } });
    expect(states).toContainEqual({ storage: "memory", code: "storage-unavailable" });
    expect(env.logs.some((l) => l.level === "warn" && /falling back to memory/.test(l.message))).toBe(true);
    auth.dispose();
  });

  it("falls back where IndexedDB does not exist at all", async () => {
    const env = createFakeEnv();
    expect(typeof (globalThis as { indexedDB?: unknown }).indexedDB).toBe("undefined");
    const auth = env.auth({ storage: "indexeddb" });
    await auth.getCredentials();
    expect(auth.getState()).toMatchObject({ storage: "memory", storageError: { code: "storage-unavailable" } });
    auth.dispose();
  });

  it("a guest sign-out whose delete fails once still sticks: the next page gets a new guest", async () => {
    const env = createFakeEnv();
    const flaky = { get: env.store.get, set: env.store.set, del: vi.fn(env.store.del) };
    const page = env.auth({ storage: flaky });
    const first = await page.getCredentials();
    flaky.del.mockImplementationOnce(() => Promise.reject(new DOMException("transient", "UnknownError")));
    let signedOut = false;
    const out = page.signOut().then(() => (signedOut = true));
    await flushMicrotasks();
    expect(signedOut).toBe(false);
    await env.time.advance(1_000);
    await out;
    expect(await env.store.get(keyOf(env, "guest-identity"))).toBeUndefined();
    page.dispose();
    const next = env.auth();
    expect((await next.getCredentials()).identityId).not.toBe(first.identityId);
    next.dispose();
  });

  it.each([
    ["a string", "garbage"],
    ["a wrong type", { identityId: 42 }],
    ["a user pool id", { identityId: "eu-west-1_AbCdEf" }],
    ["an array", ["eu-west-1:00000000-0000-4000-8000-000000000001"]],
  ])("ignores and overwrites a corrupted stored guest (%s)", async (_label, value) => {
    const env = createFakeEnv();
    await env.store.set(keyOf(env, "guest-identity"), value);
    const auth = env.auth();
    const { identityId } = await auth.getCredentials();
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    expect(await env.store.get(keyOf(env, "guest-identity"))).toEqual({ identityId });
    expect(env.logs.some((l) => /corrupted stored guest/.test(l.message))).toBe(true);
    auth.dispose();
  });

  it("ignores and overwrites a corrupted stored user identity", async () => {
    const env = createFakeEnv();
    await env.store.set(keyOf(env, "user-identity"), { identityId: "eu-west-1:0000", providers: "accounts.google.com" });
    const auth = env.auth();
    await auth.setLogins({ "accounts.google.com": "token:alice" });
    const { identityId } = await auth.getCredentials();
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    expect(await env.store.get(keyOf(env, "user-identity"))).toEqual({ identityId, providers: ["accounts.google.com"] });
    auth.dispose();
  });
});
