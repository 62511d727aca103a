/**
 * Sign-out is immediate, then durable, and wins every race; time and backoff hold under faults.
 * Driven through `createAuth` on the fake clock, the fake identity pool and a scriptable store.
 */
import { describe, expect, it, vi } from "vitest";
import { createFakeEnv, keyOf, recordChanges } from "../test/fakes/fake-env.js";
import { flushMicrotasks } from "../test/fakes/fake-time.js";
import type { Auth } from "./auth.js";
import type { KeyValueStore } from "./platform/types.js";
import { createMemoryStore } from "./storage/memory-store.js";

const GOOGLE = "accounts.google.com";

/** A store whose next `set` of `key` waits for `release()`, and whose deletes can be made to fail. */
function scriptedStore() {
  const inner = createMemoryStore();
  let gate: { key: string; release?: () => void; reached?: () => void; reachedPromise: Promise<void> } | undefined;
  let failDeletes = 0;
  const store: KeyValueStore & { holdNextSet(key: string): { reached: Promise<void>; release(): void }; failDeletes(count: number): void } = {
    get: (key) => inner.get(key),
    async set(key, value) {
      if (gate?.key === key) {
        const current = gate;
        gate = undefined;
        current.reached!();
        await new Promise<void>((resolve) => (current.release = resolve));
      }
      return inner.set(key, value);
    },
    async del(key) {
      if (failDeletes > 0) {
        failDeletes -= 1;
        throw new Error("QuotaExceededError");
      }
      return inner.del(key);
    },
    holdNextSet(key) {
      let reached!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      gate = { key, reached, reachedPromise };
      const held = gate;
      return { reached: reachedPromise, release: () => held.release?.() };
    },
    failDeletes(count) {
      failDeletes = count;
    },
  };
  return store;
}

