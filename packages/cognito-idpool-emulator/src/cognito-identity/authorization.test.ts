import {
  CognitoIdentityClient,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  ListIdentityPoolsCommand,
  SetIdentityPoolRolesCommand,
} from "@aws-sdk/client-cognito-identity";
import { GetRoleCommand, IAMClient, ListRolesCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REGION } from "../testing/harness.js";
import { failure } from "../../test/identity-errors.js";
import { createTestPool, publicIdentityClient, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";

/**
 * Signed calls made with credentials the emulator issued are authorized by the role's policies,
 * as IAM would: a guest's credentials cannot administer pools or IAM unless its role allows it.
 */
let kit: IdentityKit;
let pool: TestPool;
let roleName: string;
let guestCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
let assumedRoleArn: string;

beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(() => kit.stop());
beforeEach(async () => {
  await kit.emulator.control.reset();
  pool = await createTestPool(kit);
  roleName = pool.unauthRoleArn.split("/").pop()!;
  const device = publicIdentityClient(kit.emulator.url);
  const { IdentityId } = await device.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
  const { Credentials } = await device.send(new GetCredentialsForIdentityCommand({ IdentityId }));
  guestCredentials = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretKey!, sessionToken: Credentials!.SessionToken! };
  assumedRoleArn = `arn:aws:sts::000000000000:assumed-role/${roleName}/CognitoIdentityCredentials`;
});

const asGuest = () => new CognitoIdentityClient({ endpoint: kit.emulator.url, region: REGION, credentials: guestCredentials, maxAttempts: 1 });
const poolArn = () => `arn:aws:cognito-identity:${REGION}:000000000000:identitypool/${pool.poolId}`;
const allow = (Action: string | string[], Resource: string | string[]) =>
  kit.iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName,
      PolicyName: "admin-bits",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource }] }),
    }),
  );

describe("Cognito Identity administration with issued credentials", () => {
  it("is refused with AccessDeniedException naming the assumed role, action and pool", async () => {
    const error = await failure(asGuest().send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool.poolId })));
    expect(error).toEqual({
      code: "AccessDeniedException",
      message: `User: ${assumedRoleArn} is not authorized to perform: cognito-identity:DescribeIdentityPool on resource: ${poolArn()} because no identity-based policy allows the cognito-identity:DescribeIdentityPool action`,
      status: 400,
    });
  });

  it("is allowed exactly where the role's policy allows it", async () => {
    await allow("cognito-identity:DescribeIdentityPool", poolArn());
    expect((await asGuest().send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool.poolId }))).IdentityPoolId).toBe(pool.poolId);
    expect((await failure(asGuest().send(new ListIdentityPoolsCommand({ MaxResults: 10 })))).code).toBe("AccessDeniedException");
  });

  it("needs iam:PassRole to assign roles: `Access to Role '<arn>' is forbidden.`", async () => {
    await allow("cognito-identity:SetIdentityPoolRoles", poolArn());
    const error = await failure(asGuest().send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.poolId, Roles: { authenticated: pool.authRoleArn } })));
    expect(error).toEqual({ code: "NotAuthorizedException", message: `Access to Role '${pool.authRoleArn}' is forbidden.`, status: 400 });
    await allow(["cognito-identity:SetIdentityPoolRoles", "iam:PassRole"], [poolArn(), pool.authRoleArn]);
    await asGuest().send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.poolId, Roles: { authenticated: pool.authRoleArn } }));
    expect(kit.emulator.core.state.cognitoIdentity.pools[pool.poolId]!.Roles).toEqual({ authenticated: pool.authRoleArn });
  });
});

describe("IAM with issued credentials", () => {
  it("answers AccessDenied (403) unless the role allows the IAM action on the resource", async () => {
    const iam = new IAMClient({ endpoint: kit.emulator.url, region: REGION, credentials: guestCredentials, maxAttempts: 1 });
    const denied = await failure(iam.send(new ListRolesCommand({})));
    expect(denied.code).toBe("AccessDenied");
    expect(denied.status).toBe(403);
    expect(denied.message).toContain(`User: ${assumedRoleArn} is not authorized to perform: iam:ListRoles`);
    await allow("iam:GetRole", pool.unauthRoleArn);
    expect((await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.Arn).toBe(pool.unauthRoleArn);
    iam.destroy();
  });
});
