/**
 * The SDK's user-pool session against cognito-local, a user-pool emulator we did not write, so the
 * password flow and token renewal do not lean on our own emulator's behaviour. cognito-local has
 * no SRP, so sign-in here is USER_PASSWORD_AUTH. The last part runs the whole chain through
 * `createAuth` without our user-pool emulator: the user pool is cognito-local (`userPool.endpoint`),
 * its issuer is an OpenID Connect provider of an identity pool on our emulator.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  RevokeTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from "@aws-sdk/client-cognito-identity";
import { CreateOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cognitoTrustPolicy, createRole, startIdentityKit, type IdentityKit } from "cognito-idpool-emulator/testing";
import { createAuth, type Auth } from "../../packages/cognito-idpool/src/auth.js";
import { isCognitoIdpoolError } from "../../packages/cognito-idpool/src/errors.js";
import type { IdentityChange } from "../../packages/cognito-idpool/src/types.js";
import { createUserPoolSession } from "../../packages/cognito-idpool/src/user-pool/session.js";
import { startCognitoLocal, type CognitoLocal } from "./userpool-cognito-local-server.js";
import { createLiveHost, MemoryStore, type FakeHost } from "../../packages/cognito-idpool/test/fakes/userpool-host.js";

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
  for (const username of ["alice", "bob", "carol"]) {
    await local.admin.send(
      new AdminCreateUserCommand({ UserPoolId: local.userPoolId, Username: username, TemporaryPassword: "Temp-Pass-1!", MessageAction: "SUPPRESS" }),
    );
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
  return (host.store.data.get(host.tokensKey) as { idToken?: string } | undefined)?.idToken;
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
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(local.jwksUri)), { issuer: local.issuer, audience: clientId });
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
      const { payload } = await jwtVerify(renewed, createRemoteJWKSet(new URL(local.jwksUri)), { issuer: local.issuer, audience: clientId });
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
      const refreshToken = (host.store.data.get(host.tokensKey) as { refreshToken: string }).refreshToken;
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

describe("whole chain: cognito-local's ID token → identity pool on our emulator (OIDC provider) → S3", () => {
  let kit: IdentityKit;
  let identityPoolId: string;
  const bucket = "cognito-local-chain";

  beforeAll(async () => {
    kit = await startIdentityKit();
    const { OpenIDConnectProviderArn } = await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: local.issuer, ClientIDList: [clientId] }));
    const pool = await kit.identity.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: "cognito-local chain",
        AllowUnauthenticatedIdentities: true,
        OpenIdConnectProviderARNs: [OpenIDConnectProviderArn!],
      }),
    );
    identityPoolId = pool.IdentityPoolId!;
    const ownFiles = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/private/\${cognito-identity.amazonaws.com:sub}/*` }],
    };
    const authenticated = await createRole(kit.iam, "ClAuth", cognitoTrustPolicy(identityPoolId, "authenticated"), { files: ownFiles });
    const unauthenticated = await createRole(kit.iam, "ClGuest", cognitoTrustPolicy(identityPoolId, "unauthenticated"));
    await kit.identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: identityPoolId, Roles: { authenticated, unauthenticated } }));
    const root = new S3Client({
      endpoint: kit.emulator.url,
      region: "eu-west-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await root.send(new CreateBucketCommand({ Bucket: bucket }));
    root.destroy();
  });

  afterAll(async () => {
    await kit?.stop();
  });

  /** A page whose identity pool is on our emulator and whose user pool is cognito-local. */
  function chainPage(): { auth: Auth; store: MemoryStore } {
    const store = new MemoryStore();
    const auth = createAuth({
      identityPoolId,
      endpoint: kit.emulator.url,
      userPool: { userPoolId: local.userPoolId, clientId, endpoint: local.url },
      storage: store,
      crossTab: false,
    });
    return { auth, store };
  }

  function storedTokens(store: MemoryStore): { idToken: string; refreshToken: string } | undefined {
    const key = [...store.data.keys()].find((k) => k.includes(":userpool-tokens:"));
    return key === undefined ? undefined : (store.data.get(key) as { idToken: string; refreshToken: string } | undefined);
  }

  it("signs in, links the guest, signs S3 requests, and keeps the identity across ID-token renewals", async () => {
    const { auth, store } = chainPage();
    const changes: IdentityChange[] = [];
    auth.onIdentityChange((change) => changes.push(change));
    try {
      const guestId = await auth.getIdentityId();
      expect(await auth.signIn({ username: "carol", password: "Secret-Pass-1!", authFlow: "USER_PASSWORD_AUTH" })).toEqual({ status: "signedIn" });
      expect(changes.map((c) => c.reason)).toEqual(["created", "linked"]);
      expect(auth.getState()).toMatchObject({ status: "authenticated", identityId: guestId });
      expect((await auth.getUser())?.username).toBe("carol");
      const s3 = new S3Client({ endpoint: kit.emulator.url, region: "eu-west-1", forcePathStyle: true, credentials: auth.credentials, maxAttempts: 1 });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `private/${guestId}/hello.txt`, Body: "from cognito-local" }));
      // Wait for a renewed ID token (8 s tokens), then make the identity pool check it.
      const first = storedTokens(store)!.idToken;
      await vi.waitFor(() => expect(storedTokens(store)!.idToken).not.toBe(first), { timeout: 20_000, interval: 200 });
      const renewed = await auth.getCredentials({ forceRefresh: true });
      expect(renewed.identityId).toBe(guestId);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `private/${guestId}/again.txt`, Body: "after renewal" }));
      s3.destroy();
      expect(changes.map((c) => c.reason)).toEqual(["created", "linked"]);
    } finally {
      auth.dispose();
    }
  });

  it("a refresh token cognito-local revoked signs the page out of the identity pool", async () => {
    const { auth, store } = chainPage();
    const changes: IdentityChange[] = [];
    auth.onIdentityChange((change) => changes.push(change));
    try {
      await auth.signIn({ username: "carol", password: "Secret-Pass-1!", authFlow: "USER_PASSWORD_AUTH" });
      const identityId = (await auth.getCredentials()).identityId;
      await local.admin.send(new RevokeTokenCommand({ Token: storedTokens(store)!.refreshToken, ClientId: clientId }));
      await vi.waitFor(() => expect(changes.at(-1)).toMatchObject({ reason: "signedOut", previousIdentityId: identityId }), { timeout: 20_000, interval: 200 });
      expect(auth.getState().status).toBe("signedOut");
      expect(storedTokens(store)).toBeUndefined();
      expect(await auth.getUser()).toBeUndefined();
    } finally {
      auth.dispose();
    }
  });
});
