import { GetOpenIdTokenForDeveloperIdentityCommand } from "@aws-sdk/client-cognito-identity";
import { fromCognitoIdentity, fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REGION } from "../testing/harness.js";
import { createTestPool, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";

/**
 * AWS's own credential providers with a developer-authenticated identity: the device holds the
 * identity id and OpenID token its backend got from GetOpenIdTokenForDeveloperIdentity, and trades
 * them for credentials under Cognito's own login, with no GetId (which refuses Cognito tokens).
 */
const DEV = "login.myapp";
let kit: IdentityKit;
let pool: TestPool;

beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(() => kit.stop());
beforeEach(async () => {
  await kit.emulator.control.reset();
  pool = await createTestPool(kit, { DeveloperProviderName: DEV });
});

/** What the app's backend answers the device for `user`. */
async function backendSignIn(user: string): Promise<{ identityId: string; token: string }> {
  const out = await kit.identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, Logins: { [DEV]: user } }));
  return { identityId: out.IdentityId!, token: out.Token! };
}

const clientConfig = () => ({ endpoint: kit.emulator.url, region: REGION, maxAttempts: 1 });
const operations = async () => (await kit.emulator.control.requests()).map((r) => [r.operation, r.identityId]);
const roleOf = (accessKeyId: string) => kit.emulator.core.state.credentials[accessKeyId]!;

describe("AWS SDK credential providers with a developer-authenticated identity", () => {
  it("fromCognitoIdentityPool, handed the backend's identity id through its cache, gets the authenticated role's credentials without GetId", async () => {
    const { identityId, token } = await backendSignIn("user-1");
    await kit.emulator.control.clearRequests();
    // The provider looks the identity id up in its cache under the pool and userIdentifier; the app
    // puts the id its backend answered there, so the provider never asks GetId.
    const cached = new Map([[`aws:cognito-identity-credentials:${pool.poolId}:user-1`, identityId]]);
    const provider = fromCognitoIdentityPool({
      identityPoolId: pool.poolId,
      logins: { "cognito-identity.amazonaws.com": token },
      userIdentifier: "user-1",
      cache: {
        getItem: (key: string) => cached.get(key) ?? null,
        setItem: (key: string, value: string) => void cached.set(key, value),
        removeItem: (key: string) => void cached.delete(key),
      },
      clientConfig: clientConfig(),
    });
    const credentials = await provider();
    expect(credentials.identityId).toBe(identityId);
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.expiration).toBeInstanceOf(Date);
    expect(roleOf(credentials.accessKeyId).roleArn).toBe(pool.authRoleArn);
    expect(roleOf(credentials.accessKeyId).context).toMatchObject({
      "cognito-identity.amazonaws.com:sub": identityId,
      "cognito-identity.amazonaws.com:amr": ["authenticated", DEV, `${DEV}:user-1`],
    });
    expect(await operations()).toEqual([["GetCredentialsForIdentity", identityId]]);
  });

  it("fromCognitoIdentityPool without the identity id asks GetId with the Cognito token, which Cognito refuses", async () => {
    const { token } = await backendSignIn("user-2");
    await kit.emulator.control.clearRequests();
    const provider = fromCognitoIdentityPool({
      identityPoolId: pool.poolId,
      logins: { "cognito-identity.amazonaws.com": token },
      clientConfig: clientConfig(),
    });
    await expect(provider()).rejects.toMatchObject({ name: "NotAuthorizedException", message: "Invalid login token. Can't pass in a Cognito token." });
    expect((await operations()).map(([operation]) => operation)).toEqual(["GetId"]);
  });

  it("fromCognitoIdentity takes the identity id and token directly: one GetCredentialsForIdentity", async () => {
    const { identityId, token } = await backendSignIn("user-3");
    await kit.emulator.control.clearRequests();
    const credentials = await fromCognitoIdentity({ identityId, logins: { "cognito-identity.amazonaws.com": token }, clientConfig: clientConfig() })();
    expect(credentials.identityId).toBe(identityId);
    expect(roleOf(credentials.accessKeyId).roleArn).toBe(pool.authRoleArn);
    expect(await operations()).toEqual([["GetCredentialsForIdentity", identityId]]);
  });
});
