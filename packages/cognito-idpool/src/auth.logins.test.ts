import { describe, expect, it } from "vitest";
import { createFakeEnv, keyOf, recordChanges } from "../test/fakes/fake-env.js";

const GOOGLE = "accounts.google.com";

describe("login with a cached guest", () => {
  it("links a new login to the guest with one GetCredentialsForIdentity and no GetId", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const guest = await auth.getCredentials();
    const changes = recordChanges(auth);
    env.cognito.requests.length = 0;

    await auth.setLogins({ [GOOGLE]: "token:alice" });
    expect(env.cognito.requests).toEqual([{ operation: "GetCredentialsForIdentity", identityId: guest.identityId, loginKeys: [GOOGLE] }]);
    expect(changes).toEqual([{ reason: "linked", identityId: guest.identityId, previousIdentityId: guest.identityId }]);
    expect(auth.getState()).toMatchObject({ status: "authenticated", identityId: guest.identityId });
    expect(await env.store.get(keyOf(env, "guest-identity"))).toBeUndefined();
    expect(await env.store.get(keyOf(env, "user-identity"))).toEqual({ identityId: guest.identityId, providers: [GOOGLE] });
    const authed = await auth.getCredentials();
    expect(authed.accessKeyId).not.toBe(guest.accessKeyId);
    expect(env.cognito.requests).toHaveLength(1);
    auth.dispose();
  });

  it("a login that already has an identity merges the guest into it, with the guest's still-valid credentials", async () => {
    const env = createFakeEnv();
    const other = env.auth({ storage: "memory" }); // another device where alice signed in before
    await other.setLogins({ [GOOGLE]: "token:alice" });
    const aliceId = (await other.getCredentials()).identityId;
    other.dispose();

    const auth = env.auth();
    const guest = await auth.getCredentials();
    const changes = recordChanges(auth);
    env.cognito.requests.length = 0;

    await auth.setLogins({ [GOOGLE]: "token:alice" });
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
    expect(changes).toEqual([
      {
        reason: "merged",
        identityId: aliceId,
        previousIdentityId: guest.identityId,
        previousCredentials: {
          accessKeyId: guest.accessKeyId,
          secretAccessKey: guest.secretAccessKey,
          sessionToken: guest.sessionToken,
          expiration: guest.expiration,
        },
      },
    ]);
    expect(env.cognito.identities.get(guest.identityId)?.disabled).toBe(true);
    expect(await env.store.get(keyOf(env, "guest-identity"))).toBeUndefined();
    expect((await auth.getCredentials()).identityId).toBe(aliceId);
    auth.dispose();
  });

  it("uses the stored guest after a reload (one request) and omits expired guest credentials from the merge event", async () => {
    const env = createFakeEnv();
    const aliceDevice = env.auth({ storage: "memory" });
    await aliceDevice.setLogins({ [GOOGLE]: "token:alice" });
    aliceDevice.dispose();
    const guestId = (await env.auth().getCredentials()).identityId;
    env.cognito.requests.length = 0;

    const reloaded = env.auth();
    const changes = recordChanges(reloaded);
    await reloaded.setLogins({ [GOOGLE]: "token:alice" });
    expect(env.cognito.requests).toEqual([{ operation: "GetCredentialsForIdentity", identityId: guestId, loginKeys: [GOOGLE] }]);
    expect(changes[0]).toMatchObject({ reason: "merged", previousIdentityId: guestId });
    expect(changes[0]).not.toHaveProperty("previousCredentials");
    reloaded.dispose();
  });

  it("with no guest, a login makes GetId + GetCredentialsForIdentity; a reload with the same login makes one request", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const changes: string[] = [];
    auth.onIdentityChange((c) => changes.push(c.reason));
    await auth.setLogins({ [GOOGLE]: "token:alice" });
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    expect(changes).toEqual(["created"]);
    const { identityId } = await auth.getCredentials();
    auth.dispose();

    env.cognito.requests.length = 0;
    const reloaded = env.auth();
    await reloaded.setLogins({ [GOOGLE]: "token:alice" });
    expect(env.cognito.requests).toEqual([{ operation: "GetCredentialsForIdentity", identityId, loginKeys: [GOOGLE] }]);
    reloaded.dispose();
  });

  it("calls token functions on every credential fetch, so each request carries a fresh token", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    let calls = 0;
    await auth.setLogins({ [GOOGLE]: async () => `token:alice${(calls++, "")}` });
    await auth.getCredentials({ forceRefresh: true });
    expect(calls).toBe(2);
    expect(env.cognito.bodies.at(-1)).toContain('"token:alice"');
    auth.dispose();
  });

  it("keeps the guest when the login is rejected, and says why", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const guest = await auth.getCredentials();
    await expect(auth.setLogins({ [GOOGLE]: "expired:alice" })).rejects.toMatchObject({ code: "login-rejected", retryable: false });
    await expect(auth.setLogins({ "unknown.example.com": "token:alice" })).rejects.toMatchObject({ code: "unsupported-login-provider" });
    expect(auth.getState()).toMatchObject({ status: "guest", identityId: guest.identityId });
    expect(await env.store.get(keyOf(env, "guest-identity"))).toEqual({ identityId: guest.identityId });
    expect((await auth.getCredentials()).accessKeyId).toBe(guest.accessKeyId);
    auth.dispose();
  });

  it("rejects malformed logins before any request", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    await expect(auth.setLogins({ "https://accounts.google.com": "token:a" })).rejects.toThrow(/without its scheme, e.g. "accounts.google.com"/);
    await expect(auth.setLogins({})).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(auth.setLogins({ [GOOGLE]: "" })).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(auth.setLogins(null as never)).rejects.toMatchObject({ code: "invalid-argument" });
    expect(env.cognito.requests).toHaveLength(0);
    auth.dispose();
  });
});

