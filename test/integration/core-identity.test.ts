import { DeleteIdentitiesCommand, DescribeIdentityCommand } from "@aws-sdk/client-cognito-identity";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { IdentityChange } from "../../packages/cognito-idpool/src/types.js";
import { clearRequests, count, identityRequests, newPool, oidcLogin, page, startCoreKit, type CoreKit, type CorePool } from "./core-kit.js";

/** Link, merge, recovery and sign-out against the emulator, with real ID tokens from a local OIDC issuer. */
let core: CoreKit;
let pool: CorePool;

beforeAll(async () => {
  core = await startCoreKit();
});
afterAll(async () => {
  await core.stop();
});
beforeEach(async () => {
  pool = await newPool(core);
  await clearRequests(core);
});

function changes(auth: { onIdentityChange(listener: (c: IdentityChange) => void): () => void }): IdentityChange[] {
  const list: IdentityChange[] = [];
  auth.onIdentityChange((c) => list.push(c));
  return list;
}

/** Asks STS who the credentials belong to: proves they are real and still accepted. */
async function callerOf(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) {
  const sts = new STSClient({ region: "eu-west-1", endpoint: core.url, credentials, maxAttempts: 1 });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

describe("guest → login", () => {
  it("a new login is linked to the cached guest: same id, now authenticated at Cognito", async () => {
    const auth = page(core, pool);
    const guest = await auth.getCredentials();
    const events = changes(auth);
    await auth.setLogins(oidcLogin(core, "new-user"));

    expect(events).toEqual([{ reason: "linked", identityId: guest.identityId, previousIdentityId: guest.identityId }]);
    const described = await core.kit.identity.send(new DescribeIdentityCommand({ IdentityId: guest.identityId }));
    expect(described.Logins).toEqual([core.issuer.loginKey]);
    const authed = await auth.getCredentials();
    expect(authed.identityId).toBe(guest.identityId);
    expect(await callerOf(authed)).toContain(pool.authRoleArn.split("/").pop());
    auth.dispose();
  });

  it("a login that already has an identity merges the guest; the event carries the guest's working credentials", async () => {
    const elsewhere = page(core, pool, { storage: "memory" });
    await elsewhere.setLogins(oidcLogin(core, "alice"));
    const aliceId = (await elsewhere.getCredentials()).identityId;
    elsewhere.dispose();

    const auth = page(core, pool);
    const guest = await auth.getCredentials();
    const events = changes(auth);
    await clearRequests(core);
    await auth.setLogins(oidcLogin(core, "alice"));

    expect((await identityRequests(core)).map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
    expect(events).toHaveLength(1);
    const merged = events[0]!;
    expect(merged).toMatchObject({ reason: "merged", identityId: aliceId, previousIdentityId: guest.identityId });
    if (merged.reason !== "merged") throw new Error("expected a merge");
    expect(merged.previousCredentials?.accessKeyId).toBe(guest.accessKeyId);
    // Still valid: the app can copy the guest's data with them.
    expect(await callerOf(merged.previousCredentials!)).toContain(pool.unauthRoleArn.split("/").pop());
    expect((await auth.getCredentials()).identityId).toBe(aliceId);
    auth.dispose();
  });
});

describe("recovery", () => {
  it("after DeleteIdentities, a reload replaces the stored guest once and reports `recovered`", async () => {
    const first = page(core, pool);
    const { identityId } = await first.getCredentials();
    first.dispose();
    await core.kit.identity.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [identityId] }));
    await clearRequests(core);

    const reloaded = page(core, pool);
    const events = changes(reloaded);
    const creds = await reloaded.getCredentials();
    expect(creds.identityId).not.toBe(identityId);
    expect(events).toEqual([{ reason: "recovered", identityId: creds.identityId, previousIdentityId: identityId }]);
    const log = await identityRequests(core);
    expect(log.map((r) => `${r.operation}:${r.status}`)).toEqual(["GetCredentialsForIdentity:400", "GetId:200", "GetCredentialsForIdentity:200"]);
    reloaded.dispose();
  });

  it("a tab still holding a guest that another tab merged away recovers instead of failing", async () => {
    const elsewhere = page(core, pool, { storage: "memory" });
    await elsewhere.setLogins(oidcLogin(core, "carol"));
    elsewhere.dispose();

    const tabA = page(core, pool);
    const tabB = page(core, pool);
    const guest = await tabA.getCredentials();
    expect((await tabB.getCredentials()).identityId).toBe(guest.identityId);
    await tabA.setLogins(oidcLogin(core, "carol")); // merges the guest: Cognito disables it

    const events = changes(tabB);
    await clearRequests(core);
    const fresh = await tabB.getCredentials({ forceRefresh: true });
    expect(fresh.identityId).not.toBe(guest.identityId);
    expect(events[0]).toMatchObject({ reason: "recovered", previousIdentityId: guest.identityId });
    expect((await identityRequests(core)).map((r) => `${r.operation}:${r.status}`)).toEqual([
      "GetCredentialsForIdentity:400",
      "GetId:200",
      "GetCredentialsForIdentity:200",
    ]);
    tabA.dispose();
    tabB.dispose();
  });

  it("another user's stored identity (\"Logins don't match\") is replaced for the new user", async () => {
    const alicePage = page(core, pool);
    await alicePage.setLogins(oidcLogin(core, "alice"));
    const aliceId = (await alicePage.getCredentials()).identityId;
    alicePage.dispose(); // closed without signing out

    const bobPage = page(core, pool);
    const events = changes(bobPage);
    await clearRequests(core);
    await bobPage.setLogins(oidcLogin(core, "bob"));
    const bob = await bobPage.getCredentials();
    expect(bob.identityId).not.toBe(aliceId);
    expect(events).toEqual([{ reason: "recovered", identityId: bob.identityId, previousIdentityId: aliceId }]);
    const log = await identityRequests(core);
    expect(log.map((r) => `${r.operation}:${r.status}`)).toEqual(["GetCredentialsForIdentity:400", "GetId:200", "GetCredentialsForIdentity:200"]);
    bobPage.dispose();
  });

  it("never loops: an identity pool that keeps refusing gives one retry, then the error", async () => {
    const auth = page(core, pool);
    const guest = await auth.getCredentials();
    await clearRequests(core);
    await core.kit.emulator.control("faults", {
      target: "GetCredentialsForIdentity",
      error: "NotAuthorizedException",
      message: `Access to Identity '${guest.identityId}' is forbidden.`,
      count: 5,
    });
    await expect(auth.getCredentials({ forceRefresh: true })).rejects.toMatchObject({ code: "identity-rejected" });
    const log = await identityRequests(core);
    expect(log.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity", "GetId", "GetCredentialsForIdentity"]);
    await core.kit.emulator.control("faults", { clear: true });
    auth.dispose();
  });
});

