/**
 * The SDK's user-pool session against cognito-local, a user-pool emulator we did not write, so the
 * password flow and token renewal do not lean on our own emulator's behaviour. cognito-local has
 * no SRP, so sign-in here is USER_PASSWORD_AUTH.
 */
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CreateUserPoolClientCommand, RevokeTokenCommand } from "@aws-sdk/client-cognito-identity-provider";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isCognitoIdpoolError } from "../../src/errors.js";
import { USER_POOL_TOKENS_KEY } from "../../src/user-pool/contract.js";
import { createUserPoolSession } from "../../src/user-pool/session.js";
import { startCognitoLocal, type CognitoLocal } from "../fakes/userpool-cognito-local.js";
import { createLiveHost, type FakeHost } from "../fakes/userpool-host.js";

let local: CognitoLocal;
let clientId: string;

beforeAll(async () => {
  local = await startCognitoLocal();
  const created = await local.admin.send(
    new CreateUserPoolClientCommand({
      UserPoolId: local.userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      // Short ID tokens so renewal happens within the test: margin = a quarter of 8 s.
      IdTokenValidity: 8,
      TokenValidityUnits: { IdToken: "seconds" },
    }),
  );
  clientId = created.UserPoolClient!.ClientId!;
  for (const username of ["alice", "bob"]) {
    await local.admin.send(new AdminCreateUserCommand({ UserPoolId: local.userPoolId, Username: username, TemporaryPassword: "Temp-Pass-1!", MessageAction: "SUPPRESS" }));
    await local.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: local.userPoolId, Username: username, Password: "Secret-Pass-1!", Permanent: true }));
  }
});

afterAll(async () => {
  await local?.stop();
});

function hostFor(): FakeHost {
  return createLiveHost({ userPoolId: local.userPoolId, clientId, endpoint: local.url });
}

function storedIdToken(host: FakeHost): string | undefined {
  return (host.store.data.get(host.storageKey(USER_POOL_TOKENS_KEY)) as { idToken?: string } | undefined)?.idToken;
}

describe("user-pool session against cognito-local", () => {
  it("signs in with USER_PASSWORD_AUTH; the login key is cognito-local's issuer without the scheme", async () => {
    const host = hostFor();
    const session = createUserPoolSession(host);
    try {
      expect(await session.signIn({ username: "alice", password: "Secret-Pass-1!", authFlow: "USER_PASSWORD_AUTH" })).toEqual({ status: "signedIn" });
      const loginKey = local.issuer.replace("http://", "");
      expect(Object.keys(host.loginsSet[0]!)).toEqual([loginKey]);
      const token = await (host.loginsSet[0]![loginKey] as () => Promise<string>)();
      // A real token from cognito-local, verified against its JWKS.
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${local.issuer}/.well-known/jwks.json`)), { issuer: local.issuer, audience: clientId });
      expect(payload["cognito:username"]).toBe("alice");
      expect(await session.getUser()).toMatchObject({ username: "alice", sub: payload.sub });
    } finally {
      session.dispose();
    }
  });

  it("renews the ID token with REFRESH_TOKEN_AUTH before it expires", async () => {
    const host = hostFor();
    const session = createUserPoolSession(host);
    try {
      await session.signIn({ username: "alice", password: "Secret-Pass-1!", authFlow: "USER_PASSWORD_AUTH" });
      const first = storedIdToken(host)!;
      const firstExp = JSON.parse(Buffer.from(first.split(".")[1]!, "base64url").toString()).exp as number;
      // The keeper's timer renews at about exp - 2 s; wait for the stored token to change.
      await vi.waitFor(() => expect(storedIdToken(host)).not.toBe(first), { timeout: 20_000, interval: 200 });
      const renewed = storedIdToken(host)!;
      const { payload } = await jwtVerify(renewed, createRemoteJWKSet(new URL(`${local.issuer}/.well-known/jwks.json`)), { issuer: local.issuer, audience: clientId });
      expect(payload.exp!).toBeGreaterThan(firstExp);
      expect(payload.sub).toBe((await session.getUser())!.sub);
      expect(host.sessionsEnded).toEqual([]);
      const loginKey = Object.keys(host.loginsSet[0]!)[0]!;
      expect(await (host.loginsSet[0]![loginKey] as () => Promise<string>)()).toBe(renewed);
    } finally {
      session.dispose();
    }
  });

  it("a revoked refresh token ends the session at the next renewal", async () => {
    const host = hostFor();
    const session = createUserPoolSession(host);
    try {
      await session.signIn({ username: "bob", password: "Secret-Pass-1!", authFlow: "USER_PASSWORD_AUTH" });
      const refreshToken = (host.store.data.get(host.storageKey(USER_POOL_TOKENS_KEY)) as { refreshToken: string }).refreshToken;
      await local.admin.send(new RevokeTokenCommand({ Token: refreshToken, ClientId: clientId }));
      await vi.waitFor(() => expect(host.sessionsEnded).toEqual(["sessionExpired"]), { timeout: 20_000, interval: 200 });
      expect(storedIdToken(host)).toBeUndefined();
      expect(await session.getUser()).toBeUndefined();
    } finally {
      session.dispose();
    }
  });

  it("a reload restores the session from storage without the password", async () => {
    const first = hostFor();
    const before = createUserPoolSession(first);
    await before.signIn({ username: "alice", password: "Secret-Pass-1!", authFlow: "USER_PASSWORD_AUTH" });
    before.dispose();
    const reloaded = createLiveHost({ userPoolId: local.userPoolId, clientId, endpoint: local.url, store: first.store });
    const after = createUserPoolSession(reloaded);
    try {
      expect(await after.restore()).toBe(true);
      expect((await after.getUser())?.username).toBe("alice");
      expect(reloaded.loginsSet).toHaveLength(1);
    } finally {
      after.dispose();
    }
  });

  it("an unknown user is refused with a typed error", async () => {
    const session = createUserPoolSession(hostFor());
    const error = await session.signIn({ username: "nobody", password: "Secret-Pass-1!", authFlow: "USER_PASSWORD_AUTH" }).catch((e: unknown) => e);
    // cognito-local answers NotAuthorizedException "User not authorized" (AWS: "Incorrect username or password.").
    expect(isCognitoIdpoolError(error, "not-authorized")).toBe(true);
    expect((error as Error).message).not.toContain("Secret-Pass-1!");
  });
});