describe("recovery", () => {
  it("replaces a deleted guest once and reports `recovered`", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const guest = await auth.getCredentials();
    const changes = recordChanges(auth);
    env.cognito.delete(guest.identityId);
    env.cognito.requests.length = 0;

    const fresh = await auth.getCredentials({ forceRefresh: true });
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity", "GetId", "GetCredentialsForIdentity"]);
    expect(fresh.identityId).not.toBe(guest.identityId);
    expect(changes).toEqual([{ reason: "recovered", identityId: fresh.identityId, previousIdentityId: guest.identityId }]);
    expect(await env.store.get(keyOf(env, "guest-identity"))).toEqual({ identityId: fresh.identityId });
    auth.dispose();
  });

  it("a GetId failure while replacing a rejected guest leaves the old id stored, to be tried again", async () => {
    const env = createFakeEnv();
    const guestId = (await env.auth().getCredentials()).identityId;
    env.cognito.delete(guestId);

    const reloaded = env.auth();
    env.cognito.failNext("GetId", "network");
    await expect(reloaded.getCredentials()).rejects.toMatchObject({ code: "network-error" });
    // The rejection may not have been genuine: the id goes only when a replacement is stored.
    expect(await env.store.get(keyOf(env, "guest-identity"))).toEqual({ identityId: guestId });
    reloaded.dispose();
  });

  it("a GetId failure while replacing a rejected user identity leaves its record stored", async () => {
    const env = createFakeEnv();
    const alice = env.auth();
    await alice.setLogins({ [GOOGLE]: "token:alice" });
    const aliceId = (await alice.getCredentials()).identityId;
    alice.dispose();

    const bobPage = env.auth();
    env.cognito.failNext("GetId", "network");
    await expect(bobPage.setLogins({ [GOOGLE]: "token:bob" })).rejects.toMatchObject({ code: "network-error" });
    expect(await env.store.get(keyOf(env, "user-identity"))).toEqual({ identityId: aliceId, providers: [GOOGLE] });
    bobPage.dispose();
  });

  it("replaces a stored guest that was merged away (disabled) in another tab", async () => {
    const env = createFakeEnv();
    const guestId = (await env.auth().getCredentials()).identityId;
    env.cognito.identities.get(guestId)!.disabled = true;

    const reloaded = env.auth();
    const changes: string[] = [];
    reloaded.onIdentityChange((c) => changes.push(c.reason));
    const creds = await reloaded.getCredentials();
    expect(creds.identityId).not.toBe(guestId);
    expect(changes).toEqual(["recovered"]);
    reloaded.dispose();
  });

  it("replaces another user's stored identity after \"Logins don't match\"", async () => {
    const env = createFakeEnv();
    const alice = env.auth();
    await alice.setLogins({ [GOOGLE]: "token:alice" });
    const aliceId = (await alice.getCredentials()).identityId;
    alice.dispose();

    const bobPage = env.auth();
    const changes = recordChanges(bobPage);
    env.cognito.requests.length = 0;
    await bobPage.setLogins({ [GOOGLE]: "token:bob" });
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity", "GetId", "GetCredentialsForIdentity"]);
    const bob = await bobPage.getCredentials();
    expect(bob.identityId).not.toBe(aliceId);
    expect(changes).toEqual([{ reason: "recovered", identityId: bob.identityId, previousIdentityId: aliceId }]);
    expect(await env.store.get(keyOf(env, "user-identity"))).toEqual({ identityId: bob.identityId, providers: [GOOGLE] });
    bobPage.dispose();
  });

  it("never loops: a second rejection is thrown after exactly one retry", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const guest = await auth.getCredentials();
    env.cognito.requests.length = 0;
    env.cognito.failNext("GetCredentialsForIdentity", { type: "NotAuthorizedException", message: `Access to Identity '${guest.identityId}' is forbidden.` }, 2);

    await expect(auth.getCredentials({ forceRefresh: true })).rejects.toMatchObject({ code: "identity-rejected" });
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity", "GetId", "GetCredentialsForIdentity"]);
    // Not retryable, so nothing is scheduled behind the caller's back.
    expect(env.time.pending().filter((t) => t.delay !== 5_000)).toEqual([]);
    auth.dispose();
  });

  it("does not discard the identity for an invalid login token", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    await auth.setLogins({ [GOOGLE]: "token:alice" });
    const { identityId } = await auth.getCredentials();
    let token = "expired:alice";
    await expect(auth.setLogins({ [GOOGLE]: () => Promise.resolve(token) })).rejects.toMatchObject({ code: "login-rejected" });
    expect(env.cognito.count("GetId")).toBe(1);
    token = "token:alice";
    await auth.setLogins({ [GOOGLE]: () => Promise.resolve(token) });
    expect((await auth.getCredentials()).identityId).toBe(identityId);
    auth.dispose();
  });
});

