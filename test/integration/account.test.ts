/**
 * The signed-in user's account calls of the SDK (`createAuth`, with the lazily loaded user-pool
 * module) against the emulator: password change, email change with verification, TOTP set-up and
 * the MFA sign-in it leads to, deleting the account across two tabs, the tokens for the app's own
 * APIs, and the checks on input and on being signed in. User and identity pools are set up through
 * the real AWS SDK clients; codes "sent" come from the emulator's control API.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AdminGetUserCommand,
  InitiateAuthCommand,
  SetUserPoolMfaConfigCommand,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { TOTP, URI } from "otpauth";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Auth } from "../../packages/cognito-idpool/src/auth.js";
import type { AuthOptions } from "../../packages/cognito-idpool/src/options.js";
import { storageKeys } from "../../packages/cognito-idpool/src/storage/keys.js";
import type { IdentityChange } from "../../packages/cognito-idpool/src/types.js";
import type { MfaMethod, MfaSetting } from "../../packages/cognito-idpool/src/user-pool/contract.js";
import {
  clearRequests,
  count,
  identityRequests,
  newPool,
  page,
  startCoreKit,
  storedFor,
  userPoolProvider,
  userPoolRequests,
  type CoreKit,
  type CorePool,
} from "./core-kit.js";
import { createUserPoolEnv, errorOf, type UserPoolEnv } from "./userpool-env.js";

const PASSWORD = "Correct-Horse-1";

let core: CoreKit;
const opened: Auth[] = [];

beforeAll(async () => {
  core = await startCoreKit();
});
afterEach(async () => {
  for (const auth of opened.splice(0)) auth.dispose();
  await core.kit.emulator.control("clock", { offsetSeconds: 0 });
});
afterAll(async () => {
  await core.stop();
});

interface AccountFixture {
  env: UserPoolEnv;
  pool: CorePool;
  /** A page of the SDK signed in through this user pool (fake IndexedDB unless `storage` says otherwise). */
  open(options?: Partial<AuthOptions>): Auth;
}

/** A fresh user pool (with `pool` settings) and an identity pool trusting its app client. */
async function accountFixture(pool: Partial<CreateUserPoolCommandInput> = {}): Promise<AccountFixture> {
  const env = await createUserPoolEnv(core.kit.emulator, { pool });
  const identityPool = await newPool(core, { CognitoIdentityProviders: [userPoolProvider(env.userPoolId, env.clientId)] });
  return {
    env,
    pool: identityPool,
    open(options = {}) {
      const auth = page(core, identityPool, { userPool: { userPoolId: env.userPoolId, clientId: env.clientId }, ...options });
      opened.push(auth);
      return auth;
    },
  };
}

const issuerOf = (env: UserPoolEnv) => `https://cognito-idp.eu-west-1.amazonaws.com/${env.userPoolId}`;
const jwksOf = (env: UserPoolEnv) => createRemoteJWKSet(new URL(`${core.url}/${env.userPoolId}/.well-known/jwks.json`));

function recordChanges(auth: Auth): IdentityChange[] {
  const changes: IdentityChange[] = [];
  auth.onIdentityChange((change) => changes.push(change));
  return changes;
}

const otherCode = (code: string) => (code === "000000" ? "111111" : "000000");

describe("password", () => {
  it("updatePassword: the session goes on; after sign-out the new password signs in and the old one is refused", async () => {
    const { env, open } = await accountFixture();
    await env.createUser("pat", "Old-Password-1");
    const auth = open();
    expect(await auth.signIn({ username: "pat", password: "Old-Password-1" })).toEqual({ status: "signedIn" });

    const wrongOld = await errorOf(auth.updatePassword({ oldPassword: "Wrong-Password-1", newPassword: "New-Password-1" }));
    expect(wrongOld.code).toBe("incorrect-username-or-password");
    const weak = await errorOf(auth.updatePassword({ oldPassword: "Old-Password-1", newPassword: "weakpass" }));
    expect(weak.code).toBe("invalid-password");
    expect(weak.message).not.toContain("weakpass");

    await auth.updatePassword({ oldPassword: "Old-Password-1", newPassword: "New-Password-1" });
    // Changing the password does not end the session.
    expect(auth.getState().status).toBe("authenticated");
    expect(await auth.fetchUserAttributes()).toHaveProperty("sub");

    await auth.signOut();
    expect((await errorOf(auth.updatePassword({ oldPassword: "New-Password-1", newPassword: "Newer-Password-1" }))).code).toBe("not-signed-in");
    expect((await errorOf(auth.signIn({ username: "pat", password: "Old-Password-1" }))).code).toBe("incorrect-username-or-password");
    expect(await auth.signIn({ username: "pat", password: "New-Password-1" })).toEqual({ status: "signedIn" });
    expect((await auth.getUser())?.username).toBe("pat");
    expect(auth.getState().status).toBe("authenticated");
  });
});

