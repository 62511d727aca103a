import { GetCredentialsForIdentityCommand, GetIdCommand, SetIdentityPoolRolesCommand, type RoleMapping } from "@aws-sdk/client-cognito-identity";
import { CreateOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
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
import { startOidcIssuer, type TestIssuer } from "../testing/identity-oidc-issuer.js";

/** Role resolution (see resolveRole in roles.ts) with RoleMappings on an OIDC provider whose tokens carry the claims. */
let kit: IdentityKit;
let issuer: TestIssuer;
let pool: TestPool;
let providerArn: string;
let adminRole: string;
let editorRole: string;
const device = () => publicIdentityClient(kit.emulator.url);

beforeAll(async () => {
  kit = await startIdentityKit();
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await kit.stop();
  await issuer.stop();
});
beforeEach(async () => {
  await kit.emulator.control.reset();
  providerArn = (await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ["web"] }))).OpenIDConnectProviderArn!;
  pool = await createTestPool(kit, { OpenIdConnectProviderARNs: [providerArn] });
  adminRole = await createRole(kit.iam, "Admin", cognitoTrustPolicy(pool.poolId, "authenticated"));
  editorRole = await createRole(kit.iam, "Editor", cognitoTrustPolicy(pool.poolId, "authenticated"));
});

async function mapWith(key: string, mapping: RoleMapping) {
  await kit.identity.send(
    new SetIdentityPoolRolesCommand({
      IdentityPoolId: pool.poolId,
      Roles: { authenticated: pool.authRoleArn, unauthenticated: pool.unauthRoleArn },
      RoleMappings: { [key]: mapping },
    }),
  );
}

/** Signs in with the given claims and returns the role the credentials were issued for. */
async function roleFor(claims: Record<string, unknown>, CustomRoleArn?: string): Promise<string> {
  const Logins = { [issuer.loginKey]: await issuer.mint({ sub: "user", aud: "web", ...claims }) };
  const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins }));
  const response = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins, CustomRoleArn }));
  return kit.emulator.core.state.credentials[response.Credentials!.AccessKeyId!]!.roleArn;
}

const denied = { code: "NotAuthorizedException", message: "The ambiguous role mapping rules denied this request.", status: 400 };

describe("Rules mappings", () => {
  it("takes the first matching rule, by Equals, Contains (array claims by membership), StartsWith and NotEqual", async () => {
    await mapWith(providerArn, {
      Type: "Rules",
      AmbiguousRoleResolution: "AuthenticatedRole",
      RulesConfiguration: {
        Rules: [
          { Claim: "groups", MatchType: "Contains", Value: "admins", RoleARN: adminRole },
          { Claim: "email", MatchType: "StartsWith", Value: "editor.", RoleARN: editorRole },
          { Claim: "dept", MatchType: "Equals", Value: "ops", RoleARN: adminRole },
          { Claim: "tier", MatchType: "NotEqual", Value: "free", RoleARN: editorRole },
        ],
      },
    });
    expect(await roleFor({ groups: ["users", "admins"], email: "editor.x@example.com" })).toBe(adminRole);
    expect(await roleFor({ groups: ["users"], email: "editor.x@example.com" })).toBe(editorRole);
    expect(await roleFor({ dept: "ops" })).toBe(adminRole);
    expect(await roleFor({ tier: "paid" })).toBe(editorRole);
    // NotEqual skips a missing claim; nothing matches → AmbiguousRoleResolution = AuthenticatedRole.
    expect(await roleFor({ tier: "free" })).toBe(pool.authRoleArn);
    expect(await roleFor({})).toBe(pool.authRoleArn);
  });

  it("lets CustomRoleArn pick among matching rules only", async () => {
    await mapWith(providerArn, {
      Type: "Rules",
      AmbiguousRoleResolution: "Deny",
      RulesConfiguration: {
        Rules: [
          { Claim: "groups", MatchType: "Contains", Value: "admins", RoleARN: adminRole },
          { Claim: "groups", MatchType: "Contains", Value: "editors", RoleARN: editorRole },
        ],
      },
    });
    expect(await roleFor({ groups: ["admins", "editors"] }, editorRole)).toBe(editorRole);
    expect(await failure(roleFor({ groups: ["editors"] }, adminRole))).toEqual(denied);
  });

  it("denies when nothing matches and AmbiguousRoleResolution is Deny, issuing nothing", async () => {
    await mapWith(issuer.loginKey, {
      Type: "Rules",
      AmbiguousRoleResolution: "Deny",
      RulesConfiguration: { Rules: [{ Claim: "groups", MatchType: "Contains", Value: "admins", RoleARN: adminRole }] },
    });
    expect(await failure(roleFor({ groups: ["users"] }))).toEqual(denied);
    expect(kit.emulator.core.state.credentials).toEqual({});
  });
});

describe("Token mappings", () => {
  beforeEach(() => mapWith(providerArn, { Type: "Token", AmbiguousRoleResolution: "Deny" }));

  it("uses cognito:preferred_role, or a CustomRoleArn listed in cognito:roles", async () => {
    expect(await roleFor({ "cognito:roles": [adminRole, editorRole], "cognito:preferred_role": editorRole })).toBe(editorRole);
    expect(await roleFor({ "cognito:roles": [adminRole, editorRole], "cognito:preferred_role": editorRole }, adminRole)).toBe(adminRole);
  });

  it("denies a CustomRoleArn outside cognito:roles, and roles without a preferred one", async () => {
    expect(await failure(roleFor({ "cognito:roles": [editorRole] }, adminRole))).toEqual(denied);
    expect(await failure(roleFor({ "cognito:roles": [adminRole, editorRole] }))).toEqual(denied);
  });

  it("refuses a chosen role whose trust policy does not trust the pool", async () => {
    const untrusting = await createRole(kit.iam, "Untrusting", cognitoTrustPolicy("eu-west-1:00000000-0000-0000-0000-000000000000", "authenticated"));
    expect((await failure(roleFor({ "cognito:preferred_role": untrusting }))).code).toBe("InvalidIdentityPoolConfigurationException");
  });
});

describe("without a mapping", () => {
  it("ignores CustomRoleArn and uses the authenticated role", async () => {
    expect(await roleFor({}, adminRole)).toBe(pool.authRoleArn);
  });
});
