import { describe, expect, it, vi } from "vitest";
import { flushMicrotasks } from "../test/fakes/fake-time.js";
import { createFakeEnv, keyOf } from "../test/fakes/fake-env.js";

const HOUR = 3_600_000;
const MARGIN = 300_000;

describe("guest credentials", () => {
  it("cold start makes GetId then GetCredentialsForIdentity and stores the identity id", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const creds = await auth.getCredentials();

    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    expect(creds.identityId).toMatch(/^eu-west-1:/);
    expect(creds.accessKeyId).toMatch(/^ASIAFAKE/);
    expect(await env.store.get(keyOf(env, "guest-identity"))).toEqual({ identityId: creds.identityId });
    expect(auth.getState()).toMatchObject({ status: "guest", identityId: creds.identityId });
    auth.dispose();
  });

  it("a reload (new instance, same storage) makes only GetCredentialsForIdentity for the same identity", async () => {
    const env = createFakeEnv();
    const first = await env.auth().getCredentials();
    env.cognito.requests.length = 0;

    const reloaded = env.auth();
    const again = await reloaded.getCredentials();
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
    expect(again.identityId).toBe(first.identityId);
    reloaded.dispose();
  });

  it("reuses credentials from memory until expiration minus the margin (server time), then renews", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const first = await auth.getCredentials();

    env.time.jump(HOUR - MARGIN - 1_000); // timers do not run: only the caller's check decides
    expect((await auth.getCredentials()).accessKeyId).toBe(first.accessKeyId);
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(1);

    env.time.jump(2_000);
    // Within the margin the held credentials are still good: the caller gets them at once and the renewal runs behind it.
    expect((await auth.getCredentials()).accessKeyId).toBe(first.accessKeyId);
    await vi.waitFor(() => expect(auth.getState().expiration).not.toEqual(first.expiration));
    const renewed = await auth.getCredentials();
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(renewed.identityId).toBe(first.identityId);
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(2);
    expect(env.cognito.count("GetId")).toBe(1);
    auth.dispose();
  });

  it("honours refreshMarginSeconds", async () => {
    const env = createFakeEnv();
    const auth = env.auth({ refreshMarginSeconds: 600 });
    await auth.getCredentials();
    env.time.jump(HOUR - 600_000 + 1_000);
    await auth.getCredentials();
    await vi.waitFor(() => expect(env.cognito.count("GetCredentialsForIdentity")).toBe(2));
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(2);
    auth.dispose();
  });

  it("caps the margin at half the lifetime, so short-lived credentials are still reused", async () => {
    const env = createFakeEnv();
    env.cognito.lifetimeSeconds = 30;
    const auth = env.auth();
    await auth.getCredentials();
    env.time.jump(10_000);
    await auth.getCredentials();
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(1);
    env.time.jump(6_000);
    await auth.getCredentials();
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(2);
    auth.dispose();
  });

  it("100 concurrent cold callers share one request chain; 100 warm callers make no request", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const cold = await Promise.all(Array.from({ length: 100 }, () => auth.getCredentials()));
    expect(env.cognito.requests).toHaveLength(2);
    expect(new Set(cold.map((c) => c.accessKeyId)).size).toBe(1);

    const warm = await Promise.all(Array.from({ length: 100 }, () => auth.getCredentials()));
    expect(env.cognito.requests).toHaveLength(2);
    expect(warm[99]!.accessKeyId).toBe(cold[0]!.accessKeyId);
    auth.dispose();
  });

  it("forceRefresh renews at once, and concurrent forced callers still share one request", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const first = await auth.getCredentials();
    const forced = await Promise.all(Array.from({ length: 20 }, () => auth.getCredentials({ forceRefresh: true })));
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(2);
    expect(forced[0]!.accessKeyId).not.toBe(first.accessKeyId);
    auth.dispose();
  });

  it("getIdentityId creates a guest with one GetId and no credentials call", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const id = await auth.getIdentityId();
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetId"]);
    expect((await auth.getCredentials()).identityId).toBe(id);
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    auth.dispose();
  });

  it("emits `created` once for a new guest, nothing when a stored one is reused", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const changes: string[] = [];
    auth.onIdentityChange((c) => changes.push(c.reason));
    await auth.getCredentials();
    await auth.getCredentials({ forceRefresh: true });
    expect(changes).toEqual(["created"]);

    const reloaded = env.auth();
    const later: string[] = [];
    reloaded.onIdentityChange((c) => later.push(c.reason));
    await reloaded.getCredentials();
    expect(later).toEqual([]);
    auth.dispose();
    reloaded.dispose();
  });

  it("subscribe reports the current state at once and then each change", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const states: string[] = [];
    const unsubscribe = auth.subscribe((s) => states.push(`${s.status}:${s.identityId ?? "-"}`));
    const { identityId } = await auth.getCredentials();
    await flushMicrotasks();
    // Nothing was stored: start-up settles as signedOut before the guest is created.
    expect(states).toEqual(["restoring:-", "signedOut:-", `guest:${identityId}`]);
    unsubscribe();
    await auth.signOut();
    expect(states).toHaveLength(3);
    auth.dispose();
  });
});
