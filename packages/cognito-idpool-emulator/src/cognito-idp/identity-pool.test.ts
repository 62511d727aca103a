import { CognitoIdentityClient, CreateIdentityPoolCommand, GetIdCommand, GetOpenIdTokenCommand } from "@aws-sdk/client-cognito-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGION, ROOT_CREDENTIALS, startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { callback, createPool, createUser, signedIn } from "../../test/idp-harness.js";

/**
 * The user-pool side of the identity-pool contract: an ID token amazon-cognito-identity-js got from
 * the emulator's user pool is a login the emulator's identity pool takes under AWS's provider name,
 * and a global sign-out is seen by ServerSideTokenCheck.
 */

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

describe("user-pool tokens as identity-pool logins", () => {
  it("are taken under the provider name cognito-idp.<region>.amazonaws.com/<pool>, until the user signs out everywhere", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "pam");
    const provider = `cognito-idp.eu-west-1.amazonaws.com/${pool.poolId}`;
    const identity = new CognitoIdentityClient({ endpoint: emulator.url, region: REGION, credentials: ROOT_CREDENTIALS, maxAttempts: 1 });
    const identityPool = await identity.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: "with_user_pool",
        AllowUnauthenticatedIdentities: false,
        CognitoIdentityProviders: [{ ProviderName: provider, ClientId: pool.clientId, ServerSideTokenCheck: true }],
      }),
    );
    const { user, session } = await signedIn(pool.jsPool, "pam");
    const logins = { [provider]: session.getIdToken().getJwtToken() };
    // GetId and GetOpenIdToken are public: the emulator ignores this client's (meaningless) signature.
    const anyone = new CognitoIdentityClient({
      endpoint: emulator.url,
      region: REGION,
      credentials: { accessKeyId: "nobody", secretAccessKey: "nothing" },
      maxAttempts: 1,
    });
    const { IdentityId } = await anyone.send(new GetIdCommand({ IdentityPoolId: identityPool.IdentityPoolId, Logins: logins }));
    const openId = await anyone.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }));
    expect(openId.IdentityId).toBe(IdentityId);
    expect(openId.Token?.split(".")).toHaveLength(3);

    await callback((done) => user.globalSignOut({ onSuccess: (result) => done(null, result), onFailure: done }));
    await expect(anyone.send(new GetOpenIdTokenCommand({ IdentityId, Logins: logins }))).rejects.toMatchObject({ name: "NotAuthorizedException" });
    await expect(anyone.send(new GetIdCommand({ IdentityPoolId: identityPool.IdentityPoolId, Logins: logins }))).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
  });
});