describe("attributes", () => {
  it("email change verified before update: the old address stays until confirmUserAttribute, then the ID token shows the new one", async () => {
    const { env, open } = await accountFixture({
      AliasAttributes: ["email"],
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
    });
    await env.createUser("erin", PASSWORD, { email: "old@example.com", email_verified: "true" });
    const auth = open();
    // The email address is a sign-in alias.
    expect(await auth.signIn({ username: "old@example.com", password: PASSWORD })).toEqual({ status: "signedIn" });
    const { identityId } = await auth.getCredentials();

    const update = await auth.updateUserAttributes({ email: "new@example.com", name: "Erin Example" });
    expect(update).toEqual({
      email: { status: "codeSent", codeDelivery: { deliveryMedium: "EMAIL", attributeName: "email", destination: expect.stringMatching(/^n\*+@/) } },
      name: { status: "done" },
    });
    // Until verified: the pool and the (renewed) ID token keep the old address; the other attribute changed at once.
    expect(await auth.fetchUserAttributes()).toMatchObject({ email: "old@example.com", email_verified: "true", name: "Erin Example" });
    expect((await auth.getUser())?.claims).toMatchObject({ email: "old@example.com", name: "Erin Example" });

    // Another device: the old address still signs in, the new one not yet.
    const elsewhere = open({ storage: "memory" });
    expect(await elsewhere.signIn({ username: "old@example.com", password: PASSWORD })).toEqual({ status: "signedIn" });
    await elsewhere.signOut();
    expect((await errorOf(elsewhere.signIn({ username: "new@example.com", password: PASSWORD }))).code).toBe("user-not-found");

    const { code, kind } = await env.lastCode("erin");
    expect(kind).toBe("verification");
    expect((await errorOf(auth.confirmUserAttribute({ name: "email", code: otherCode(code) }))).code).toBe("code-mismatch");
    expect((await auth.fetchUserAttributes()).email).toBe("old@example.com");

    await clearRequests(core);
    await auth.confirmUserAttribute({ name: "email", code });
    // No new sign-in: the claims the page holds already show the new address.
    expect((await auth.getUser())?.claims).toMatchObject({ email: "new@example.com", email_verified: true });
    const { idToken } = await auth.getTokens();
    expect(decodeJwt(idToken)).toMatchObject({ email: "new@example.com", "cognito:username": "erin" });
    await jwtVerify(idToken, jwksOf(env), { issuer: issuerOf(env), audience: env.clientId });
    // The renewed ID token went to the identity pool: same identity, credentials fetched with it.
    expect(count(await identityRequests(core), "GetCredentialsForIdentity")).toBe(1);
    expect(auth.getState()).toMatchObject({ status: "authenticated", identityId });
    expect(await auth.fetchUserAttributes()).toMatchObject({ email: "new@example.com", email_verified: "true" });

    // Now the new address signs in and the old one no longer does.
    expect(await elsewhere.signIn({ username: "new@example.com", password: PASSWORD })).toEqual({ status: "signedIn" });
    await elsewhere.signOut();
    expect((await errorOf(elsewhere.signIn({ username: "old@example.com", password: PASSWORD }))).code).toBe("user-not-found");

    // Removing an attribute: gone at the pool and from the claims.
    await auth.deleteUserAttributes(["name"]);
    expect(await auth.fetchUserAttributes()).not.toHaveProperty("name");
    expect((await auth.getUser())?.claims).not.toHaveProperty("name");
  });
});