describe("sign-out", () => {
  it("clears logins, credentials and identities from memory and storage; the next guest is fresh", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const guest = await auth.getCredentials();
    await auth.setLogins({ [GOOGLE]: "token:alice" });
    const changes = recordChanges(auth);

    await auth.signOut();
    expect(changes).toEqual([{ reason: "signedOut", cause: "signOut", previousIdentityId: guest.identityId }]);
    expect(auth.getState()).toEqual({ status: "signedOut", storage: "custom" });
    expect(await env.store.get(keyOf(env, "user-identity"))).toBeUndefined();
    expect(await env.store.get(keyOf(env, "guest-identity"))).toBeUndefined();

    env.cognito.requests.length = 0;
    const next = await auth.getCredentials();
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    expect(next.identityId).not.toBe(guest.identityId);
    expect(env.cognito.requests.every((r) => r.loginKeys.length === 0)).toBe(true);
    auth.dispose();
  });

  it("takes effect at once: a login still in flight is cancelled and leaves nothing behind", async () => {
    const env = createFakeEnv();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const auth = env.auth({
      fetch: async (input, init) => {
        await gate;
        return env.cognito.fetch(input, init);
      },
    });
    const login = auth.setLogins({ [GOOGLE]: "token:alice" });
    const settled = login.catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    await auth.signOut();
    release();
    expect(await settled).toMatchObject({ code: "cancelled" });
    expect(auth.getState().status).toBe("signedOut");
    expect(await env.store.get(keyOf(env, "user-identity"))).toBeUndefined();

    const next = await auth.getCredentials();
    expect(env.cognito.requests.filter((r) => r.identityId === next.identityId).every((r) => r.loginKeys.length === 0)).toBe(true);
    expect(auth.getState().status).toBe("guest");
    auth.dispose();
  });

  it("with allowGuests: false, a page without login gets a clear error and makes no request", async () => {
    const env = createFakeEnv();
    const auth = env.auth({ allowGuests: false });
    await expect(auth.getCredentials()).rejects.toMatchObject({ code: "guests-disabled", message: expect.stringMatching(/allowGuests is false/) });
    await expect(auth.getIdentityId()).rejects.toMatchObject({ code: "guests-disabled" });
    await expect(auth.credentials()).rejects.toMatchObject({ code: "guests-disabled" });
    expect(env.cognito.requests).toHaveLength(0);

    await auth.setLogins({ [GOOGLE]: "token:alice" });
    expect(auth.getState().status).toBe("authenticated");
    await auth.signOut();
    const before = env.cognito.requests.length;
    await expect(auth.getCredentials()).rejects.toMatchObject({ code: "guests-disabled" });
    expect(env.cognito.requests).toHaveLength(before);
    auth.dispose();
  });

  it("maps a pool that refuses guests to guests-disabled", async () => {
    const env = createFakeEnv();
    env.cognito.allowGuests = false;
    const auth = env.auth();
    await expect(auth.getCredentials()).rejects.toMatchObject({ code: "guests-disabled", retryable: false });
    auth.dispose();
  });
});
