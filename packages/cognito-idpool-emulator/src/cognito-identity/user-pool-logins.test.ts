import { GetCredentialsForIdentityCommand, GetIdCommand, SetIdentityPoolRolesCommand } from "@aws-sdk/client-cognito-identity";
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminUserGlobalSignOutCommand,
  CreateGroupCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../../test/identity-errors.js";
import {
  cognitoTrustPolicy,
  createRole,
  createTestPool,
  publicIdentityClient,
  startIdentityKit,
  type IdentityKit,
  type TestPool,
} from "../testing/identity-fixtures.js";
import { createUserPool, type TestUserPool } from "../../test/identity-user-pool.js";

/** User-pool ID tokens as logins, verified in process against the emulated user pool's keys. */
let kit: IdentityKit;
let userPool: TestUserPool;
let clientId: string;
let otherClientId: string;
const device = () => publicIdentityClient(kit.emulator.url);

beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(async () => {
  userPool?.idp.destroy();
  await kit.stop();
});
beforeEach(async () => {
  await kit.emulator.control.reset();
  userPool?.idp.destroy();
  userPool = await createUserPool(kit.emulator.url);
  clientId = await userPool.addClient("web");
  otherClientId = await userPool.addClient("other");
  await userPool.addUser("alice");
});

async function poolWith(serverSideTokenCheck = false): Promise<TestPool> {
  return createTestPool(kit, {
    CognitoIdentityProviders: [{ ProviderName: userPool.providerName, ClientId: clientId, ServerSideTokenCheck: serverSideTokenCheck }],
  });
}

async function credentialsFor(pool: TestPool, idToken: string) {
  const Logins = { [userPool.providerName]: idToken };
  const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins }));
  return device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
}

describe("user-pool ID tokens", () => {
  it("get authenticated-role credentials with amr `<provider>:CognitoSignIn:<sub>`", async () => {
    const pool = await poolWith();
    const { idToken } = await userPool.signIn(clientId, "alice");
    const response = await credentialsFor(pool, idToken);
    const issued = kit.emulator.core.state.credentials[response.Credentials!.AccessKeyId!]!;
    expect(issued.roleArn).toBe(pool.authRoleArn);
    expect(issued.context["cognito-identity.amazonaws.com:amr"]).toEqual([
      "authenticated",
      userPool.providerName,
      `${userPool.providerName}:CognitoSignIn:${decodeJwt(idToken).sub}`,
    ]);
  });

  it("refuse an access token: Missing a required claim: aud", async () => {
    const pool = await poolWith();
    const { accessToken } = await userPool.signIn(clientId, "alice");
    expect(await failure(device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [userPool.providerName]: accessToken } })))).toEqual({
      code: "NotAuthorizedException",
      message: "Invalid login token. Missing a required claim: aud",
      status: 400,
    });
  });

  it("refuse a token of an app client the identity pool does not list", async () => {
    const pool = await poolWith();
    const { idToken } = await userPool.signIn(otherClientId, "alice");
    expect((await failure(device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [userPool.providerName]: idToken } })))).message).toBe(
      "Token is not from a supported provider of this identity pool.",
    );
  });

  it("refuse a key whose region does not match the token's issuer", async () => {
    const pool = await poolWith();
    const { idToken } = await userPool.signIn(clientId, "alice");
    const wrongKey = userPool.providerName.replace("eu-west-1.amazonaws.com", "us-east-1.amazonaws.com");
    expect((await failure(device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [wrongKey]: idToken } })))).message).toBe(
      "Invalid login token. Issuer doesn't match providerName",
    );
  });

  it("refuse a token whose signature does not verify against the user pool's keys", async () => {
    const pool = await poolWith();
    const { idToken } = await userPool.signIn(clientId, "alice");
    const [h, p, s] = idToken.split(".");
    const flipped = `${h}.${p}.${s!.slice(0, 10)}${s![10] === "A" ? "B" : "A"}${s!.slice(11)}`;
    expect((await failure(device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [userPool.providerName]: flipped } })))).message).toBe(
      "Invalid login token. Couldn't verify signed token.",
    );
  });
});

describe("ServerSideTokenCheck", () => {
  it("refuses a token after a global sign-out only when the pool asks for the check", async () => {
    const checked = await poolWith(true);
    const unchecked = await poolWith(false);
    const { idToken } = await userPool.signIn(clientId, "alice");
    await credentialsFor(checked, idToken);
    await userPool.idp.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPool.poolId, Username: "alice" }));
    expect(await failure(credentialsFor(checked, idToken))).toEqual({
      code: "NotAuthorizedException",
      message: "Invalid login token. Token has been revoked.",
      status: 400,
    });
    expect((await credentialsFor(unchecked, idToken)).Credentials?.AccessKeyId).toBeTruthy();
  });

  it("refuses a token of a deleted user", async () => {
    const checked = await poolWith(true);
    const { idToken } = await userPool.signIn(clientId, "alice");
    await userPool.idp.send(new AdminDeleteUserCommand({ UserPoolId: userPool.poolId, Username: "alice" }));
    expect((await failure(credentialsFor(checked, idToken))).message).toBe("Invalid login token. User does not exist.");
  });
});

describe("Token role mapping with user-pool groups", () => {
  it("uses the group role with the lowest precedence (cognito:preferred_role)", async () => {
    const pool = await poolWith();
    const admin = await createRole(kit.iam, "GroupAdmin", cognitoTrustPolicy(pool.poolId, "authenticated"));
    const reader = await createRole(kit.iam, "GroupReader", cognitoTrustPolicy(pool.poolId, "authenticated"));
    await userPool.idp.send(new CreateGroupCommand({ UserPoolId: userPool.poolId, GroupName: "admins", RoleArn: admin, Precedence: 1 }));
    await userPool.idp.send(new CreateGroupCommand({ UserPoolId: userPool.poolId, GroupName: "readers", RoleArn: reader, Precedence: 5 }));
    for (const GroupName of ["admins", "readers"])
      await userPool.idp.send(new AdminAddUserToGroupCommand({ UserPoolId: userPool.poolId, Username: "alice", GroupName }));
    await kit.identity.send(
      new SetIdentityPoolRolesCommand({
        IdentityPoolId: pool.poolId,
        Roles: { authenticated: pool.authRoleArn, unauthenticated: pool.unauthRoleArn },
        RoleMappings: { [`${userPool.providerName}:${clientId}`]: { Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole" } },
      }),
    );
    const { idToken } = await userPool.signIn(clientId, "alice");
    const Logins = { [userPool.providerName]: idToken };
    const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins }));
    const preferred = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    expect(kit.emulator.core.state.credentials[preferred.Credentials!.AccessKeyId!]!.roleArn).toBe(admin);
    const custom = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins, CustomRoleArn: reader }));
    expect(kit.emulator.core.state.credentials[custom.Credentials!.AccessKeyId!]!.roleArn).toBe(reader);
  });
});