describe("TOTP", () => {
  async function totpFixture(username: string) {
    const fixture = await accountFixture();
    await fixture.env.admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: fixture.env.userPoolId, MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } }),
    );
    await fixture.env.createUser(username, PASSWORD);
    const auth = fixture.open();
    expect(await auth.signIn({ username, password: PASSWORD })).toEqual({ status: "signedIn" });
    return { ...fixture, auth };
  }

  it("set up after sign-in, verified, preferred: the next sign-in asks for it, and a fresh code signs in", async () => {
    const { auth } = await totpFixture("tom");
    expect(await auth.mfa.getPreference()).toEqual({ enabled: [] });

    const setup = await auth.mfa.setUpTotp();
    const uri = setup.uri("Example Corp & Co");
    // What an authenticator app reads from the QR code.
    const app = URI.parse(uri);
    expect(app).toBeInstanceOf(TOTP);
    expect(app).toMatchObject({ issuer: "Example Corp & Co", label: "tom", algorithm: "SHA1", digits: 6, period: 30 });
    expect((app as TOTP).secret.base32).toBe(setup.secret);

    await auth.mfa.verifyTotp({ code: app.generate({ timestamp: Date.now() }), deviceName: "Test phone" });
    await auth.mfa.setPreference({ totp: "preferred" });
    expect(await auth.mfa.getPreference()).toEqual({ enabled: ["totp"], preferred: "totp" } satisfies { enabled: MfaMethod[]; preferred: MfaMethod });

    await auth.signOut();
    // The next time step on both clocks: the code used to verify cannot be used again.
    await core.kit.emulator.control("clock", { offsetSeconds: 30 });
    expect(await auth.signIn({ username: "tom", password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
    expect(auth.getState().status).not.toBe("authenticated");
    expect((await errorOf(auth.confirmSignIn({ answer: otherCode(app.generate({ timestamp: Date.now() + 30_000 })) }))).code).toBe("code-mismatch");
    expect(await auth.confirmSignIn({ answer: app.generate({ timestamp: Date.now() + 30_000 }) })).toEqual({ status: "signedIn" });
    expect(auth.getState().status).toBe("authenticated");
    expect((await auth.getUser())?.username).toBe("tom");
  });

  it("verifyTotp with a wrong code rejects code-mismatch and leaves TOTP off", async () => {
    const { auth } = await totpFixture("tina");
    const setup = await auth.mfa.setUpTotp();
    const good = new TOTP({ secret: setup.secret }).generate({ timestamp: Date.now() });
    expect((await errorOf(auth.mfa.verifyTotp({ code: otherCode(good) }))).code).toBe("code-mismatch");
    // Not verified, so it cannot be turned on.
    expect((await errorOf(auth.mfa.setPreference({ totp: "enabled" }))).code).toBe("invalid-argument");
    expect(await auth.mfa.getPreference()).toEqual({ enabled: [] });
  });
});

describe("deleteUser", () => {
  it("two tabs on one storage: both end signedOut (userDeleted), the user is gone, nothing of the session stays stored", async () => {
    const { env, pool, open } = await accountFixture();
    await env.createUser("dora", PASSWORD);
    const tabA = open({ crossTab: true });
    expect(await tabA.signIn({ username: "dora", password: PASSWORD })).toEqual({ status: "signedIn" });
    const { identityId } = await tabA.getCredentials();
    // The second tab opens on the same IndexedDB and restores the session from it.
    const tabB = open({ crossTab: true });
    await tabB.ready();
    expect(tabB.getState()).toMatchObject({ status: "authenticated", identityId });
    expect((await tabB.getUser())?.username).toBe("dora");

    const keys = storageKeys(pool.poolId, { userPoolId: env.userPoolId, clientId: env.clientId });
    expect(Object.keys(await storedFor(pool.poolId))).toEqual(expect.arrayContaining([keys.userPoolTokens, keys.user]));

    const changesA = recordChanges(tabA);
    const changesB = recordChanges(tabB);
    await tabA.deleteUser();

    const deleted: IdentityChange = { reason: "signedOut", cause: "userDeleted", previousIdentityId: identityId };
    expect(changesA).toEqual([deleted]);
    expect(tabA.getState().status).toBe("signedOut");
    await vi.waitFor(() => expect(changesB).toEqual([deleted]));
    expect(tabB.getState().status).toBe("signedOut");
    expect(await tabA.getUser()).toBeUndefined();
    expect(await tabB.getUser()).toBeUndefined();
    expect((await errorOf(tabB.getTokens())).code).toBe("not-signed-in");

    const lookup = await env.admin.send(new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: "dora" })).catch((e: unknown) => e);
    expect((lookup as Error).name).toBe("UserNotFoundException");
    // Tokens, the authenticated identity record and any guest: all gone for this identity pool.
    expect(await storedFor(pool.poolId)).toEqual({});
  });
});

