/**
 * Scheduling and state handling of the user-pool session with a fake clock, fake timers and a
 * scripted user pool. The flows against real servers are in test/integration/userpool-*.test.ts.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createFakeHost, MemoryStore, settle, type FakeHost } from "../../test/fakes/userpool-host.js";
import { FakeUserPool } from "../../test/fakes/userpool-idp.js";
import { CognitoIdpoolError, isCognitoIdpoolError } from "../errors.js";
import type { LockManager } from "../platform/types.js";
import { createInPageLock } from "../tabs/locks.js";
import type { LoginValue, UserPoolSession } from "./contract.js";
import { createUserPoolSessionWith } from "./session.js";

const HOUR = 3_600_000;
const LOGIN_KEY = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1";

let host: FakeHost;
let pool: FakeUserPool;
let session: UserPoolSession;

function serverNow() {
  return host.clock.now() + host.offsetMs;
}

function setup(store?: MemoryStore) {
  host = createFakeHost(store ? { store } : {});
  pool = new FakeUserPool(serverNow);
  pool.users.set("alice", { password: "Secret-123", sub: "sub-alice" });
  session = createUserPoolSessionWith(host, pool);
}

async function signIn() {
  const result = await session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" });
  expect(result).toEqual({ status: "signedIn" });
}

function loginFunction(index = -1): () => Promise<string> {
  const logins = host.loginsSet.at(index)!;
  expect(Object.keys(logins)).toEqual([LOGIN_KEY]);
  const value = logins[LOGIN_KEY] as LoginValue;
  expect(typeof value).toBe("function");
  return value as () => Promise<string>;
}

function idTokenClaims(token: string) {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { exp: number; n: number };
}

const stored = () => host.store.data.get(host.tokensKey) as { refreshToken: string; idToken: string } | undefined;

beforeEach(() => setup());

describe("sign-in hands the ID token to the identity pool", () => {
  it("sets one login under the issuer without its scheme, as a function returning the ID token", async () => {
    await signIn();
    const token = await loginFunction()();
    expect(token).toBe(stored()!.idToken);
    expect(idTokenClaims(token).exp).toBeGreaterThan(serverNow() / 1000);
  });

  it("uses the issuer as given for other hosts and schemes (cognito-local's http issuer)", async () => {
    pool.issuer = "http://127.0.0.1:9229/local_abc";
    await signIn();
    expect(Object.keys(host.loginsSet[0]!)).toEqual(["127.0.0.1:9229/local_abc"]);
  });

  it("rolls back the stored tokens when the identity pool refuses the login", async () => {
    host.setLoginsError = new Error("identity pool said no");
    await expect(session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" })).rejects.toThrow("identity pool said no");
    expect(stored()).toBeUndefined();
    expect(await session.getUser()).toBeUndefined();
    expect(host.timersRef.pending.size).toBe(0);
  });

  it("refuses a second sign-in while signed in", async () => {
    await signIn();
    const error = await session.signIn({ username: "alice", password: "Secret-123" }).catch((e: unknown) => e);
    expect(isCognitoIdpoolError(error, "invalid-argument")).toBe(true);
  });

  it("validates its input before any request", async () => {
    for (const input of [{ username: "", password: "x" }, { username: "alice" }, { username: "alice", password: "x", authFlow: "MAGIC_LINK" }, null]) {
      const error = await session.signIn(input as never).catch((e: unknown) => e);
      expect(isCognitoIdpoolError(error, "invalid-argument"), JSON.stringify(input)).toBe(true);
    }
    expect(pool.calls).toHaveLength(0);
  });

  it("getUser reads username, sub and claims from the ID token", async () => {
    expect(await session.getUser()).toBeUndefined();
    await signIn();
    const user = await session.getUser();
    expect(user).toMatchObject({ username: "alice", sub: "sub-alice", claims: { token_use: "id", "cognito:username": "alice" } });
  });
});

describe("challenges", () => {
  it("answers an MFA code; a wrong code can be retried with the same challenge", async () => {
    pool.users.get("alice")!.challenge = { name: "SMS_MFA", answer: "654321" };
    const first = await session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" });
    expect(first).toEqual({ status: "challenge", challenge: "SMS_MFA", codeDeliveryDestination: "+*******1234" });
    const wrong = await session.confirmSignIn({ answer: "000000" }).catch((e: unknown) => e);
    expect(isCognitoIdpoolError(wrong, "code-mismatch")).toBe(true);
    expect(await session.confirmSignIn({ answer: "654321" })).toEqual({ status: "signedIn" });
    const sent = pool.calls.filter((c) => c.operation === "RespondToAuthChallenge").at(-1)!.input;
    expect(sent).toMatchObject({ ChallengeName: "SMS_MFA", ChallengeResponses: { USERNAME: "alice", SMS_MFA_CODE: "654321" } });
    expect(host.loginsSet).toHaveLength(1);
  });

  it("reports NEW_PASSWORD_REQUIRED's attributes and sends the answer with extra attributes", async () => {
    pool.users.get("alice")!.challenge = { name: "NEW_PASSWORD_REQUIRED" };
    const first = await session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" });
    expect(first).toEqual({
      status: "challenge",
      challenge: "NEW_PASSWORD_REQUIRED",
      requiredAttributes: ["given_name"],
      userAttributes: { email: "a@example.com" },
    });
    await session.confirmSignIn({ answer: "New-Secret-456", userAttributes: { given_name: "Alice" } });
    const sent = pool.calls.at(-1)!.input;
    expect(sent.ChallengeResponses).toEqual({ USERNAME: "alice", NEW_PASSWORD: "New-Secret-456", "userAttributes.given_name": "Alice" });
  });

  it("confirmSignIn without a challenge is a typed error, and a used-up session clears the challenge", async () => {
    expect(isCognitoIdpoolError(await session.confirmSignIn({ answer: "1" }).catch((e: unknown) => e), "no-pending-challenge")).toBe(true);
    pool.users.get("alice")!.challenge = { name: "EMAIL_OTP", answer: "11111111" };
    await session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" });
    // The server forgets the session (it expired).
    (pool as unknown as { sessions: Map<string, string> }).sessions.clear();
    expect(isCognitoIdpoolError(await session.confirmSignIn({ answer: "11111111" }).catch((e: unknown) => e), "session-expired")).toBe(true);
    expect(isCognitoIdpoolError(await session.confirmSignIn({ answer: "11111111" }).catch((e: unknown) => e), "no-pending-challenge")).toBe(true);
  });
});

describe("ID-token renewal", () => {
  it("renews at expiry minus the margin in server time, when the device clock is an hour slow", async () => {
    host.offsetMs = HOUR; // server is an hour ahead of the device
    await signIn();
    const margin = 300_000; // 5 minutes for a one-hour token
    // Just before the earliest jittered moment (margin + margin/5 before expiry): nothing.
    host.clockRef.advance(HOUR - margin - margin / 5 - 1000);
    host.timersRef.runDue();
    await settle();
    expect(pool.renewals()).toBe(0);
    // At expiry minus the margin (server time): renewed, before the token expired.
    host.clockRef.advance(margin / 5 + 1000);
    host.timersRef.runDue();
    await settle();
    expect(pool.renewals()).toBe(1);
    const token = await loginFunction()();
    expect(idTokenClaims(token).exp * 1000).toBeGreaterThan(serverNow() + HOUR - 60_000);
    expect(stored()!.idToken).toBe(token);
  });

  it("the timer renews when it fires, early by its jitter (tabs opened together spread their renewals)", async () => {
    host.random = () => 0.99;
    await signIn();
    const due = host.timersRef.nextDue()!;
    // Due almost a fifth of the margin before the margin itself.
    expect(due - host.clock.now()).toBeLessThan(HOUR - 300_000 - 50_000);
    host.clockRef.deviceNow = due;
    host.timersRef.runDue();
    await settle();
    expect(pool.renewals()).toBe(1);
    expect(host.timersRef.nextDue()! - host.clock.now()).toBeGreaterThan(HOUR - 7 * 60_000);
  });

  it("does not renew early when the device clock is an hour fast", async () => {
    host.offsetMs = -HOUR;
    await signIn();
    host.clockRef.advance(60_000);
    host.timersRef.runDue();
    await settle();
    expect(pool.renewals()).toBe(0);
    expect(host.timersRef.nextDue()! - host.clock.now()).toBeGreaterThan(HOUR - 7 * 60_000);
  });

  it("short tokens: the margin is a quarter of the lifetime", async () => {
    pool.idTokenSeconds = 20;
    await signIn();
    const due = host.timersRef.nextDue()! - host.clock.now();
    expect(due).toBeGreaterThanOrEqual(15_000 - 1000 - 1);
    expect(due).toBeLessThanOrEqual(15_000);
  });

  it("renews on demand inside the margin, once for many concurrent callers", async () => {
    await signIn();
    const login = loginFunction();
    host.clockRef.advance(HOUR - 60_000); // timers not run: a sleeping tab
    const tokens = await Promise.all(Array.from({ length: 8 }, () => login()));
    expect(new Set(tokens).size).toBe(1);
    expect(pool.renewals()).toBe(1);
    expect(idTokenClaims(tokens[0]!).exp * 1000).toBeGreaterThan(serverNow() + HOUR - 60_000);
    // Outside the margin no request is made.
    await login();
    expect(pool.renewals()).toBe(1);
  });

  it("a refused refresh token ends the session: tokens forgotten, endSession('sessionExpired'), no timer", async () => {
    await signIn();
    pool.revoked.add(stored()!.refreshToken);
    host.clockRef.advance(HOUR - 60_000);
    host.timersRef.runDue();
    await settle();
    expect(host.sessionsEnded).toEqual(["sessionExpired"]);
    expect(stored()).toBeUndefined();
    expect(await session.getUser()).toBeUndefined();
    expect(host.timersRef.pending.size).toBe(0);
    expect(isCognitoIdpoolError(await loginFunction()().catch((e: unknown) => e), "not-signed-in")).toBe(true);
  });

  it("a network failure or throttling keeps the session and retries with backoff", async () => {
    await signIn();
    const login = loginFunction();
    const before = stored()!.idToken;
    pool.faults["GetTokensFromRefreshToken"] = ["network", "throttle"];
    host.clockRef.advance(HOUR - 240_000);
    host.timersRef.runDue();
    await settle();
    // Still inside its lifetime: the old token is handed out, nothing is dropped.
    expect(await login()).toBe(before);
    expect(host.sessionsEnded).toEqual([]);
    expect(stored()!.idToken).toBe(before);
    expect(pool.renewals()).toBe(2);
    // The retry timer (backoff, a few seconds) succeeds.
    host.clockRef.advance(10_000);
    host.timersRef.runDue();
    await settle();
    expect(pool.renewals()).toBe(3);
    expect(stored()!.idToken).not.toBe(before);
    expect(host.sessionsEnded).toEqual([]);
  });

  it("an expired token with the network down is a retryable network error, not a sign-out", async () => {
    await signIn();
    const login = loginFunction();
    pool.faults["GetTokensFromRefreshToken"] = ["network"];
    host.clockRef.advance(HOUR + 1000);
    const error = await login().catch((e: unknown) => e);
    expect(isCognitoIdpoolError(error, "network-error")).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(true);
    expect(stored()).toBeDefined();
    expect(host.sessionsEnded).toEqual([]);
    expect(await login()).not.toBe(undefined);
  });
});

describe("across tabs (shared storage)", () => {
  it("adopts tokens another tab renewed instead of renewing again", async () => {
    const store = new MemoryStore();
    setup(store);
    await signIn();
    const tabA = { host, pool, session };
    // Tab B: same storage, reloads and restores.
    setup(store);
    host.clockRef.deviceNow = tabA.host.clock.now();
    pool.users.set("alice", { password: "Secret-123", sub: "sub-alice" });
    tabA.host.clockRef.advance(HOUR - 60_000);
    host.clockRef.advance(HOUR - 60_000);
    expect(await session.restore()).toBe(true);
    expect(pool.renewals()).toBe(1);
    const renewedByB = (store.data.get(host.tokensKey) as { idToken: string }).idToken;
    // Tab A needs a token now: it finds B's in storage.
    const tokenA = await (tabA.host.loginsSet[0]![LOGIN_KEY] as () => Promise<string>)();
    expect(tokenA).toBe(renewedByB);
    expect(tabA.pool.renewals()).toBe(0);
  });

  it("a sign-out in another tab ends this tab's session at its next renewal", async () => {
    await signIn();
    await host.store.del(host.tokensKey);
    host.clockRef.advance(HOUR - 60_000);
    const error = await loginFunction()().catch((e: unknown) => e);
    expect(isCognitoIdpoolError(error, "not-signed-in")).toBe(true);
    expect(host.sessionsEnded).toEqual(["signOut"]);
    expect(pool.renewals()).toBe(0);
  });

  it("another tab signs out while this tab renews the ID token: the renewed tokens are not written back", async () => {
    await signIn();
    const login = loginFunction();
    // The renewal's answer is held until the other tab's sign-out has reached this tab.
    const send = pool.send;
    let answer!: () => void;
    const sent = new Promise<void>((resolve) => {
      pool.send = (async (operation: string, input: unknown) => {
        resolve();
        await new Promise<void>((release) => (answer = release));
        return send(operation as never, input as never);
      }) as typeof send;
    });
    host.clockRef.advance(HOUR - 60_000);
    const renewal = login().catch((e: unknown) => e);
    await sent;
    // The other tab clears the shared storage; its message ends this tab's session in memory.
    await host.store.del(host.tokensKey);
    session.end();
    answer();
    expect(isCognitoIdpoolError(await renewal, "not-signed-in")).toBe(true);
    expect(stored()).toBeUndefined();
    expect(await session.getUser()).toBeUndefined();
    expect(host.timersRef.pending.size).toBe(0);
  });
});

describe("restore after a reload", () => {
  it("nothing stored, or stored for another app client, or corrupt: false, no request, the useless value removed", async () => {
    expect(await session.restore()).toBe(false);
    await host.store.set(host.tokensKey, {
      version: 1,
      userPoolId: "eu-west-1_TestPool1",
      clientId: "other",
      idToken: "x",
      accessToken: "y",
      refreshToken: "z",
    });
    expect(await session.restore()).toBe(false);
    expect(stored()).toBeUndefined();
    await host.store.set(host.tokensKey, "corrupt");
    expect(await session.restore()).toBe(false);
    expect(stored()).toBeUndefined();
    expect(pool.calls).toHaveLength(0);
    expect(host.loginsSet).toHaveLength(0);
  });

  it("getUser answers from storage before restore() has run", async () => {
    await signIn();
    const store = host.store;
    setup(store);
    expect(await session.getUser()).toMatchObject({ username: "alice", sub: "sub-alice" });
    expect(pool.calls).toHaveLength(0);
  });

  it("a fresh stored ID token: logins set, no request", async () => {
    await signIn();
    const store = host.store;
    setup(store);
    expect(await session.restore()).toBe(true);
    expect(pool.calls).toHaveLength(0);
    expect(await loginFunction()()).toBe(stored()!.idToken);
    expect((await session.getUser())?.username).toBe("alice");
  });

  it("an expired stored ID token is renewed before the logins are set", async () => {
    await signIn();
    const store = host.store;
    const now = host.clock.now();
    setup(store);
    host.clockRef.deviceNow = now + 2 * HOUR;
    expect(await session.restore()).toBe(true);
    expect(pool.renewals()).toBe(1);
    expect(idTokenClaims(await loginFunction()()).exp * 1000).toBeGreaterThan(serverNow());
  });

  it("a revoked refresh token: false, tokens forgotten, session ended", async () => {
    await signIn();
    const store = host.store;
    const now = host.clock.now();
    const refresh = stored()!.refreshToken;
    setup(store);
    pool.revoked.add(refresh);
    host.clockRef.deviceNow = now + 2 * HOUR;
    expect(await session.restore()).toBe(false);
    expect(stored()).toBeUndefined();
    expect(host.loginsSet).toHaveLength(0);
    expect(host.sessionsEnded).toEqual(["sessionExpired"]);
  });

  describe("the identity pool refuses the stored ID token (ServerSideTokenCheck after a revocation or global sign-out)", () => {
    const refused = () => new CognitoIdpoolError("login-rejected", "Invalid login token. Token has been revoked.");
    async function reload(rejections: number) {
      await signIn();
      const store = host.store;
      const refresh = stored()!.refreshToken;
      setup(store);
      let left = rejections;
      const setLogins = host.setLogins;
      host.setLogins = async (logins) => {
        if (left-- > 0) throw refused();
        return setLogins(logins);
      };
      return refresh;
    }

    it("and the user pool refuses the refresh token: false, tokens forgotten, session expired", async () => {
      const refresh = await reload(1);
      pool.revoked.add(refresh);
      expect(await session.restore()).toBe(false);
      expect(pool.renewals()).toBe(1);
      expect(host.sessionsEnded).toEqual(["sessionExpired"]);
      expect(stored()).toBeUndefined();
      expect(await session.getUser()).toBeUndefined();
    });

    it("but the user pool renews the tokens: restored with the renewed ID token", async () => {
      await reload(1);
      const before = stored()!.idToken;
      host.clockRef.advance(60_000);
      expect(await session.restore()).toBe(true);
      expect(pool.renewals()).toBe(1);
      expect(host.loginsSet).toHaveLength(1);
      expect(await loginFunction()()).not.toBe(before);
      expect(host.sessionsEnded).toEqual([]);
    });

    it("and refuses the renewed one too: the refusal is passed on and the tokens forgotten, asked once only", async () => {
      await reload(2);
      const error = await session.restore().catch((e: unknown) => e);
      expect(isCognitoIdpoolError(error, "login-rejected")).toBe(true);
      expect(pool.renewals()).toBe(1);
      expect(stored()).toBeUndefined();
      expect(await session.getUser()).toBeUndefined();
      expect(host.timersRef.pending.size).toBe(0);
    });
  });

  it("offline with an expired ID token: still restored (the login function renews later)", async () => {
    await signIn();
    const store = host.store;
    const now = host.clock.now();
    setup(store);
    pool.faults["GetTokensFromRefreshToken"] = ["network"];
    host.clockRef.deviceNow = now + 2 * HOUR;
    expect(await session.restore()).toBe(true);
    expect(stored()).toBeDefined();
    expect(host.loginsSet).toHaveLength(1);
  });
});

describe("sign-out", () => {
  it("revokes the refresh token and forgets everything", async () => {
    await signIn();
    const refresh = stored()!.refreshToken;
    await session.signOut({});
    expect(pool.calls.at(-1)).toEqual({ operation: "RevokeToken", input: { Token: refresh, ClientId: "client1" } });
    expect(stored()).toBeUndefined();
    expect(await session.getUser()).toBeUndefined();
    expect(host.timersRef.pending.size).toBe(0);
  });

  it("global: GlobalSignOut with the access token (renewed first when expired)", async () => {
    await signIn();
    host.clockRef.advance(2 * HOUR);
    await session.signOut({ global: true });
    expect(pool.calls.map((c) => c.operation).slice(-2)).toEqual(["GetTokensFromRefreshToken", "GlobalSignOut"]);
    const renewedAccess = pool.calls.at(-1)!.input.AccessToken as string;
    expect(idTokenClaims(renewedAccess).exp * 1000).toBeGreaterThan(serverNow());
    expect(stored()).toBeUndefined();
  });

  it("a network failure while revoking still signs out locally, then reports the failure without the token", async () => {
    await signIn();
    const refresh = stored()!.refreshToken;
    pool.faults["RevokeToken"] = ["network"];
    const error = await session.signOut({}).catch((e: unknown) => e);
    expect(isCognitoIdpoolError(error, "network-error")).toBe(true);
    expect(String((error as Error).message)).not.toContain(refresh);
    expect(stored()).toBeUndefined();
    expect(await session.getUser()).toBeUndefined();
    expect(host.timersRef.pending.size).toBe(0);
  });

  it("signed out already: no request", async () => {
    await session.signOut({ global: true });
    expect(pool.calls).toHaveLength(0);
  });
});

describe("rotating refresh tokens across tabs (grace period 0)", () => {
  /** Tabs of one origin: one storage, one cross-tab lock, one user pool; each tab its own clock and timers at the same time. */
  function tabs(count: number, lock: LockManager = createInPageLock()) {
    const store = new MemoryStore();
    const shared = new FakeUserPool(() => Date.parse("2026-03-01T12:00:00Z") + elapsed);
    shared.rotate = true;
    shared.users.set("alice", { password: "Secret-123", sub: "sub-alice" });
    let elapsed = 0;
    const list = Array.from({ length: count }, () => {
      const tabHost = createFakeHost({ store, lock });
      return { host: tabHost, session: createUserPoolSessionWith(tabHost, shared) };
    });
    const advance = async (ms: number) => {
      elapsed += ms;
      for (const tab of list) tab.host.clockRef.advance(ms);
      for (const tab of list) tab.host.timersRef.runDue();
      await settle();
    };
    return { store, pool: shared, list, advance, stored: () => store.data.get(list[0]!.host.tokensKey) as { refreshToken: string; idToken: string } };
  }

  it("three tabs whose renewals fall due together send one GetTokensFromRefreshToken per renewal; the others adopt the rotated tokens", async () => {
    const { pool: shared, list, advance, stored: storedTokens } = tabs(3);
    const [first, ...others] = list;
    expect(await first!.session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" })).toEqual({ status: "signedIn" });
    for (const tab of others) expect(await tab.session.restore()).toBe(true);
    for (let round = 1; round <= 5; round++) {
      await advance(HOUR - 290_000);
      expect(shared.renewals()).toBe(round);
      // Every tab holds the newest tokens, the one in storage.
      for (const tab of list) expect((await tab.session.getTokens()).idToken).toBe(storedTokens().idToken);
      await advance(290_000);
    }
    expect(list.flatMap((tab) => tab.host.sessionsEnded)).toEqual([]);
    expect(shared.calls.filter((c) => c.operation === "GetTokensFromRefreshToken").map((c) => c.input.RefreshToken).length).toBe(5);
  });

  it("a tab holding a token another tab rotated renews with the stored one, not its own", async () => {
    const { pool: shared, list, stored: storedTokens } = tabs(2);
    const [a, b] = list;
    await a!.session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" });
    await b!.session.restore();
    const before = storedTokens().refreshToken;
    await a!.session.getTokens({ forceRefresh: true });
    expect(storedTokens().refreshToken).not.toBe(before);
    // B still holds the first refresh token in memory; forced, it renews with A's rotated one.
    const renewed = await b!.session.getTokens({ forceRefresh: true });
    expect(shared.calls.at(-1)!.input.RefreshToken).not.toBe(before);
    expect(renewed.idToken).toBe(storedTokens().idToken);
    expect(b!.host.sessionsEnded).toEqual([]);
  });

  it("without a cross-tab lock, the tab that loses the race reads the winner's rotated token from storage instead of ending the session", async () => {
    const unlocked: LockManager = { request: (_name, run) => run() };
    const { pool: shared, list, stored: storedTokens } = tabs(2, unlocked);
    const [a, b] = list;
    await a!.session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" });
    await b!.session.restore();
    const [fromA, fromB] = await Promise.all([a!.session.getTokens({ forceRefresh: true }), b!.session.getTokens({ forceRefresh: true })]);
    expect(shared.calls.some((c) => c.operation === "GetTokensFromRefreshToken")).toBe(true);
    expect(list.flatMap((tab) => tab.host.sessionsEnded)).toEqual([]);
    expect(fromB.idToken).toBe(storedTokens().idToken);
    expect(fromA.idToken).not.toBe("");
  });

  it("RefreshTokenReuseException with nothing newer in storage ends the session: sessionExpired, stored tokens deleted", async () => {
    const { list, store, pool: shared } = tabs(1);
    const [a] = list;
    await a!.session.signIn({ username: "alice", password: "Secret-123", authFlow: "USER_PASSWORD_AUTH" });
    const replayed = structuredClone(store.data.get(a!.host.tokensKey));
    await a!.session.getTokens({ forceRefresh: true });
    // A copy of the first tokens (a backup, another browser profile) renews after the rotation.
    const copyStore = new MemoryStore();
    copyStore.data.set(a!.host.tokensKey, replayed);
    const copyHost = createFakeHost({ store: copyStore });
    const copy = createUserPoolSessionWith(copyHost, shared);
    expect(await copy.restore()).toBe(true);
    const error = await copy.getTokens({ forceRefresh: true }).catch((e: unknown) => e);
    expect(isCognitoIdpoolError(error, "session-expired")).toBe(true);
    expect(copyHost.sessionsEnded).toEqual(["sessionExpired"]);
    expect(copyStore.data.has(copyHost.tokensKey)).toBe(false);
    // The tab with the rotated token keeps its session.
    expect(a!.host.sessionsEnded).toEqual([]);
    await a!.session.getTokens({ forceRefresh: true });
  });

  it("falls back to REFRESH_TOKEN_AUTH, once and for good, on a server that does not know GetTokensFromRefreshToken", async () => {
    pool.knowsGetTokensFromRefreshToken = false;
    await signIn();
    await session.getTokens({ forceRefresh: true });
    await session.getTokens({ forceRefresh: true });
    expect(pool.count("GetTokensFromRefreshToken")).toBe(1);
    expect(pool.count("InitiateAuth", "REFRESH_TOKEN_AUTH")).toBe(2);
  });

  it("tells the core every change of the tokens' expiry: sign-in, renewal, sign-out", async () => {
    await signIn();
    host.clockRef.advance(10 * 60_000);
    const renewed = await session.getTokens({ forceRefresh: true });
    session.end();
    const [signedIn, afterRenewal] = host.tokenExpiries;
    expect(afterRenewal! - signedIn!).toBe(10 * 60_000);
    expect(renewed.expiration.getTime()).toBe(afterRenewal! - host.offsetMs);
    expect(host.tokenExpiries.at(-1)).toBeUndefined();
  });
});
