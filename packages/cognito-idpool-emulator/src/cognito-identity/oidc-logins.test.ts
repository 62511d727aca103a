import { DescribeIdentityCommand, GetCredentialsForIdentityCommand, GetIdCommand, ListIdentitiesCommand } from "@aws-sdk/client-cognito-identity";
import { CreateOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../../test/identity-errors.js";
import { createTestPool, publicIdentityClient, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";
import { startOidcIssuer, type TestIssuer } from "../testing/identity-oidc-issuer.js";

let kit: IdentityKit;
let issuer: TestIssuer;
let pool: TestPool;
const device = () => publicIdentityClient(kit.emulator.url);
const CLIENT_ID = "web-app";

beforeAll(async () => {
  kit = await startIdentityKit();
  issuer = await startOidcIssuer({ path: "/realms/test" });
});
afterAll(async () => {
  await kit.stop();
  await issuer.stop();
});
beforeEach(async () => {
  await kit.emulator.control.reset();
  const { OpenIDConnectProviderArn } = await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: [CLIENT_ID, "mobile"] }));
  pool = await createTestPool(kit, { OpenIdConnectProviderARNs: [OpenIDConnectProviderArn!] });
});

const identityCount = () => Object.keys(kit.emulator.core.state.cognitoIdentity.identities).length;

async function refused(token: string, key = issuer.loginKey) {
  const before = JSON.stringify(kit.emulator.core.state.cognitoIdentity);
  const error = await failure(device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [key]: token } })));
  // R6: a refused token changes nothing.
  expect(JSON.stringify(kit.emulator.core.state.cognitoIdentity)).toBe(before);
  return error;
}

describe("OIDC logins from a registered issuer (keys fetched from its JWKS)", () => {
  it("creates an authenticated identity for a new user and returns the same one for the same user", async () => {
    const token = await issuer.mint({ sub: "alice", aud: CLIENT_ID });
    const first = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [issuer.loginKey]: token } }));
    const again = await device().send(
      new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [issuer.loginKey]: await issuer.mint({ sub: "alice", aud: CLIENT_ID }) } }),
    );
    expect(again.IdentityId).toBe(first.IdentityId);
    const bob = await device().send(
      new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [issuer.loginKey]: await issuer.mint({ sub: "bob", aud: CLIENT_ID }) } }),
    );
    expect(bob.IdentityId).not.toBe(first.IdentityId);

    const described = await kit.identity.send(new DescribeIdentityCommand({ IdentityId: first.IdentityId }));
    expect(described.Logins).toEqual([issuer.loginKey]);
    expect(described.CreationDate).toBeInstanceOf(Date);
    expect(issuer.jwksFetches()).toBe(1);
  });

  it("issues authenticated-role credentials whose amr names the provider and the user", async () => {
    const token = await issuer.mint({ sub: "alice", aud: CLIENT_ID });
    const Logins = { [issuer.loginKey]: token };
    const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins }));
    const response = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    const issued = kit.emulator.core.state.credentials[response.Credentials!.AccessKeyId!]!;
    expect(issued.roleArn).toBe(pool.authRoleArn);
    expect(issued.context["cognito-identity.amazonaws.com:amr"]).toEqual(["authenticated", issuer.loginKey, `${issuer.loginKey}:alice`]);
    expect(issued.context["cognito-identity.amazonaws.com:sub"]).toBe(IdentityId);
  });

  it("accepts a token whose azp is a registered client even if aud is not", async () => {
    const token = await issuer.mint({ sub: "carol", aud: "some-api", azp: "mobile" });
    const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [issuer.loginKey]: token } }));
    expect(IdentityId).toBeTruthy();
  });
});