describe("sign-out is immediate, then durable, and wins every race", () => {
  it("signOut() while setLogins() writes the identity record: rejects cancelled, installs nothing", async () => {
    const env = createFakeEnv();
    const store = scriptedStore();
    env.store = store;
    const auth = env.auth();
    await auth.getCredentials();
    const held = store.holdNextSet(keyOf(env, "user-identity"));
    const login = auth.setLogins({ [GOOGLE]: "token:alice" }).catch((error: unknown) => error);
    await held.reached;
    await auth.signOut();
    held.release();
    expect(await login).toMatchObject({ code: "cancelled" });
    await flushMicrotasks();
    expect(auth.getState().status).toBe("signedOut");
    const requests = env.cognito.requests.length;
    const guest = await auth.getCredentials();
    expect(env.cognito.requests.length).toBeGreaterThan(requests); // nothing of alice was served from memory
    expect(auth.getState()).toMatchObject({ status: "guest", identityId: guest.identityId });
    auth.dispose();
  });

  it("setLogins(x); signOut() right at start-up ends signed out, and setLogins rejects cancelled", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const login = auth.setLogins({ [GOOGLE]: "token:alice" }).catch((error: unknown) => error);
    await auth.signOut();
    expect(await login).toMatchObject({ code: "cancelled" });
    expect(auth.getState().status).toBe("signedOut");
    expect(env.cognito.requests).toEqual([]);
    auth.dispose();
  });

  it("signOut({ global: true }) without the userPool option signs out locally first, then rejects", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    await auth.setLogins({ [GOOGLE]: "token:alice" });
    await expect(auth.signOut({ global: true })).rejects.toMatchObject({ code: "user-pool-not-configured" });
    expect(auth.getState().status).toBe("signedOut");
    expect(await env.store.get(keyOf(env, "user-identity"))).toBeUndefined();
    auth.dispose();
  });

  it("calls begun before dispose() while start-up still runs reject cancelled and send nothing", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const calls = [auth.getCredentials(), auth.credentials(), auth.getIdentityId()].map((p) => p.catch((error: unknown) => error));
    auth.dispose();
    for (const outcome of await Promise.all(calls)) expect(outcome).toMatchObject({ name: "CognitoIdpoolError", code: "cancelled" });
    expect(env.cognito.requests).toHaveLength(0);
    expect(await env.store.get(keyOf(env, "guest-identity"))).toBeUndefined();
  });

  it("after dispose(), every call rejects cancelled and sends nothing", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    await auth.getCredentials();
    const sent = env.cognito.requests.length;
    auth.dispose();
    for (const call of [
      () => auth.getCredentials(),
      () => auth.credentials(),
      () => auth.getIdentityId(),
      () => auth.setLogins({ [GOOGLE]: "token:alice" }),
      () => auth.signOut(),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: "CognitoIdpoolError", code: "cancelled" });
    }
    expect(env.cognito.requests.length).toBe(sent);
    expect(await env.store.get(keyOf(env, "user-identity"))).toBeUndefined();
  });

  it("a delete refused at sign-out is retried, so the next page gets a fresh guest", async () => {
    const env = createFakeEnv();
    const store = scriptedStore();
    env.store = store;
    const auth = env.auth();
    const guest = await auth.getCredentials();
    store.failDeletes(1);
    const signedOut = auth.signOut();
    for (let i = 0; i < 20; i++) await env.time.advance(1_000);
    await signedOut;
    expect(await store.get(keyOf(env, "guest-identity"))).toBeUndefined();
    auth.dispose();
    const next = env.auth();
    expect((await next.getCredentials()).identityId).not.toBe(guest.identityId);
    next.dispose();
  });

  it("storage that keeps refusing deletes: signOut() signs out in memory, then rejects storage-unavailable", async () => {
    const env = createFakeEnv();
    const store = scriptedStore();
    env.store = store;
    const auth = env.auth();
    await auth.getCredentials();
    store.failDeletes(100);
    const signedOut = auth.signOut().catch((error: unknown) => error);
    expect(auth.getState().status).toBe("signedOut");
    for (let i = 0; i < 60; i++) await env.time.advance(1_000);
    expect(await signedOut).toMatchObject({ code: "storage-unavailable" });
    auth.dispose();
  });
});

describe("a tab never damages another tab's identity records", () => {
  it("a credential renewal does not overwrite the user record another tab's login wrote", async () => {
    const env = createFakeEnv();
    // Without BroadcastChannel (as in the fake env), storage is all a tab sees of the others.
    const a = env.auth();
    await a.setLogins({ [GOOGLE]: "token:alice" });
    const alice = await a.getCredentials();
    const b = env.auth();
    await b.setLogins({ "login.example.com": "token:bob" });
    const bob = await b.getCredentials();
    expect(bob.identityId).not.toBe(alice.identityId);

    // Tab A renews alice's credentials (forced, as an expired token or a caller would).
    const renewed = await a.getCredentials({ forceRefresh: true });
    expect(renewed).toMatchObject({ identityId: alice.identityId });
    expect(renewed.accessKeyId).not.toBe(alice.accessKeyId);
    expect(await env.store.get(keyOf(env, "user-identity"))).toEqual({ identityId: bob.identityId, providers: ["login.example.com"] });

    // So B's next page continues bob's identity with one request: no GetId, no recovery.
    b.dispose();
    const next = env.auth();
    const changes = recordChanges(next);
    const requests = env.cognito.requests.length;
    await next.setLogins({ "login.example.com": "token:bob" });
    expect(env.cognito.requests.slice(requests)).toEqual([
      { operation: "GetCredentialsForIdentity", identityId: bob.identityId, loginKeys: ["login.example.com"] },
    ]);
    expect(changes).toEqual([]);
    a.dispose();
    next.dispose();
  });

  it("a login that links this tab's guest leaves another tab's guest record alone", async () => {
    const env = createFakeEnv();
    const a = env.auth();
    const first = await a.getCredentials();
    // Tab B signs out (tab A, without BroadcastChannel, is not told) and starts a fresh guest.
    const b = env.auth();
    await b.ready();
    await b.signOut();
    const fresh = await b.getCredentials();
    expect(fresh.identityId).not.toBe(first.identityId);

    await a.setLogins({ [GOOGLE]: "token:alice" });
    expect(await a.getCredentials()).toMatchObject({ identityId: first.identityId }); // linked
    expect(await env.store.get(keyOf(env, "guest-identity"))).toEqual({ identityId: fresh.identityId });
    b.dispose();
    const next = env.auth();
    expect((await next.getCredentials()).identityId).toBe(fresh.identityId);
    a.dispose();
    next.dispose();
  });
});

