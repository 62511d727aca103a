import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPool as createUserPool, createUser, PASSWORD, type TestPool as UserPool } from "../../packages/cognito-idpool-emulator/test/idp-harness.js";
import type { IdentityChange } from "../../packages/cognito-idpool/src/types.js";
import { clearRequests, identityRequests, newPool, page, startCoreKit, type CoreKit, type CorePool } from "./core-kit.js";

/**
 * The core's user-pool hook with the real, lazily loaded sign-in module against the emulator's
 * user pools: sign-in links the cached guest, a reload restores the session before credentials are
 * served (one identity-pool request), sign-out ends both sides.
 */
let core: CoreKit;
let userPool: UserPool;
let pool: CorePool;

beforeAll(async () => {
  core = await startCoreKit();
});
afterAll(async () => {
  await core.stop();
});
beforeEach(async () => {
  userPool = await createUserPool(core.kit.emulator);
  await createUser(core.kit.emulator, userPool.poolId, "alice");
  pool = await newPool(core, {
    CognitoIdentityProviders: [{ ProviderName: `cognito-idp.eu-west-1.amazonaws.com/${userPool.poolId}`, ClientId: userPool.clientId }],
  });
  await clearRequests(core);
});

const withUserPool = () => page(core, pool, { userPool: { userPoolId: userPool.poolId, clientId: userPool.clientId } });

describe("user-pool hook", () => {
  it("sign-in links the cached guest; a reload stays signed in with one identity-pool request; sign-out ends it", async () => {
    const auth = withUserPool();
    const guest = await auth.getCredentials();
    const changes: IdentityChange[] = [];
    auth.onIdentityChange((c) => changes.push(c));
    await clearRequests(core);

    expect(await auth.signIn({ username: "alice", password: PASSWORD })).toEqual({ status: "signedIn" });
    expect(changes).toEqual([{ reason: "linked", identityId: guest.identityId, previousIdentityId: guest.identityId }]);
    expect((await identityRequests(core)).map((r) => `${r.operation}:${r.identityId}`)).toEqual([`GetCredentialsForIdentity:${guest.identityId}`]);
    expect(await auth.getUser()).toMatchObject({ username: "alice" });
    auth.dispose();

    await clearRequests(core);
    const reloaded = withUserPool();
    const creds = await reloaded.getCredentials();
    expect(creds.identityId).toBe(guest.identityId);
    expect(reloaded.getState().status).toBe("authenticated");
    expect((await identityRequests(core)).map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);

    await reloaded.signOut();
    expect(reloaded.getState().status).toBe("signedOut");
    reloaded.dispose();

    await clearRequests(core);
    const afterSignOut = withUserPool();
    const next = await afterSignOut.getCredentials();
    expect(afterSignOut.getState().status).toBe("guest");
    expect(next.identityId).not.toBe(guest.identityId);
    expect((await identityRequests(core)).map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    afterSignOut.dispose();
  });

  it("a wrong password leaves the guest as it was", async () => {
    const auth = withUserPool();
    const guest = await auth.getCredentials();
    await expect(auth.signIn({ username: "alice", password: "wrong-Passw0rd!" })).rejects.toMatchObject({ code: "incorrect-username-or-password" });
    expect(auth.getState()).toMatchObject({ status: "guest", identityId: guest.identityId });
    auth.dispose();
  });
});