describe("tokens for the app's own APIs", () => {
  /** A small API of the app's: answers 200 to a bearer access token of this app client that the pool signed, 401 otherwise. */
  async function startApi(env: UserPoolEnv): Promise<{ call(authorization?: string): Promise<Response>; close(): Promise<void> }> {
    const jwks = jwksOf(env);
    const server = createServer((request, response) => {
      void (async () => {
        try {
          const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
          if (!token) throw new Error("no bearer token");
          const { payload } = await jwtVerify(token, jwks, { issuer: issuerOf(env), algorithms: ["RS256"] });
          if (payload["token_use"] !== "access" || payload["client_id"] !== env.clientId) throw new Error("not an access token of this app client");
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ username: payload["username"], sub: payload.sub }));
        } catch {
          response.writeHead(401).end();
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`;
    return {
      call: (authorization) => fetch(url, authorization ? { headers: { authorization } } : {}),
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  /** The token with its payload changed (`username`), the signature kept. */
  function tampered(token: string): string {
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
    return [header, Buffer.from(JSON.stringify({ ...claims, username: "mallory" })).toString("base64url"), signature].join(".");
  }

  it("getTokens: an ID token the pool's JWKS verifies, an access token the app's API accepts; forceRefresh renews both", async () => {
    const { env, open } = await accountFixture();
    await env.createUser("gus", PASSWORD, { email: "gus@example.com" });
    const auth = open();
    await auth.signIn({ username: "gus", password: PASSWORD });

    const tokens = await auth.getTokens();
    expect(decodeJwt(tokens.idToken).iss).toBe(issuerOf(env));
    const { payload: id } = await jwtVerify(tokens.idToken, jwksOf(env), { issuer: issuerOf(env), audience: env.clientId });
    expect(id).toMatchObject({ token_use: "id", aud: env.clientId, "cognito:username": "gus", email: "gus@example.com" });
    const access = decodeJwt(tokens.accessToken);
    expect(access).toMatchObject({ token_use: "access", client_id: env.clientId, username: "gus", sub: id.sub });
    // The first of the two to expire, on the device clock (the server's to the second).
    expect(Math.abs(tokens.expiration.getTime() - Math.min(id.exp!, access.exp!) * 1000)).toBeLessThan(2000);
    // The state shows the same instant (both are converted from server time, whose estimate moves by a few ms).
    expect(Math.abs(auth.getState().tokenExpiration!.getTime() - tokens.expiration.getTime())).toBeLessThan(50);

    const otherClient = await env.createClient();
    const { AuthenticationResult: other } = await env.admin.send(
      new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: otherClient, AuthParameters: { USERNAME: "gus", PASSWORD } }),
    );
    const api = await startApi(env);
    try {
      const ok = await api.call(`Bearer ${tokens.accessToken}`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ username: "gus", sub: id.sub });
      expect((await api.call()).status).toBe(401);
      expect((await api.call(`Bearer ${tampered(tokens.accessToken)}`)).status).toBe(401);
      // Signed by the pool, but not an access token of this app client.
      expect((await api.call(`Bearer ${tokens.idToken}`)).status).toBe(401);
      expect((await api.call(`Bearer ${other!.AccessToken!}`)).status).toBe(401);

      // Token expiry has one-second resolution: a renewal a second later expires later.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await clearRequests(core);
      const renewed = await auth.getTokens({ forceRefresh: true });
      // Without forceRefresh, tokens far from expiry are handed out as they are: one renewal in all.
      // (Their expiration is converted from server time at each call, and the renewal's answers move that estimate by a few ms.)
      const again = await auth.getTokens();
      expect({ idToken: again.idToken, accessToken: again.accessToken }).toEqual({ idToken: renewed.idToken, accessToken: renewed.accessToken });
      expect(Math.abs(again.expiration.getTime() - renewed.expiration.getTime())).toBeLessThan(50);
      expect((await userPoolRequests(core)).map((r) => r.operation)).toEqual(["GetTokensFromRefreshToken"]);
      expect(renewed.idToken).not.toBe(tokens.idToken);
      expect(renewed.accessToken).not.toBe(tokens.accessToken);
      const { payload: renewedId } = await jwtVerify(renewed.idToken, jwksOf(env), { issuer: issuerOf(env), audience: env.clientId });
      expect(renewedId.iat).toBeGreaterThan(id.iat!);
      expect(renewed.expiration.getTime()).toBeGreaterThan(tokens.expiration.getTime());
      expect(Math.abs(auth.getState().tokenExpiration!.getTime() - renewed.expiration.getTime())).toBeLessThan(50);
      expect(auth.getState().tokenExpiration!.getTime() - tokens.expiration.getTime()).toBeGreaterThanOrEqual(950);
      expect((await api.call(`Bearer ${renewed.accessToken}`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

describe("checks", () => {
  it("bad input: invalid-argument naming the field, and nothing sent", async () => {
    const { env, open } = await accountFixture();
    await env.createUser("bea", PASSWORD);
    const auth = open();
    await auth.signIn({ username: "bea", password: PASSWORD });
    await clearRequests(core);
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ["updateUserAttributes({})", () => auth.updateUserAttributes({}), /^updateUserAttributes: name at least one attribute/],
      ["a value that is not a string", () => auth.updateUserAttributes({ email: 42 as unknown as string }), /`email`/],
      ["setPreference totp: on", () => auth.mfa.setPreference({ totp: "on" as MfaSetting }), /^mfa\.setPreference: `totp` must be/],
      ["setPreference of an unknown method", () => auth.mfa.setPreference({ push: "enabled" } as Partial<Record<MfaMethod, MfaSetting>>), /`push`/],
      ["confirmUserAttribute without code", () => auth.confirmUserAttribute({ name: "email" } as { name: string; code: string }), /`code`/],
      ["confirmUserAttribute without name", () => auth.confirmUserAttribute({ code: "123456" } as { name: string; code: string }), /`name`/],
      ["sendUserAttributeVerificationCode({})", () => auth.sendUserAttributeVerificationCode({} as { name: string }), /`name`/],
      [
        "updatePassword without newPassword",
        () => auth.updatePassword({ oldPassword: PASSWORD } as { oldPassword: string; newPassword: string }),
        /`newPassword`/,
      ],
      ["verifyTotp with an empty code", () => auth.mfa.verifyTotp({ code: "" }), /`code`/],
      ["deleteUserAttributes([])", () => auth.deleteUserAttributes([]), /^deleteUserAttributes:/],
    ];
    for (const [label, call, message] of cases) {
      const error = await errorOf(call());
      expect(error.code, label).toBe("invalid-argument");
      expect(error.message, label).toMatch(message);
    }
    expect(await userPoolRequests(core)).toEqual([]);
    expect(auth.getState().status).toBe("authenticated");
  });

  it("without a user-pool session every account call rejects not-signed-in, and nothing is sent", async () => {
    const { open } = await accountFixture();
    const auth = open();
    // A guest is not a signed-in user.
    await auth.getCredentials();
    expect(auth.getState().status).toBe("guest");
    await clearRequests(core);
    const calls: Record<string, () => Promise<unknown>> = {
      getTokens: () => auth.getTokens(),
      fetchUserAttributes: () => auth.fetchUserAttributes(),
      updateUserAttributes: () => auth.updateUserAttributes({ name: "Nobody" }),
      sendUserAttributeVerificationCode: () => auth.sendUserAttributeVerificationCode({ name: "email" }),
      confirmUserAttribute: () => auth.confirmUserAttribute({ name: "email", code: "123456" }),
      deleteUserAttributes: () => auth.deleteUserAttributes(["name"]),
      updatePassword: () => auth.updatePassword({ oldPassword: PASSWORD, newPassword: "New-Password-1" }),
      deleteUser: () => auth.deleteUser(),
      "mfa.setUpTotp": () => auth.mfa.setUpTotp(),
      "mfa.verifyTotp": () => auth.mfa.verifyTotp({ code: "123456" }),
      "mfa.setPreference": () => auth.mfa.setPreference({ totp: "enabled" }),
      "mfa.getPreference": () => auth.mfa.getPreference(),
    };
    for (const [name, call] of Object.entries(calls)) expect((await errorOf(call())).code, name).toBe("not-signed-in");
    expect(await userPoolRequests(core)).toEqual([]);
    expect(auth.getState().status).toBe("guest");
  });
});