describe("time: server time even when the device clock jumps", () => {
  it("the device clock set back mid-session: expired credentials are renewed, and auth.credentials reports them as already expired", async () => {
    const env = createFakeEnv();
    env.cognito.lifetimeSeconds = 30;
    const auth = env.auth();
    const first = await auth.getCredentials();
    env.time.shiftClock(-600_000); // the user fixed a clock that ran ten minutes ahead
    env.cognito.serverOffsetMs += 600_000; // Cognito's clock did not move
    env.time.jump(32_000); // a sleeping tab: no timer ran
    const now = await auth.credentials();
    expect(now.accessKeyId).not.toBe(first.accessKeyId);
    // An SDK client judges freshness by the device clock, which may move back again: only an
    // expiration in the past keeps it from caching these credentials beyond their real expiry.
    expect(now.expiration!.getTime()).toBe(0);
    auth.dispose();
  });

  it("credentials that arrive already expired are a retryable error retried with the backoff, never a request loop", async () => {
    const env = createFakeEnv();
    env.cognito.lifetimeSeconds = 5;
    const auth = env.auth();
    await expect(auth.getCredentials()).rejects.toMatchObject({ code: "service-error", retryable: true });
    await env.time.advance(10_000);
    expect(env.cognito.count("GetCredentialsForIdentity")).toBeLessThanOrEqual(6);
    auth.dispose();
  });
});

describe("one backoff for everyone", () => {
  it.each([
    ["getCredentials()", (auth: Auth) => auth.getCredentials()],
    ["getIdentityId()", (auth: Auth) => auth.getIdentityId()],
  ])("20 %s callers at a cold start under throttling: one GetId per retry slot, not one each", async (_name, call) => {
    const env = createFakeEnv();
    env.cognito.failNext("GetId", { type: "TooManyRequestsException", message: "Rate exceeded" }, 2);
    const auth = env.auth();
    await expect(call(auth)).rejects.toMatchObject({ code: "throttled" });
    const callers = await Promise.all(Array.from({ length: 20 }, () => call(auth).catch((error: unknown) => error)));
    expect(callers.every((c) => (c as { code?: string }).code === "throttled")).toBe(true);
    expect(env.cognito.count("GetId")).toBe(1);
    // The scheduler's retries are the only GetId requests; the second one succeeds.
    await env.time.advance(750);
    await vi.waitFor(() => expect(env.cognito.count("GetId")).toBe(2));
    await env.time.advance(1_500);
    await vi.waitFor(() => expect(auth.getState().status).toBe("guest"));
    await expect(auth.getIdentityId()).resolves.toBe(auth.getState().identityId);
    expect(env.cognito.count("GetId")).toBe(3);
    auth.dispose();
  });
});

describe("one error boundary", () => {
  it("an unexpected error from a platform seam reaches callers as a CognitoIdpoolError without its message", async () => {
    const env = createFakeEnv();
    const auth = env.auth({
      lock: {
        request: () => {
          throw new TypeError("secret-fragment wJalrXUtnF");
        },
      },
    });
    const error = await auth.getCredentials().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "CognitoIdpoolError" });
    expect(String((error as Error).message)).not.toContain("wJalrXUtnF");
    auth.dispose();
  });
});
