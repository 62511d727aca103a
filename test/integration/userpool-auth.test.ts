/**
 * User-pool sign-in through the public `createAuth` API, end to end against the emulator: the
 * user pool's ID token becomes the identity-pool login, the cached guest is linked or merged, a
 * reload stays signed in without the password, credentials stay valid across several ID-token and
 * credential lifetimes, and a revoked refresh token ends the session cleanly. Set-up goes through
 * real AWS SDK clients; IndexedDB comes from fake-indexeddb.
 */
import "fake-indexeddb/auto";
import { CognitoIdentityProviderClient, GlobalSignOutCommand, RevokeTokenCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from "@aws-sdk/client-cognito-identity";
import { createRole, cognitoTrustPolicy, startIdentityKit, type IdentityKit } from "cognito-idpool-emulator/testing";
import { createAuth, type Auth } from "../../packages/cognito-idpool/src/auth.js";
import { isCognitoIdpoolError } from "../../packages/cognito-idpool/src/errors.js";
import type { AuthOptions } from "../../packages/cognito-idpool/src/options.js";
import type { IdentityChange } from "../../packages/cognito-idpool/src/types.js";
import { timeMachine } from "./time-machine.js";
import { createUserPoolEnv, REGION, type UserPoolEnv } from "./userpool-env.js";
import { MemoryStore } from "../../packages/cognito-idpool/test/fakes/userpool-host.js";

let kit: IdentityKit;
let env: UserPoolEnv;
/** An app client whose ID and access tokens last 20 seconds. */
let shortClientId: string;
const BUCKET = "userpool-auth-test";
const pages: Auth[] = [];

beforeAll(async () => {
  kit = await startIdentityKit();
  env = await createUserPoolEnv(kit.emulator);
  shortClientId = await env.createClient({ IdTokenValidity: 20, AccessTokenValidity: 20, TokenValidityUnits: { IdToken: "seconds", AccessToken: "seconds" } });
  for (const name of ["alice", "bob", "carol", "dave", "erin"]) await env.createUser(name, "Correct-Horse-1", { email: `${name}@example.com` });
  const root = new S3Client({
    endpoint: kit.emulator.url,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  root.destroy();
});

afterAll(async () => {
  for (const page of pages) page.dispose();
  await kit?.stop();
});

interface Pool {
  identityPoolId: string;
}

/** A fresh identity pool (so stored identities never collide between tests) trusting the user pool's clients. */
async function newIdentityPool(): Promise<Pool> {
  const provider = `cognito-idp.${REGION}.amazonaws.com/${env.userPoolId}`;
  const created = await kit.identity.send(
    new CreateIdentityPoolCommand({
      IdentityPoolName: "userpool auth",
      AllowUnauthenticatedIdentities: true,
      CognitoIdentityProviders: [
        { ProviderName: provider, ClientId: env.clientId, ServerSideTokenCheck: true },
        { ProviderName: provider, ClientId: shortClientId, ServerSideTokenCheck: true },
      ],
    }),
  );
  const identityPoolId = created.IdentityPoolId!;
  const ownFiles = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::${BUCKET}/private/\${cognito-identity.amazonaws.com:sub}/*` },
    ],
  };
  const authenticated = await createRole(kit.iam, "UpAuth", cognitoTrustPolicy(identityPoolId, "authenticated"), { files: ownFiles });
  const unauthenticated = await createRole(kit.iam, "UpGuest", cognitoTrustPolicy(identityPoolId, "unauthenticated"));
  await kit.identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: identityPoolId, Roles: { authenticated, unauthenticated } }));
  return { identityPoolId };
}

function page(pool: Pool, clientId = env.clientId, options: Partial<AuthOptions> = {}): Auth {
  const auth = createAuth({
    identityPoolId: pool.identityPoolId,
    endpoint: kit.emulator.url,
    crossTab: false,
    userPool: { userPoolId: env.userPoolId, clientId },
    ...options,
  });
  pages.push(auth);
  return auth;
}

function changes(auth: Auth): IdentityChange[] {
  const seen: IdentityChange[] = [];
  auth.onIdentityChange((change) => seen.push(change));
  return seen;
}

async function requests(): Promise<{ service: string; operation: string; status: number }[]> {
  return (await kit.emulator.control("requests")).requests;
}

describe("createAuth with a user pool", () => {
  it("signs in (SRP) and links the cached guest: same identity, now authenticated", async () => {
    const pool = await newIdentityPool();
    const auth = page(pool);
    const seen = changes(auth);
    const guestId = await auth.getIdentityId();
    expect(await auth.signIn({ username: "alice", password: "Correct-Horse-1" })).toEqual({ status: "signedIn" });
    expect(auth.getState()).toMatchObject({ status: "authenticated", identityId: guestId });
    expect(seen.map((c) => c.reason)).toEqual(["created", "linked"]);
    expect((await auth.getCredentials()).identityId).toBe(guestId);
    expect(await auth.getUser()).toMatchObject({ username: "alice", claims: { email: "alice@example.com" } });
  });

  it("a user who already has an identity: the new guest is merged into it, with the guest's credentials", async () => {
    const pool = await newIdentityPool();
    const first = page(pool);
    await first.signIn({ username: "bob", password: "Correct-Horse-1" });
    const bobsIdentity = (await first.getCredentials()).identityId;
    await first.signOut();
    // A guest that has used credentials (which the merge event hands back for copying guest data).
    const guestId = (await first.getCredentials()).identityId;
    expect(guestId).not.toBe(bobsIdentity);
    const seen = changes(first);
    await first.signIn({ username: "bob", password: "Correct-Horse-1", authFlow: "USER_PASSWORD_AUTH" });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ reason: "merged", previousIdentityId: guestId, identityId: bobsIdentity });
    const merged = seen[0]!;
    expect(merged.reason === "merged" && merged.previousCredentials?.accessKeyId).toMatch(/^ASIA/);
  });

  it("a reload stays signed in without the password: one GetCredentialsForIdentity, no GetId, no InitiateAuth", async () => {
    const pool = await newIdentityPool();
    const before = page(pool);
    await before.signIn({ username: "carol", password: "Correct-Horse-1" });
    const identityId = (await before.getCredentials()).identityId;
    before.dispose();
    await kit.emulator.control("requests", undefined, "DELETE");
    const after = page(pool);
    const credentials = await after.getCredentials();
    expect(credentials.identityId).toBe(identityId);
    expect(after.getState().status).toBe("authenticated");
    expect((await after.getUser())?.username).toBe("carol");
    const log = await requests();
    expect(log.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
  });

  it("signOut revokes the refresh token, forgets the user, and the next guest is a new identity", async () => {
    const pool = await newIdentityPool();
    const auth = page(pool);
    await auth.signIn({ username: "dave", password: "Correct-Horse-1" });
    const identityId = (await auth.getCredentials()).identityId;
    const seen = changes(auth);
    await auth.signOut();
    expect(seen).toEqual([{ reason: "signedOut", cause: "signOut", previousIdentityId: identityId }]);
    expect(await auth.getUser()).toBeUndefined();
    expect(auth.getState().status).toBe("signedOut");
    const guest = await auth.getIdentityId();
    expect(guest).not.toBe(identityId);
    // A reload does not bring the user back.
    const reloaded = page(pool);
    expect(await reloaded.getUser()).toBeUndefined();
    expect((await reloaded.getCredentials()).identityId).toBe(guest);
    expect(reloaded.getState().status).toBe("guest");
  });

  it("wrong password through createAuth: a typed error, still a guest", async () => {
    const pool = await newIdentityPool();
    const auth = page(pool);
    const guest = await auth.getIdentityId();
    const error = await auth.signIn({ username: "alice", password: "Wrong-Horse-1" }).catch((e: unknown) => e);
    expect(isCognitoIdpoolError(error, "incorrect-username-or-password")).toBe(true);
    expect(auth.getState()).toMatchObject({ status: "guest", identityId: guest });
  });

  it("sends user-pool calls through the fetch option too, as identity-pool calls", async () => {
    const pool = await newIdentityPool();
    const targets: string[] = [];
    const auth = page(pool, env.clientId, {
      fetch: (input, init) => {
        targets.push(new Headers(input instanceof Request ? input.headers : init?.headers).get("x-amz-target") ?? "");
        return fetch(input, init);
      },
    });
    await auth.signIn({ username: "alice", password: "Correct-Horse-1" });
    // No guest was cached, so the identity is created with the login once the user pool has answered.
    expect(targets).toEqual([
      "AWSCognitoIdentityProviderService.InitiateAuth",
      "AWSCognitoIdentityProviderService.RespondToAuthChallenge",
      "AWSCognitoIdentityService.GetId",
      "AWSCognitoIdentityService.GetCredentialsForIdentity",
    ]);
  });

  it("keeps S3 working across 20 s ID-token and 30 s credential lifetimes for 70 s on a fast clock with no failed call", { timeout: 60_000 }, async () => {
    const pool = await newIdentityPool();
    await kit.emulator.control("credentials", { lifetimeSeconds: 30 });
    // The page's clock and timers and the emulator's clock travel together: the run crosses the same
    // lifetimes as 70 s of real time would, in a few seconds.
    const machine = timeMachine(kit);
    const auth = page(pool, shortClientId, { refreshMarginSeconds: 10, clock: machine.time, timers: machine.time });
    try {
      await auth.signIn({ username: "erin", password: "Correct-Horse-1" });
      const identityId = (await auth.getCredentials()).identityId;
      await kit.emulator.control("requests", undefined, "DELETE");
      // Created once, used throughout, as an app would.
      const s3 = new S3Client({ endpoint: kit.emulator.url, region: REGION, forcePathStyle: true, credentials: auth.credentials, maxAttempts: 1 });
      const keys = new Set<string>();
      let calls = 0;
      const until = machine.time.now() + 70_000;
      while (machine.time.now() < until) {
        const Key = `private/${identityId}/note-${calls}.txt`;
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `call ${calls}` }));
        const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
        expect(await got.Body!.transformToString()).toBe(`call ${calls}`);
        keys.add((await auth.getCredentials()).accessKeyId);
        calls += 1;
        // A second passes, on the page's clock and on the emulator's (which refuses expired credentials).
        await machine.travel(1000);
      }
      s3.destroy();
      const log = await requests();
      const s3Calls = log.filter((r) => r.service === "s3");
      expect(s3Calls.length).toBe(calls * 2);
      expect(s3Calls.filter((r) => r.status !== 200)).toEqual([]);
      // Several credential lifetimes, each with a renewed ID token; the session never ended.
      expect(keys.size).toBeGreaterThanOrEqual(3);
      expect(log.filter((r) => r.operation === "GetTokensFromRefreshToken" && r.status === 200).length).toBeGreaterThanOrEqual(3);
      expect(log.filter((r) => r.service === "cognito-identity" && r.status !== 200)).toEqual([]);
      expect(auth.getState()).toMatchObject({ status: "authenticated", identityId });
    } finally {
      auth.dispose();
      await kit.emulator.control("clock", { offsetSeconds: 0 });
      await kit.emulator.control("credentials", { lifetimeSeconds: null });
    }
  });

  it("a revoked refresh token ends the session cleanly: signedOut event caused by sessionExpired, user forgotten, guests still served", async () => {
    const pool = await newIdentityPool();
    // The page's storage, given through the public option, so the test can read the refresh token.
    const store = new MemoryStore();
    const auth = page(pool, shortClientId, { storage: store });
    await auth.signIn({ username: "alice", password: "Correct-Horse-1" });
    const identityId = (await auth.getCredentials()).identityId;
    const seen = changes(auth);
    const tokensKey = [...store.data.keys()].find((key) => key.includes(":userpool-tokens:"))!;
    const { refreshToken } = store.data.get(tokensKey) as { refreshToken: string };
    const admin = new CognitoIdentityProviderClient({
      endpoint: kit.emulator.url,
      region: REGION,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await admin.send(new RevokeTokenCommand({ Token: refreshToken, ClientId: shortClientId }));
    admin.destroy();
    // The next renewal (about 5 s before the 20 s ID token expires) is refused: the session ends.
    await vi.waitFor(() => expect(seen.map((c) => c.reason)).toEqual(["signedOut"]), { timeout: 30_000, interval: 250 });
    expect(seen[0]).toEqual({ reason: "signedOut", cause: "sessionExpired", previousIdentityId: identityId });
    expect(store.data.has(tokensKey)).toBe(false);
    expect(await auth.getUser()).toBeUndefined();
    expect(auth.getState().status).toBe("signedOut");
    const guest = await auth.getCredentials();
    expect(guest.identityId).not.toBe(identityId);
    expect(auth.getState().status).toBe("guest");
  });

  it("a reload after a global sign-out elsewhere: sessionExpired at once, and signIn right away succeeds", async () => {
    const pool = await newIdentityPool();
    const store = new MemoryStore();
    const before = page(pool, env.clientId, { storage: store });
    await before.signIn({ username: "carol", password: "Correct-Horse-1" });
    const identityId = (await before.getCredentials()).identityId;
    before.dispose();
    // "Sign out everywhere" from another device of carol's: every refresh token she has is revoked,
    // and the identity pool (ServerSideTokenCheck) refuses the ID tokens issued before it.
    const tokensKey = [...store.data.keys()].find((key) => key.includes(":userpool-tokens:"))!;
    const { accessToken } = store.data.get(tokensKey) as { accessToken: string };
    const device = new CognitoIdentityProviderClient({
      endpoint: kit.emulator.url,
      region: REGION,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await device.send(new GlobalSignOutCommand({ AccessToken: accessToken }));
    device.destroy();

    // The stored ID token has most of its hour left, so only asking the pools reveals the session is over.
    const after = page(pool, env.clientId, { storage: store });
    const seen = changes(after);
    expect(await after.signIn({ username: "carol", password: "Correct-Horse-1" })).toEqual({ status: "signedIn" });
    expect(seen[0]).toEqual({ reason: "signedOut", cause: "sessionExpired" });
    expect(after.getState()).toMatchObject({ status: "authenticated", identityId });
    expect((await after.getCredentials()).identityId).toBe(identityId);
    expect((await after.getUser())?.username).toBe("carol");
  });

  it("a network failure while renewing does not end the session", async () => {
    const pool = await newIdentityPool();
    const auth = page(pool, shortClientId);
    await auth.signIn({ username: "alice", password: "Correct-Horse-1" });
    const identityId = (await auth.getCredentials()).identityId;
    const seen = changes(auth);
    await kit.emulator.control("requests", undefined, "DELETE");
    await kit.emulator.control("faults", { target: "GetTokensFromRefreshToken", error: "network", count: 6 });
    try {
      await vi.waitFor(async () => expect((await requests()).filter((r) => r.operation === "GetTokensFromRefreshToken" && r.status === 0)).toHaveLength(6), {
        timeout: 40_000,
        interval: 250,
      });
    } finally {
      await kit.emulator.control("faults", { clear: true });
    }
    expect(auth.getState()).toMatchObject({ status: "authenticated", identityId });
    // Renewal succeeds on a later attempt; credentials for the same identity keep coming.
    await vi.waitFor(
      async () => expect((await requests()).filter((r) => r.operation === "GetTokensFromRefreshToken" && r.status === 200).length).toBeGreaterThan(0),
      {
        timeout: 40_000,
        interval: 250,
      },
    );
    expect((await auth.getCredentials({ forceRefresh: true })).identityId).toBe(identityId);
    expect(seen).toEqual([]);
    expect((await auth.getUser())?.username).toBe("alice");
  });
});
