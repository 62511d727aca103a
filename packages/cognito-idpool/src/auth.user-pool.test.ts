import { beforeEach, describe, expect, it, vi } from "vitest";
import { createFakeEnv, keyOf, recordChanges, type FakeEnv } from "../test/fakes/fake-env.js";
import { storageKeys } from "./storage/keys.js";
import type { Auth } from "./auth.js";
import { CognitoIdpoolError } from "./errors.js";
import type { UserPoolCore, UserPoolHost, UserPoolSession } from "./user-pool/contract.js";
import { hostOf } from "./user-pool/host.js";

const ISSUER = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123";

// The user-pool module is another unit; here it is a stand-in that records how the core drives it.
const loaded = vi.hoisted(() => ({
  hosts: [] as UserPoolHost[],
  calls: [] as string[],
  restoreFails: undefined as unknown,
  /** When set, restore() waits for it (a restore still out on the network). */
  restoreGate: undefined as Promise<void> | undefined,
  /** When set, restore() finds the refresh token refused, as the real module does. */
  restoreExpires: false,
}));
vi.mock("./user-pool/session.js", () => ({
  startUserPoolSession(core: UserPoolCore): UserPoolSession {
    // The real module's wiring of the core's parts, so the stand-in drives the core as the module does.
    const host = hostOf(core);
    loaded.hosts.push(host);
    const record = (name: string) => loaded.calls.push(name);
    return {
      async restore() {
        record("restore");
        await loaded.restoreGate;
        record("restored");
        if (loaded.restoreFails) throw loaded.restoreFails;
        if (loaded.restoreExpires) {
          await host.storage.del(host.tokensKey);
          void host.endSession("sessionExpired", false);
          return false;
        }
        if ((await host.storage.get(host.tokensKey)) === undefined) return false;
        await host.setLogins({ [ISSUER]: async () => "token:alice" });
        return true;
      },
      async signIn() {
        record("signIn");
        await host.setLogins({ [ISSUER]: async () => "token:alice" });
        return { status: "signedIn" };
      },
      confirmSignIn: async () => (record("confirmSignIn"), { status: "signedIn" }),
      signUp: async () => (record("signUp"), { userConfirmed: false, userSub: "s" }),
      confirmSignUp: (async () => void record("confirmSignUp")) as unknown as UserPoolSession["confirmSignUp"],
      resendSignUpCode: async () => (record("resendSignUpCode"), {}),
      forgotPassword: async () => (record("forgotPassword"), {}),
      confirmForgotPassword: async () => void record("confirmForgotPassword"),
      getUser: async () => (record("getUser"), { username: "alice", sub: "s", claims: {} }),
      getTokens: async () => (record("getTokens"), { idToken: "id", accessToken: "access", expiration: new Date(0) }),
      fetchUserAttributes: async () => (record("fetchUserAttributes"), {}),
      updateUserAttributes: async () => (record("updateUserAttributes"), {}),
      sendUserAttributeVerificationCode: async () => (record("sendUserAttributeVerificationCode"), {}),
      confirmUserAttribute: async () => void record("confirmUserAttribute"),
      deleteUserAttributes: async () => void record("deleteUserAttributes"),
      updatePassword: async () => void record("updatePassword"),
      deleteUser: async () => void record("deleteUser"),
      mfa: {
        setUpTotp: async () => (record("mfa.setUpTotp"), { secret: "S", uri: () => "otpauth://" }),
        verifyTotp: async () => void record("mfa.verifyTotp"),
        setPreference: async () => void record("mfa.setPreference"),
        getPreference: async () => (record("mfa.getPreference"), { enabled: [] }),
      },
      passkeys: {
        register: async () => void record("passkeys.register"),
        list: async () => (record("passkeys.list"), []),
        delete: async () => void record("passkeys.delete"),
      },
      signInWithRedirect: async () => void record("signInWithRedirect"),
      handleRedirect: async () => (record("handleRedirect"), { status: "none" }),
      signInWithPopup: async () => (record("signInWithPopup"), { status: "signedIn" }),
      logoutUrl: () => (record("logoutUrl"), "https://login.example.com/logout"),
      devices: {
        remember: async () => void record("devices.remember"),
        forget: async () => void record("devices.forget"),
        list: async () => (record("devices.list"), []),
      },
      end: (stored) => (record(`end:${stored === undefined ? "memory" : "stored"}`), async (global) => void record(`revoke:${global}`)),
      signOut: async () => void record("signOut"),
      dispose: () => record("dispose"),
    };
  },
}));

