import {
  DeleteIdentitiesCommand,
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  ListIdentitiesCommand,
  UnlinkIdentityCommand,
} from "@aws-sdk/client-cognito-identity";
import { CreateOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../../test/identity-errors.js";
import { createTestPool, publicIdentityClient, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";
import { startOidcIssuer, type TestIssuer } from "../testing/identity-oidc-issuer.js";

/**
 * The link and merge rules R1–R6 (listed at planResolution in identities.ts), through the AWS SDK
 * client, with two local OIDC issuers as the identity providers.
 */
let kit: IdentityKit;
let idpA: TestIssuer;
let idpB: TestIssuer;
let pool: TestPool;
const device = () => publicIdentityClient(kit.emulator.url);

beforeAll(async () => {
  kit = await startIdentityKit();
  idpA = await startOidcIssuer();
  idpB = await startOidcIssuer({ path: "/b" });
});
afterAll(async () => {
  await kit.stop();
  await idpA.stop();
  await idpB.stop();
});
beforeEach(async () => {
  await kit.emulator.control.reset();
  const arns = [];
  for (const idp of [idpA, idpB])
    arns.push((await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.url, ClientIDList: ["web"] }))).OpenIDConnectProviderArn!);
  pool = await createTestPool(kit, { OpenIdConnectProviderARNs: arns });
});

const loginA = async (sub: string) => ({ [idpA.loginKey]: await idpA.mint({ sub, aud: "web" }) });
const loginB = async (sub: string) => ({ [idpB.loginKey]: await idpB.mint({ sub, aud: "web" }) });
const guest = async () => (await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }))).IdentityId!;
const signIn = async (Logins: Record<string, string>) => (await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins }))).IdentityId!;
const credentials = (IdentityId: string, Logins?: Record<string, string>) => device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
const listed = async (HideDisabled?: boolean) =>
  ((await kit.identity.send(new ListIdentitiesCommand({ IdentityPoolId: pool.poolId, MaxResults: 60, HideDisabled }))).Identities ?? []).map(
    (i) => i.IdentityId,
  );

describe("R2: GetId with logins never consults a guest", () => {
  it("creates a separate authenticated identity; the guest stays a guest", async () => {
    const g = await guest();
    const user = await signIn(await loginA("u1"));
    expect(user).not.toBe(g);
    expect((await credentials(g)).IdentityId).toBe(g);
    expect((await kit.identity.send(new DescribeIdentityCommand({ IdentityId: g }))).Logins).toBeUndefined();
  });

  it("links several logins sent together to one identity", async () => {
    const id = await signIn({ ...(await loginA("u1")), ...(await loginB("u1b")) });
    expect(await signIn(await loginB("u1b"))).toBe(id);
    expect((await kit.identity.send(new DescribeIdentityCommand({ IdentityId: id }))).Logins?.sort()).toEqual([idpA.loginKey, idpB.loginKey].sort());
  });
});

describe("R4a: a guest with a new login keeps its id", () => {
  it("links the login to the guest, which becomes authenticated", async () => {
    const g = await guest();
    const Logins = await loginA("newcomer");
    const response = await credentials(g, Logins);
    expect(response.IdentityId).toBe(g);
    expect(kit.emulator.core.state.credentials[response.Credentials!.AccessKeyId!]!.roleArn).toBe(pool.authRoleArn);
    expect(await signIn(await loginA("newcomer"))).toBe(g);
    expect((await kit.identity.send(new DescribeIdentityCommand({ IdentityId: g }))).Logins).toEqual([idpA.loginKey]);
    // Now authenticated: without logins it is forbidden (R3).
    expect(await failure(credentials(g))).toEqual({ code: "NotAuthorizedException", message: `Access to Identity '${g}' is forbidden.`, status: 400 });
  });

  it("does the same through GetOpenIdToken", async () => {
    const g = await guest();
    const response = await device().send(new GetOpenIdTokenCommand({ IdentityId: g, Logins: await loginA("via-token") }));
    expect(response.IdentityId).toBe(g);
    expect(await signIn(await loginA("via-token"))).toBe(g);
  });
});

