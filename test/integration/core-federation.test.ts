/**
 * Identity-pool logins beyond `setLogins`, through the SDK core against the emulator:
 * developer-authenticated identities (a backend's GetOpenIdTokenForDeveloperIdentity, signed with
 * the AWS SDK), the identity's own OpenID token verified with jose against the keys the emulator
 * publishes as Cognito Identity, and unlinking a login.
 */
import { DescribeIdentityCommand, GetOpenIdTokenForDeveloperIdentityCommand } from "@aws-sdk/client-cognito-identity";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { createControlClient } from "cognito-idpool-emulator/testing/control";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeveloperIdentity, IdentityChange } from "../../packages/cognito-idpool/src/types.js";
import { clearRequests, count, identityRequests, newPool, oidcLogin, page, startCoreKit, type CoreKit, type CorePool } from "./core-kit.js";
import { timeMachine } from "./time-machine.js";

const DEVELOPER_PROVIDER = "login.example.com";
const GOOGLE_APP = "federation-test.apps.googleusercontent.com";
let core: CoreKit;
let pool: CorePool;

beforeAll(async () => {
  core = await startCoreKit();
});
afterAll(async () => {
  await core.stop();
});
beforeEach(async () => {
  pool = await newPool(core, { DeveloperProviderName: DEVELOPER_PROVIDER }, { authenticated: {}, unauthenticated: {} });
  await clearRequests(core);
});

/**
 * What an app's backend does for its signed-in `user`: a signed GetOpenIdTokenForDeveloperIdentity
 * that links the page's guest to the user. A user who has an identity already cannot take the
 * guest (DeveloperUserAlreadyRegisteredException): the backend then answers the user's identity,
 * and the page reports the guest as merged into it.
 */
function backend(calls: { guestIdentityId?: string }[]) {
  const token = (user: string, IdentityId: string | undefined) =>
    core.kit.identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, Logins: { [DEVELOPER_PROVIDER]: user }, IdentityId }));
  return async (user: string, guestIdentityId: string | undefined): Promise<DeveloperIdentity> => {
    calls.push(guestIdentityId ? { guestIdentityId } : {});
    const out = await token(user, guestIdentityId).catch((error: { name?: string }) => {
      if (error.name !== "DeveloperUserAlreadyRegisteredException") throw error;
      return token(user, undefined);
    });
    return { identityId: out.IdentityId!, token: out.Token! };
  };
}

function changes(auth: { onIdentityChange(listener: (c: IdentityChange) => void): () => void }): IdentityChange[] {
  const list: IdentityChange[] = [];
  auth.onIdentityChange((c) => list.push(c));
  return list;
}

describe("developer-authenticated identities", () => {
  it("the guest is handed to the backend and linked; credentials come for the backend's identity without GetId; a second browser's guest is merged", async () => {
    const calls: { guestIdentityId?: string }[] = [];
    const signIn = backend(calls);
    const auth = page(core, pool, { storage: "memory" });
    const guest = await auth.getIdentityId();
    const events = changes(auth);
    await clearRequests(core);
    await auth.setDeveloperIdentity(({ guestIdentityId }) => signIn("dev-user", guestIdentityId));
    expect(calls).toEqual([{ guestIdentityId: guest }]);
    expect(events).toEqual([{ reason: "linked", identityId: guest, previousIdentityId: guest }]);
    expect(await auth.getIdentityId()).toBe(guest);
    const sent = await identityRequests(core);
    expect(count(sent, "GetId")).toBe(0);
    expect(count(sent, "GetCredentialsForIdentity")).toBe(1);
    expect(auth.getState().status).toBe("authenticated");

    const other = page(core, pool, { storage: "memory" });
    const otherGuest = await other.getIdentityId();
    const otherEvents = changes(other);
    await other.setDeveloperIdentity(({ guestIdentityId }) => signIn("dev-user", guestIdentityId));
    expect(otherEvents).toEqual([expect.objectContaining({ reason: "merged", identityId: guest, previousIdentityId: otherGuest })]);
    // Every renewal asks the backend for a new token (they expire within minutes).
    const before = calls.length;
    await other.getCredentials({ forceRefresh: true });
    expect(calls.length).toBe(before + 1);
    auth.dispose();
    other.dispose();
  });

  it("a fixed { identityId, token } works until Cognito refuses the token; the error names the login, the guest stays", async () => {
    const { identityId, token } = await backend([])("fixed-user", undefined);
    const auth = page(core, pool, { storage: "memory" });
    await auth.setDeveloperIdentity({ identityId, token });
    expect(await auth.getIdentityId()).toBe(identityId);
    auth.dispose();

    const refused = page(core, pool, { storage: "memory" });
    const guest = await refused.getIdentityId();
    const error = (await refused.setDeveloperIdentity({ identityId, token: `${token.slice(0, -4)}AAAA` }).catch((e: unknown) => e)) as { code?: string };
    expect(error.code).toBe("login-rejected");
    expect(refused.getState()).toMatchObject({ status: "guest", identityId: guest });
    refused.dispose();
  });

  it("refuses bad input and the developer login key in setLogins, before any request", async () => {
    const auth = page(core, pool, { storage: "memory" });
    for (const bad of [undefined, {}, { identityId: "not-an-id", token: "t" }, { identityId: "eu-west-1:00000000-0000-0000-0000-000000000000", token: "" }]) {
      expect(((await auth.setDeveloperIdentity(bad as never).catch((e: unknown) => e)) as { code?: string }).code).toBe("invalid-argument");
    }
    const keyError = (await auth.setLogins({ "cognito-identity.amazonaws.com": "token" }).catch((e: unknown) => e)) as { code?: string; message?: string };
    expect(keyError.code).toBe("invalid-argument");
    expect(keyError.message).toContain("setDeveloperIdentity");
    expect(count(await identityRequests(core), "GetId")).toBe(0);
    auth.dispose();
  });
});