describe("token checks, none of which change state", () => {
  it("Issuer doesn't match providerName", async () => {
    const token = await issuer.mint({ sub: "alice", aud: CLIENT_ID, iss: "http://127.0.0.1:1/other" });
    expect(await refused(token)).toEqual({ code: "NotAuthorizedException", message: "Invalid login token. Issuer doesn't match providerName", status: 400 });
  });

  it("Token is not from a supported provider: provider not configured on the pool", async () => {
    const other = await startOidcIssuer();
    try {
      const token = await other.mint({ sub: "alice", aud: CLIENT_ID });
      expect(await refused(token, other.loginKey)).toEqual({
        code: "NotAuthorizedException",
        message: "Token is not from a supported provider of this identity pool.",
        status: 400,
      });
    } finally {
      await other.stop();
    }
  });

  it("Token is not from a supported provider: audience is not a registered client id", async () => {
    const token = await issuer.mint({ sub: "alice", aud: "someone-else" });
    expect((await refused(token)).message).toBe("Token is not from a supported provider of this identity pool.");
  });

  it("Missing a required claim: aud", async () => {
    const token = await issuer.mint({ sub: "alice" });
    expect(await refused(token)).toEqual({ code: "NotAuthorizedException", message: "Invalid login token. Missing a required claim: aud", status: 400 });
  });

  it("Couldn't verify signed token: signed with a key the issuer does not publish", async () => {
    const token = await issuer.mint({ sub: "alice", aud: CLIENT_ID }, { foreignKey: true });
    expect(await refused(token)).toEqual({ code: "NotAuthorizedException", message: "Invalid login token. Couldn't verify signed token.", status: 400 });
  });

  it("Couldn't verify signed token: payload changed after signing", async () => {
    const token = await issuer.mint({ sub: "alice", aud: CLIENT_ID });
    const [header, , signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ sub: "mallory", aud: CLIENT_ID, iss: issuer.url, exp: Math.floor(Date.now() / 1000) + 3600 })).toString(
      "base64url",
    );
    expect((await refused(`${header}.${forged}.${signature}`)).message).toBe("Invalid login token. Couldn't verify signed token.");
  });

  it("Token expired: <now> >= <exp>, after a five-minute grace", async () => {
    const now = Math.floor(Date.now() / 1000);
    const withinGrace = await issuer.mint({ sub: "dave", aud: CLIENT_ID }, { issuedAt: now - 3600 - 200, lifetimeSeconds: 3600 });
    await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [issuer.loginKey]: withinGrace } }));

    const exp = now - 400;
    const expired = await issuer.mint({ sub: "erin", aud: CLIENT_ID }, { issuedAt: exp - 3600, lifetimeSeconds: 3600 });
    const error = await refused(expired);
    expect(error.code).toBe("NotAuthorizedException");
    const match = /^Invalid login token\. Token expired: (\d+) >= (\d+)$/.exec(error.message);
    expect(match).not.toBeNull();
    expect(Number(match![2])).toBe(exp);
    expect(Math.abs(Number(match![1]) - now)).toBeLessThan(60);
  });

  it("judges expiry on the emulator clock", async () => {
    const token = await issuer.mint({ sub: "frank", aud: CLIENT_ID });
    await kit.emulator.control.setClock(7200);
    expect((await refused(token)).message).toMatch(/^Invalid login token\. Token expired: /);
  });

  it("refuses something that is not a JWT", async () => {
    expect(await refused("not-a-token")).toEqual({
      code: "NotAuthorizedException",
      message: "Invalid login token. Not a valid OpenId Connect identity token.",
      status: 400,
    });
  });

  it("fails the whole call when one of several tokens is bad (R6)", async () => {
    const good = await issuer.mint({ sub: "alice", aud: CLIENT_ID });
    const before = identityCount();
    const error = await failure(
      device().send(
        new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [issuer.loginKey]: good, "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Nope1": good } }),
      ),
    );
    expect(error.code).toBe("NotAuthorizedException");
    expect(identityCount()).toBe(before);
    const listed = await kit.identity.send(new ListIdentitiesCommand({ IdentityPoolId: pool.poolId, MaxResults: 60 }));
    expect(listed.Identities ?? []).toEqual([]);
  });

  it("answers ExternalServiceException when the issuer cannot be reached", async () => {
    const gone = await startOidcIssuer();
    const token = await gone.mint({ sub: "alice", aud: CLIENT_ID });
    const { OpenIDConnectProviderArn } = await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: gone.url, ClientIDList: [CLIENT_ID] }));
    const offline = await createTestPool(kit, { OpenIdConnectProviderARNs: [OpenIDConnectProviderArn!] });
    await gone.stop();
    const error = await failure(device().send(new GetIdCommand({ IdentityPoolId: offline.poolId, Logins: { [gone.loginKey]: token } })));
    expect(error.code).toBe("ExternalServiceException");
    expect(error.message).toContain(gone.url);
  });

  it("refuses social-provider tokens its stand-ins did not issue (only the real provider could check them), saying so", async () => {
    const social = await createTestPool(kit, { SupportedLoginProviders: { "graph.facebook.com": "1234567890" } });
    const error = await failure(
      device().send(new GetIdCommand({ IdentityPoolId: social.poolId, Logins: { "graph.facebook.com": "EAAB-opaque-access-token" } })),
    );
    expect(error.code).toBe("ExternalServiceException");
    expect(error.message).toMatch(/cannot verify this graph\.facebook\.com token: it was not issued by the emulator/);
    const unconfigured = await failure(device().send(new GetIdCommand({ IdentityPoolId: social.poolId, Logins: { "accounts.google.com": "x.y.z" } })));
    expect(unconfigured.message).toBe("Token is not from a supported provider of this identity pool.");
  });
});