describe("R4b: a guest with a login already linked to A merges into A", () => {
  it("answers with A, disables the guest, and refuses the guest afterwards", async () => {
    const a = await signIn(await loginA("u1"));
    const g = await guest();
    const response = await credentials(g, await loginA("u1"));
    expect(response.IdentityId).toBe(a);

    expect(await failure(credentials(g))).toEqual({ code: "NotAuthorizedException", message: `Access to Identity '${g}' is forbidden.`, status: 400 });
    expect(await failure(device().send(new GetOpenIdTokenCommand({ IdentityId: g })))).toEqual({
      code: "NotAuthorizedException",
      message: `Access to Identity '${g}' is forbidden.`,
      status: 400,
    });

    // Disabled, not deleted: still described and listed, hidden with HideDisabled.
    const described = await kit.identity.send(new DescribeIdentityCommand({ IdentityId: g }));
    expect(described.IdentityId).toBe(g);
    expect(await listed()).toEqual(expect.arrayContaining([a, g]));
    expect(await listed(true)).toEqual([a]);
  });

  it("answers with A again when the merged-away guest is sent with A's login", async () => {
    const a = await signIn(await loginA("u1"));
    const g = await guest();
    await credentials(g, await loginA("u1"));
    expect((await credentials(g, await loginA("u1"))).IdentityId).toBe(a);
  });

  it("records the response's identity id for GetCredentialsForIdentity", async () => {
    const a = await signIn(await loginA("u1"));
    const g = await guest();
    await kit.emulator.control.clearRequests();
    await credentials(g, await loginA("u1"));
    const requests = await kit.emulator.control.requests();
    expect(requests).toEqual([expect.objectContaining({ operation: "GetCredentialsForIdentity", identityId: a, status: 200 })]);
  });
});

describe("R5: an authenticated identity with logins", () => {
  it("refuses another user's token with `Logins don't match…` and merges nothing", async () => {
    const u1 = await signIn(await loginA("u1"));
    const u2 = await signIn(await loginA("u2"));
    const before = JSON.stringify(kit.emulator.core.state.cognitoIdentity);
    expect(await failure(credentials(u1, await loginA("u2")))).toEqual({
      code: "NotAuthorizedException",
      message: "Logins don't match. Please include at least one valid login for this identity or identity pool.",
      status: 400,
    });
    expect(JSON.stringify(kit.emulator.core.state.cognitoIdentity)).toBe(before);
    expect(await listed(true)).toEqual(expect.arrayContaining([u1, u2]));
  });

  it("links an additional new login when one of its own is present", async () => {
    const u1 = await signIn(await loginA("u1"));
    const response = await credentials(u1, { ...(await loginA("u1")), ...(await loginB("u1-at-b")) });
    expect(response.IdentityId).toBe(u1);
    expect(await signIn(await loginB("u1-at-b"))).toBe(u1);
  });

  it("merges another identity whose login is presented alongside its own, keeping the one presented", async () => {
    const u1 = await signIn(await loginA("u1"));
    const other = await signIn(await loginB("u1-at-b"));
    const response = await credentials(u1, { ...(await loginA("u1")), ...(await loginB("u1-at-b")) });
    expect(response.IdentityId).toBe(u1);
    expect(await signIn(await loginB("u1-at-b"))).toBe(u1);
    expect(await listed(true)).toEqual([u1]);
    expect(await failure(credentials(other))).toMatchObject({ code: "NotAuthorizedException", message: `Access to Identity '${other}' is forbidden.` });
    // Sent again with the moved login, the merged-away id answers with the survivor, as for guests (R4b).
    expect((await credentials(other, await loginB("u1-at-b"))).IdentityId).toBe(u1);
  });

  it("refuses a second user of the same provider on one identity (ResourceConflictException)", async () => {
    const u1 = await signIn({ ...(await loginA("u1")), ...(await loginB("b1")) });
    await signIn(await loginB("b2"));
    const before = JSON.stringify(kit.emulator.core.state.cognitoIdentity);
    const error = await failure(credentials(u1, { ...(await loginA("u1")), ...(await loginB("b2")) }));
    expect(error.code).toBe("ResourceConflictException");
    expect(JSON.stringify(kit.emulator.core.state.cognitoIdentity)).toBe(before);
  });
});

