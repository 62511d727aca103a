import { describe, expect, it, vi } from "vitest";
import { createFakeEnv, keyOf } from "../../test/fakes/fake-env.js";
import { FakeTime } from "../../test/fakes/fake-time.js";
import type { KeyValueStore } from "../platform/types.js";
import { createFallbackStore } from "./fallback-store.js";
import { createMemoryStore } from "./memory-store.js";

const throwing: KeyValueStore = {
  get: () => Promise.reject(new DOMException("The operation is insecure.", "SecurityError")),
  set: () => Promise.reject(new DOMException("Quota exceeded", "QuotaExceededError")),
  del: () => Promise.reject(new DOMException("The operation is insecure.", "SecurityError")),
};

describe("fallback store", () => {
  it("switches to memory for good on the first failure and says so once", async () => {
    const onFallback = vi.fn();
    const store = createFallbackStore(throwing, { timers: new FakeTime(), timeoutMs: 5_000, onFallback });
    await store.probe();
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(onFallback.mock.calls[0]![0]).toMatchObject({ name: "QuotaExceededError" });
    await store.set("k", { a: 1 });
    expect(await store.get("k")).toEqual({ a: 1 });
    await store.del("k");
    expect(await store.get("k")).toBeUndefined();
    expect(onFallback).toHaveBeenCalledTimes(1);
  });

  it("treats a store that never answers as broken", async () => {
    const time = new FakeTime();
    const onFallback = vi.fn();
    const hanging: KeyValueStore = { get: () => new Promise(() => {}), set: () => new Promise(() => {}), del: () => new Promise(() => {}) };
    const store = createFallbackStore(hanging, { timers: time, timeoutMs: 5_000, onFallback });
    const probed = store.probe();
    await time.advance(5_000);
    await probed;
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(String(onFallback.mock.calls[0]![0])).toMatch(/did not answer within 5000 ms/);
  });

  it("keeps a healthy store", async () => {
    const onFallback = vi.fn();
    const primary = createMemoryStore();
    const store = createFallbackStore(primary, { timers: new FakeTime(), timeoutMs: 5_000, onFallback });
    await store.probe();
    await store.set("k", "v");
    expect(await primary.get("k")).toBe("v");
    expect(onFallback).not.toHaveBeenCalled();
  });

  it("two tabs probing the same database at once both keep it", async () => {
    const primary = createMemoryStore();
    const onFallback = vi.fn();
    const stores = [1, 2].map(() => createFallbackStore(primary, { timers: new FakeTime(), timeoutMs: 5_000, onFallback }));
    await Promise.all(stores.map((s) => s.probe()));
    expect(onFallback).not.toHaveBeenCalled();
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