describe("getOpenIdToken", () => {
  const verify = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(`${core.url}/.well-known/jwks_uri`)), {
      issuer: "https://cognito-identity.amazonaws.com",
      audience: pool.poolId,
    });

  it("a guest's and a signed-in identity's token verify against the keys Cognito Identity publishes", async () => {
    const auth = page(core, pool, { storage: "memory" });
    const guest = await auth.getOpenIdToken();
    const { payload } = await verify(guest.token);
    expect(payload.sub).toBe(guest.identityId);
    expect(payload["amr"]).toContain("unauthenticated");
    // On the device clock, which the SDK measured against the emulator's to within its Date headers' second.
    expect(Math.abs(guest.expiration.getTime() - (payload.exp as number) * 1000)).toBeLessThan(1000);

    await auth.setLogins(oidcLogin(core, "token-user"));
    const user = await auth.getOpenIdToken();
    const verified = await verify(user.token);
    expect(verified.payload.sub).toBe(user.identityId);
    expect(verified.payload["amr"]).toEqual(expect.arrayContaining(["authenticated", core.issuer.loginKey]));
    auth.dispose();
  });
});

describe("removeLogin", () => {
  it("unlinks one login: the identity stays with the other and keeps working; removing the last is a sign-out", async () => {
    const googlePool = await newPool(core, { SupportedLoginProviders: { "accounts.google.com": GOOGLE_APP } }, { authenticated: {}, unauthenticated: {} });
    const control = createControlClient(core.url);
    const google = async () => (await control.mintSocialToken("accounts.google.com", { audience: GOOGLE_APP, sub: "google-sub-1" })).token;
    const auth = page(core, googlePool, { storage: "memory" });
    await auth.setLogins({ ...oidcLogin(core, "two-logins"), "accounts.google.com": google });
    const identityId = await auth.getIdentityId();
    const linked = async () => ((await core.kit.identity.send(new DescribeIdentityCommand({ IdentityId: identityId }))).Logins ?? []).sort();
    expect(await linked()).toEqual(["accounts.google.com", core.issuer.loginKey].sort());
    expect(((await auth.removeLogin("graph.facebook.com").catch((e: unknown) => e)) as { code?: string }).code).toBe("invalid-argument");

    await auth.removeLogin("accounts.google.com");
    expect(await linked()).toEqual([core.issuer.loginKey]);
    const after = await auth.getCredentials({ forceRefresh: true });
    expect(after.identityId).toBe(identityId);
    expect(auth.getState().status).toBe("authenticated");

    const events = changes(auth);
    await auth.removeLogin(core.issuer.loginKey);
    expect(await linked()).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ reason: "signedOut", previousIdentityId: identityId })]);
    expect(auth.getState().status).toBe("signedOut");
    auth.dispose();
  });
});