describe("sign-out and guests", () => {
  it("sign-out clears everything; the next guest is a fresh identity, never the user's", async () => {
    const auth = page(core, pool);
    const guest = await auth.getCredentials();
    await auth.setLogins(oidcLogin(core, "dave"));
    const dave = await auth.getCredentials();
    await auth.signOut();
    expect(auth.getState().status).toBe("signedOut");
    await clearRequests(core);

    const reloaded = page(core, pool);
    const next = await reloaded.getCredentials();
    expect([guest.identityId, dave.identityId]).not.toContain(next.identityId);
    expect((await identityRequests(core)).map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    auth.dispose();
    reloaded.dispose();
  });

  it("allowGuests: false gives a clear error and sends nothing; a pool refusing guests maps to guests-disabled", async () => {
    const noGuests = page(core, pool, { allowGuests: false });
    await expect(noGuests.getCredentials()).rejects.toMatchObject({ code: "guests-disabled" });
    expect(await identityRequests(core)).toHaveLength(0);
    await noGuests.setLogins(oidcLogin(core, "erin"));
    expect(noGuests.getState().status).toBe("authenticated");
    noGuests.dispose();

    const closed = await newPool(core, { AllowUnauthenticatedIdentities: false });
    const auth = page(core, closed);
    await expect(auth.getCredentials()).rejects.toMatchObject({ code: "guests-disabled", retryable: false });
    auth.dispose();
  });

  it("a token from an issuer the pool does not trust is refused with a clear code, and the guest stays", async () => {
    const auth = page(core, pool);
    const guest = await auth.getCredentials();
    const token = await core.issuer.mint({ sub: "mallory", aud: "some-other-client" });
    await expect(auth.setLogins({ [core.issuer.loginKey]: token })).rejects.toMatchObject({ code: "unsupported-login-provider" });
    const expired = await core.issuer.mint({ sub: "mallory", aud: "web" }, { issuedAt: Math.floor(Date.now() / 1000) - 7200 });
    await expect(auth.setLogins({ [core.issuer.loginKey]: expired })).rejects.toMatchObject({ code: "login-rejected" });
    expect(auth.getState()).toMatchObject({ status: "guest", identityId: guest.identityId });
    expect(count(await identityRequests(core), "GetId")).toBe(1);
    auth.dispose();
  });
});