const userPool = { userPoolId: "eu-west-1_AbC123", clientId: "client1" };
const tokensKey = (env: FakeEnv) => storageKeys(env.cognito.identityPoolId, userPool).userPoolTokens!;

/** A browser where a user signed in before this page loaded: the stand-in module finds tokens in storage. */
async function reloadedBrowser() {
  const env = createFakeEnv();
  env.cognito.providers.add(ISSUER);
  await env.store.set(tokensKey(env), { stored: true });
  return env;
}

beforeEach(() => {
  loaded.hosts.length = 0;
  loaded.calls.length = 0;
  loaded.restoreFails = undefined;
  loaded.restoreGate = undefined;
  loaded.restoreExpires = false;
});

describe("user-pool hook", () => {
  it("without the userPool option, sign-in methods throw user-pool-not-configured and nothing is loaded", async () => {
    const env = createFakeEnv();
    env.cognito.providers.add(ISSUER);
    const auth = env.auth();
    for (const call of [
      () => auth.signIn({ username: "a", password: "p" }),
      () => auth.confirmSignIn({ answer: "1" }),
      () => auth.signUp({ username: "a", password: "p" }),
      () => auth.confirmSignUp({ username: "a", code: "1" }),
      () => auth.resendSignUpCode({ username: "a" }),
      () => auth.forgotPassword({ username: "a" }),
      () => auth.confirmForgotPassword({ username: "a", code: "1", newPassword: "p" }),
      () => auth.getUser(),
      () => auth.getTokens(),
      () => auth.deleteUser(),
      () => auth.mfa.setUpTotp(),
      () => auth.passkeys.register(),
      () => auth.devices.list(),
      () => auth.signOut({ global: true }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "user-pool-not-configured", message: expect.stringContaining("userPool") });
    }
    await auth.signOut();
    expect(loaded.hosts).toHaveLength(0);
    auth.dispose();
  });

  it("every account, MFA, passkey and device method is answered by the module", async () => {
    const env = createFakeEnv();
    env.cognito.providers.add(ISSUER);
    const auth = env.auth({ userPool });
    await auth.getTokens();
    await auth.fetchUserAttributes();
    await auth.updateUserAttributes({ name: "A" });
    await auth.sendUserAttributeVerificationCode({ name: "email" });
    await auth.confirmUserAttribute({ name: "email", code: "1" });
    await auth.deleteUserAttributes(["nickname"]);
    await auth.updatePassword({ oldPassword: "a", newPassword: "b" });
    await auth.deleteUser();
    expect((await auth.mfa.setUpTotp()).secret).toBe("S");
    await auth.mfa.verifyTotp({ code: "1" });
    await auth.mfa.setPreference({ totp: "preferred" });
    expect(await auth.mfa.getPreference()).toEqual({ enabled: [] });
    await auth.passkeys.register();
    expect(await auth.passkeys.list()).toEqual([]);
    await auth.passkeys.delete("id");
    await auth.devices.remember();
    await auth.devices.forget();
    expect(await auth.devices.list()).toEqual([]);
    expect(loaded.calls).toEqual([
      "getTokens",
      "fetchUserAttributes",
      "updateUserAttributes",
      "sendUserAttributeVerificationCode",
      "confirmUserAttribute",
      "deleteUserAttributes",
      "updatePassword",
      "deleteUser",
      "mfa.setUpTotp",
      "mfa.verifyTotp",
      "mfa.setPreference",
      "mfa.getPreference",
      "passkeys.register",
      "passkeys.list",
      "passkeys.delete",
      "devices.remember",
      "devices.forget",
      "devices.list",
    ]);
    auth.dispose();
  });

  it("a guest-only page never loads the module", async () => {
    const env = createFakeEnv();
    const auth = env.auth({ userPool });
    await auth.getCredentials();
    await auth.signOut();
    expect(loaded.hosts).toHaveLength(0);
    auth.dispose();
  });

  it("signIn(); signOut() while the sign-in module is still loading: signIn rejects cancelled and never reaches the module", async () => {
    const env = createFakeEnv();
    env.cognito.providers.add(ISSUER);
    const auth = env.auth({ userPool });
    await auth.getCredentials();
    const signIn = auth.signIn({ username: "alice", password: "pw" });
    await auth.signOut();
    await expect(signIn).rejects.toMatchObject({ code: "cancelled" });
    expect(loaded.calls).not.toContain("signIn");
    expect(auth.getState().status).not.toBe("authenticated");
    auth.dispose();
  });

  it("signIn(); dispose() while start-up still runs: signIn rejects cancelled, never reaches the module and stores nothing", async () => {
    const env = createFakeEnv();
    env.cognito.providers.add(ISSUER);
    const auth = env.auth({ userPool });
    const signIn = auth.signIn({ username: "alice", password: "pw" });
    // Torn down (an unmounted app) before storage answered: a sign-in it began must not go on for it.
    auth.dispose();
    await expect(signIn).rejects.toMatchObject({ code: "cancelled" });
    expect(loaded.calls).not.toContain("signIn");
    expect(await env.store.get(keyOf(env, "user-identity"))).toBeUndefined();
  });

  it("loads the module once on first use and hands it a host on the core's storage, clock and logins", async () => {
    const env = createFakeEnv();
    env.cognito.providers.add(ISSUER);
    const auth = env.auth({ userPool: { ...userPool, endpoint: "http://127.0.0.1:9229/" }, endpoint: "http://127.0.0.1:4566" });
    const guest = await auth.getCredentials();
    expect(await auth.signIn({ username: "alice", password: "pw" })).toEqual({ status: "signedIn" });
    await auth.getUser();
    expect(loaded.hosts).toHaveLength(1);
    const host = loaded.hosts[0]!;
    expect(host).toMatchObject({ options: { ...userPool, endpoint: "http://127.0.0.1:9229" }, region: "eu-west-1", endpoint: "http://127.0.0.1:4566" });
    expect(host.tokensKey).toBe(tokensKey(env));
    expect(host.serverNow()).toBe(env.time.now());
    // sign-in linked the guest through host.setLogins
    expect(auth.getState()).toMatchObject({ status: "authenticated", identityId: guest.identityId });
    auth.dispose();
  });

  it("a reload with stored tokens restores the session before serving credentials", async () => {
    const env = await reloadedBrowser();
    const auth = env.auth({ userPool });
    const creds = await auth.getCredentials();
    expect(loaded.calls).toEqual(["restore", "restored"]);
    expect(auth.getState().status).toBe("authenticated");
    expect(env.cognito.requests.every((r) => r.loginKeys.includes(ISSUER))).toBe(true);
    expect(env.cognito.count("GetId")).toBe(1);
    expect(creds.identityId).toBe(auth.getState().identityId);
    auth.dispose();

    // and a second reload reuses the stored identity: one request
    env.cognito.requests.length = 0;
    const again = env.auth({ userPool });
    expect((await again.getCredentials()).identityId).toBe(creds.identityId);
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
    again.dispose();
  });

  it("an offline restore fails callers with the network error and is retried in the shared backoff's next slot, not by each caller", async () => {
    const env = await reloadedBrowser();
    loaded.restoreFails = new CognitoIdpoolError("network-error", "offline");
    const auth = env.auth({ userPool });
    await expect(auth.getCredentials()).rejects.toMatchObject({ code: "network-error" });
    expect(env.cognito.requests).toHaveLength(0); // no guest identity made behind the user's back
    loaded.restoreFails = undefined;
    await Promise.all(Array.from({ length: 5 }, () => expect(auth.getCredentials()).rejects.toMatchObject({ code: "network-error" })));
    expect(loaded.calls.filter((c) => c === "restore")).toHaveLength(1);
    await env.time.advance(750);
    expect(loaded.calls.filter((c) => c === "restore")).toHaveLength(2);
    await auth.getCredentials();
    expect(auth.getState().status).toBe("authenticated");
    auth.dispose();
  });

  it("signOut ends the module's session in memory first, then clears storage, then revokes", async () => {
    const env = createFakeEnv();
    env.cognito.providers.add(ISSUER);
    const auth = env.auth({ userPool });
    await auth.signIn({ username: "alice", password: "pw" });
    await auth.signOut({ global: true });
    expect(loaded.calls).toEqual(["signIn", "end:memory", "revoke:true"]);
    expect(auth.getState().status).toBe("signedOut");
    expect(await env.store.get(keyOf(env, "user-identity"))).toBeUndefined();
    auth.dispose();
  });

  it("the host's endSession ends the identity-pool session and says why", async () => {
    const env = createFakeEnv();
    env.cognito.providers.add(ISSUER);
    const auth = env.auth({ userPool });
    await auth.signIn({ username: "alice", password: "pw" });
    const { identityId } = await auth.getCredentials();
    const changes = recordChanges(auth);
    await loaded.hosts[0]!.endSession("sessionExpired", false);
    expect(changes).toEqual([{ reason: "signedOut", cause: "sessionExpired", previousIdentityId: identityId }]);
    expect(auth.getState().status).toBe("signedOut");

    await auth.signIn({ username: "alice", password: "pw" });
    await auth.signOut();
    expect(changes.at(-1)).toEqual({ reason: "signedOut", cause: "signOut", previousIdentityId: identityId });
    auth.dispose();
  });

  it("a session found expired while restoring after a reload is announced, though nothing was served yet", async () => {
    const env = await reloadedBrowser();
    loaded.restoreExpires = true;
    const auth = env.auth({ userPool });
    const changes = recordChanges(auth);
    const guest = await auth.getCredentials();
    expect(changes).toEqual([
      { reason: "signedOut", cause: "sessionExpired" },
      { reason: "created", identityId: guest.identityId },
    ]);
    auth.dispose();
  });

  it("the other tabs learn that the session expired, not that someone signed out", async () => {
    const env = createFakeEnv();
    env.cognito.providers.add(ISSUER);
    const [a, b] = [env.auth({ userPool, crossTab: true }), env.auth({ userPool, crossTab: true })];
    await a.signIn({ username: "alice", password: "pw" });
    await b.setLogins({ [ISSUER]: "token:alice" });
    const { identityId } = await b.getCredentials();
    const changes = recordChanges(b);
    await loaded.hosts[0]!.endSession("sessionExpired", false);
    await vi.waitFor(() => expect(changes).toEqual([{ reason: "signedOut", cause: "sessionExpired", previousIdentityId: identityId }]));
    a.dispose();
    b.dispose();
  });

  describe("start-up with stored tokens: the restoring status and ready()", () => {
    /** A reloaded page whose restore waits for `release()`, and every status it reports. */
    async function restoringPage() {
      const env = await reloadedBrowser();
      let release!: () => void;
      loaded.restoreGate = new Promise<void>((resolve) => (release = resolve));
      const auth = env.auth({ userPool });
      const statuses: string[] = [];
      auth.subscribe((state) => statuses.push(state.status));
      let ready = false;
      void auth.ready().then(() => (ready = true));
      await vi.waitFor(() => expect(loaded.calls).toEqual(["restore"]));
      return { env, auth, statuses, release, isReady: () => ready };
    }

    it("goes from restoring straight to authenticated, never signedOut in between, and ready() resolves after", async () => {
      const { env, auth, statuses, release, isReady } = await restoringPage();
      expect(auth.getState().status).toBe("restoring");
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(isReady()).toBe(false);
      release();
      await auth.ready();
      expect(statuses).toEqual(["restoring", "authenticated"]);
      expect(auth.getState()).toMatchObject({ status: "authenticated", identityId: expect.any(String), expiration: expect.any(Date) });
      // Restored with the logins: no guest identity was made on the way.
      expect(env.cognito.requests.every((r) => r.loginKeys.includes(ISSUER))).toBe(true);
      auth.dispose();
    });

    it("a stored session found expired settles as signedOut", async () => {
      const env = await reloadedBrowser();
      loaded.restoreExpires = true;
      const auth = env.auth({ userPool });
      const statuses: string[] = [];
      auth.subscribe((state) => statuses.push(state.status));
      await auth.ready();
      expect(statuses).toEqual(["restoring", "signedOut"]);
      auth.dispose();
    });

    it("offline, ready() resolves as signedOut instead of rejecting; credentials still fail with the network error", async () => {
      const env = await reloadedBrowser();
      loaded.restoreFails = new CognitoIdpoolError("network-error", "offline");
      const auth = env.auth({ userPool });
      await expect(auth.ready()).resolves.toBeUndefined();
      expect(auth.getState().status).toBe("signedOut");
      await expect(auth.getCredentials()).rejects.toMatchObject({ code: "network-error" });
      expect(await env.store.get(tokensKey(env))).toEqual({ stored: true });
      auth.dispose();
    });

    it("signOut() while restoring reports signedOut at once, and ready() still resolves", async () => {
      const { auth, statuses, release } = await restoringPage();
      const signedOut = auth.signOut();
      await vi.waitFor(() => expect(auth.getState().status).toBe("signedOut"));
      release();
      await signedOut;
      await auth.ready();
      expect(statuses).toEqual(["restoring", "signedOut"]);
      expect(auth.getState().status).toBe("signedOut");
      auth.dispose();
    });
  });

  describe("user-pool calls right after a reload wait for the stored session to be restored", () => {
    const calls: [string, (auth: Auth) => Promise<unknown>][] = [
      ["signIn", (auth) => auth.signIn({ username: "alice", password: "pw" })],
      ["confirmSignIn", (auth) => auth.confirmSignIn({ answer: "1" })],
      ["signUp", (auth) => auth.signUp({ username: "a", password: "p" })],
      ["confirmSignUp", (auth) => auth.confirmSignUp({ username: "a", code: "1" })],
      ["resendSignUpCode", (auth) => auth.resendSignUpCode({ username: "a" })],
      ["forgotPassword", (auth) => auth.forgotPassword({ username: "a" })],
      ["confirmForgotPassword", (auth) => auth.confirmForgotPassword({ username: "a", code: "1", newPassword: "p" })],
      ["getUser", (auth) => auth.getUser()],
    ];

    it.each(calls)("%s", async (name, call) => {
      const env = await reloadedBrowser();
      let release!: () => void;
      loaded.restoreGate = new Promise<void>((resolve) => (release = resolve));
      const auth = env.auth({ userPool });
      const done = call(auth);
      await vi.waitFor(() => expect(loaded.calls).toEqual(["restore"]));
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(loaded.calls).toEqual(["restore"]);
      release();
      await done;
      expect(loaded.calls).toEqual(["restore", "restored", name]);
      auth.dispose();
    });

    it("a failed restore is not thrown into them; credentials still get its error and retry it", async () => {
      const env = await reloadedBrowser();
      loaded.restoreFails = new CognitoIdpoolError("network-error", "offline");
      const auth = env.auth({ userPool });
      expect(await auth.getUser()).toEqual({ username: "alice", sub: "s", claims: {} });
      expect(await auth.forgotPassword({ username: "alice" })).toEqual({});
      await expect(auth.getCredentials()).rejects.toMatchObject({ code: "network-error" });
      loaded.restoreFails = new CognitoIdpoolError("login-rejected", "refused");
      await env.time.advance(1_000); // the shared backoff's next slot
      expect(await auth.signUp({ username: "a", password: "p" })).toEqual({ userConfirmed: false, userSub: "s" });
      expect(loaded.calls.filter((c) => c === "restore").length).toBeGreaterThanOrEqual(2);
      auth.dispose();
    });
  });
});