describe('the basic flow (flow: "basic")', () => {
  /** A pool allowing the classic flow, with a reader role for guests and a writer role for users, on the emulator's bucket. */
  async function basicPool() {
    const bucket = `basic-${Math.random().toString(36).slice(2, 8)}`;
    const admin = new S3Client({
      region: "eu-west-1",
      endpoint: core.url,
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    admin.destroy();
    const access = (actions: string[]) => ({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: actions, Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }],
    });
    const basic = await newPool(
      core,
      { AllowClassicFlow: true },
      { authenticated: { write: access(["s3:*"]) }, unauthenticated: { read: access(["s3:ListBucket", "s3:GetObject"]) } },
    );
    return { ...basic, bucket };
  }
  const s3For = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) =>
    new S3Client({ region: "eu-west-1", endpoint: core.url, forcePathStyle: true, credentials, maxAttempts: 1 });

  it("guests and users get their role's credentials through GetOpenIdToken and STS, never GetCredentialsForIdentity", async () => {
    const basic = await basicPool();
    const auth = page(core, basic, { storage: "memory", flow: "basic", roles: { guest: basic.unauthRoleArn, authenticated: basic.authRoleArn } });
    await clearRequests(core);
    const guest = await auth.getCredentials();
    expect(await callerArn(guest)).toContain(basic.unauthRoleArn.split("/").pop());
    const put = (credentials: typeof guest) => s3For(credentials).send(new PutObjectCommand({ Bucket: basic.bucket, Key: "note.txt", Body: "x" }));
    await expect(put(guest)).rejects.toMatchObject({ name: "AccessDenied" });

    await auth.setLogins(oidcLogin(core, "basic-user"));
    const user = await auth.getCredentials();
    expect(user.identityId).toBe(guest.identityId);
    expect(await callerArn(user)).toContain(basic.authRoleArn.split("/").pop());
    await put(user);
    const sent = await identityRequests(core);
    expect(count(sent, "GetCredentialsForIdentity")).toBe(0);
    expect(count(sent, "GetOpenIdToken")).toBe(2);
    auth.dispose();
  });

  it("a session policy narrows the role: it denies s3:PutObject while reading goes on; durationSeconds sets the lifetime", async () => {
    const basic = await basicPool();
    const auth = page(core, basic, {
      storage: "memory",
      flow: "basic",
      roles: { authenticated: basic.authRoleArn },
      durationSeconds: 900,
      sessionPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }] },
    });
    await auth.setLogins(oidcLogin(core, "narrow-user"));
    const credentials = await auth.getCredentials();
    expect(credentials.expiration.getTime() - Date.now()).toBeLessThanOrEqual(900_000 + 5_000);
    expect(credentials.expiration.getTime() - Date.now()).toBeGreaterThan(800_000);
    const s3 = s3For(credentials);
    await expect(s3.send(new PutObjectCommand({ Bucket: basic.bucket, Key: "denied.txt", Body: "x" }))).rejects.toMatchObject({ name: "AccessDenied" });
    expect((await s3.send(new ListObjectsV2Command({ Bucket: basic.bucket }))).KeyCount).toBe(0);
    auth.dispose();
  });

  it("a second browser's guest is merged into the user's identity; renewals assume the role again, on the emulator's clock", async () => {
    const basic = await basicPool();
    const options = { flow: "basic", roles: { guest: basic.unauthRoleArn, authenticated: basic.authRoleArn }, durationSeconds: 900 } as const;
    const first = page(core, basic, { storage: "memory", ...options });
    await first.setLogins(oidcLogin(core, "basic-merged"));
    const { identityId } = await first.getCredentials();
    first.dispose();

    const machine = timeMachine(core.kit);
    const second = page(core, basic, { storage: "memory", clock: machine.time, timers: machine.time, ...options });
    const guest = await second.getCredentials();
    expect(guest.identityId).not.toBe(identityId);
    const seen = changes(second);
    await second.setLogins(oidcLogin(core, "basic-merged"));
    const user = await second.getCredentials();
    expect(user.identityId).toBe(identityId);
    expect(seen).toEqual([expect.objectContaining({ reason: "merged", identityId, previousIdentityId: guest.identityId })]);

    // 900-second credentials are renewed 300 s before they expire: the renewal is another GetOpenIdToken and AssumeRoleWithWebIdentity.
    await clearRequests(core);
    await machine.travel(601_000);
    await vi.waitFor(async () => expect(count(await identityRequests(core), "GetOpenIdToken")).toBe(1));
    const renewed = await second.getCredentials();
    expect(renewed.accessKeyId).not.toBe(user.accessKeyId);
    expect(renewed.identityId).toBe(identityId);
    expect(await callerArn(renewed)).toContain(basic.authRoleArn.split("/").pop());
    expect(count(await identityRequests(core), "GetCredentialsForIdentity")).toBe(0);
    second.dispose();
  });

  it("STS refusals are the SDK's codes: a role whose trust policy does not take the identity is identity-pool-misconfigured; guests without roles.guest too", async () => {
    const basic = await basicPool();
    const foreign = page(core, basic, { storage: "memory", flow: "basic", roles: { guest: basic.authRoleArn, authenticated: basic.authRoleArn } });
    expect(((await foreign.getCredentials().catch((e: unknown) => e)) as { code?: string }).code).toBe("identity-pool-misconfigured");
    foreign.dispose();
    const noGuestRole = page(core, basic, { storage: "memory", flow: "basic", roles: { authenticated: basic.authRoleArn } });
    const error = (await noGuestRole.getCredentials().catch((e: unknown) => e)) as { code?: string; message?: string };
    expect(error.code).toBe("identity-pool-misconfigured");
    expect(error.message).toContain("roles.guest");
    noGuestRole.dispose();
  });
});

async function callerArn(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }): Promise<string | undefined> {
  const sts = new STSClient({ region: "eu-west-1", endpoint: core.url, credentials, maxAttempts: 1 });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}