describe("R6: failing calls change nothing", () => {
  it("a guest sent with a valid new login and a bad second token stays a guest", async () => {
    const g = await guest();
    const bad = { [idpB.loginKey]: await idpB.mint({ sub: "x", aud: "web" }, { foreignKey: true }) };
    expect((await failure(credentials(g, { ...(await loginA("fresh")), ...bad }))).message).toBe("Invalid login token. Couldn't verify signed token.");
    expect((await credentials(g)).IdentityId).toBe(g);
    expect(await signIn(await loginA("fresh"))).not.toBe(g);
  });

  it("a guest linking under a pool without an authenticated role stays a guest", async () => {
    const g = await guest();
    kit.emulator.core.state.cognitoIdentity.pools[pool.poolId]!.Roles = { unauthenticated: pool.unauthRoleArn };
    expect((await failure(credentials(g, await loginA("fresh")))).code).toBe("InvalidIdentityPoolConfigurationException");
    expect((await credentials(g)).IdentityId).toBe(g);
  });
});

describe("UnlinkIdentity and DeleteIdentities", () => {
  it("unlinks a login, which then names a new identity; the old one is no guest", async () => {
    const id = await signIn({ ...(await loginA("u1")), ...(await loginB("b1")) });
    await device().send(new UnlinkIdentityCommand({ IdentityId: id, Logins: await loginA("u1"), LoginsToRemove: [idpB.loginKey] }));
    expect((await kit.identity.send(new DescribeIdentityCommand({ IdentityId: id }))).Logins).toEqual([idpA.loginKey]);
    expect(await signIn(await loginB("b1"))).not.toBe(id);
    await device().send(new UnlinkIdentityCommand({ IdentityId: id, Logins: await loginA("u1"), LoginsToRemove: [idpA.loginKey] }));
    expect((await failure(credentials(id))).message).toBe(`Access to Identity '${id}' is forbidden.`);
  });

  it("refuses to unlink without a login of the identity", async () => {
    const id = await signIn(await loginA("u1"));
    const error = await failure(device().send(new UnlinkIdentityCommand({ IdentityId: id, Logins: await loginA("u2"), LoginsToRemove: [idpA.loginKey] })));
    expect(error.message).toBe("Logins don't match. Please include at least one valid login for this identity or identity pool.");
    expect((await kit.identity.send(new DescribeIdentityCommand({ IdentityId: id }))).Logins).toEqual([idpA.loginKey]);
  });

  it("deletes identities (unknown ids silently) and frees their logins", async () => {
    const id = await signIn(await loginA("u1"));
    const result = await kit.identity.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [id, "eu-west-1:00000000-0000-0000-0000-000000000000"] }));
    expect(result.UnprocessedIdentityIds).toEqual([]);
    expect((await failure(kit.identity.send(new DescribeIdentityCommand({ IdentityId: id })))).message).toBe(`Identity '${id}' not found.`);
    expect(await signIn(await loginA("u1"))).not.toBe(id);
  });

  it("pages ListIdentities", async () => {
    const ids = [await guest(), await guest(), await guest()];
    const first = await kit.identity.send(new ListIdentitiesCommand({ IdentityPoolId: pool.poolId, MaxResults: 2 }));
    const second = await kit.identity.send(new ListIdentitiesCommand({ IdentityPoolId: pool.poolId, MaxResults: 2, NextToken: first.NextToken }));
    expect([...first.Identities!, ...second.Identities!].map((i) => i.IdentityId).sort()).toEqual([...ids].sort());
    expect(first.Identities).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
  });
});
