import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetIdentityPoolRolesCommand,
  ListIdentityPoolsCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
} from "@aws-sdk/client-cognito-identity";
import { CreateOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../../test/identity-errors.js";
import { startIdentityKit, type IdentityKit } from "../testing/identity-fixtures.js";
import { REGION } from "../testing/harness.js";

let kit: IdentityKit;
beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(() => kit.stop());
beforeEach(() => kit.emulator.control.reset());

const ROLE = "arn:aws:iam::000000000000:role/Some";

describe("Create / Describe / Update / Delete", () => {
  it("creates a pool with a <region>:<uuid> id and echoes the whole configuration", async () => {
    const created = await kit.identity.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: "My app, v2 (test)".replace(/[(),]/g, ""),
        AllowUnauthenticatedIdentities: true,
        AllowClassicFlow: false,
        DeveloperProviderName: "login.myapp",
        SupportedLoginProviders: { "accounts.google.com": "client.apps.googleusercontent.com" },
        CognitoIdentityProviders: [{ ProviderName: "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123", ClientId: "abc123", ServerSideTokenCheck: true }],
        IdentityPoolTags: { team: "web" },
      }),
    );
    expect(created.IdentityPoolId).toMatch(new RegExp(`^${REGION}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
    const described = await kit.identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: created.IdentityPoolId }));
    expect(described).toMatchObject({
      IdentityPoolId: created.IdentityPoolId,
      IdentityPoolName: "My app v2 test",
      AllowUnauthenticatedIdentities: true,
      AllowClassicFlow: false,
      DeveloperProviderName: "login.myapp",
      SupportedLoginProviders: { "accounts.google.com": "client.apps.googleusercontent.com" },
      CognitoIdentityProviders: [{ ProviderName: "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123", ClientId: "abc123", ServerSideTokenCheck: true }],
      IdentityPoolTags: { team: "web" },
    });
  });

  it("answers ResourceNotFoundException `IdentityPool '<id>' not found.` for an unknown pool", async () => {
    const id = `${REGION}:00000000-0000-0000-0000-000000000000`;
    expect(await failure(kit.identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id })))).toEqual({
      code: "ResourceNotFoundException",
      message: `IdentityPool '${id}' not found.`,
      status: 400,
    });
  });

  it("refuses a user-pool id where an identity-pool id belongs, with AWS's ValidationException text", async () => {
    expect(await failure(kit.identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: "eu-west-1_AbCdE" })))).toEqual({
      code: "ValidationException",
      message:
        "1 validation error detected: Value 'eu-west-1_AbCdE' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+",
      status: 400,
    });
  });

  it("reports every violated constraint at once, and a missing required member as null", async () => {
    const error = await failure(
      kit.identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: "bad/name", AllowUnauthenticatedIdentities: undefined as never })),
    );
    expect(error.code).toBe("ValidationException");
    expect(error.message).toBe(
      "2 validation errors detected: Value null at 'allowUnauthenticatedIdentities' failed to satisfy constraint: Member must not be null; " +
        "Value 'bad/name' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
    );
    expect(kit.emulator.core.state.cognitoIdentity.pools).toEqual({});
  });

  it("refuses providers it cannot configure with InvalidParameterException", async () => {
    const base = { IdentityPoolName: "p", AllowUnauthenticatedIdentities: false };
    const social = await failure(kit.identity.send(new CreateIdentityPoolCommand({ ...base, SupportedLoginProviders: { "login.example.com": "x" } })));
    expect(social.code).toBe("InvalidParameterException");
    expect(social.message).toMatch(/login\.example\.com is not a supported login provider/);
    const oidc = await failure(
      kit.identity.send(new CreateIdentityPoolCommand({ ...base, OpenIdConnectProviderARNs: ["arn:aws:iam::000000000000:oidc-provider/nowhere.example.com"] })),
    );
    expect(oidc.code).toBe("InvalidParameterException");
    expect(oidc.message).toMatch(/does not exist/);
    const userPool = await failure(
      kit.identity.send(new CreateIdentityPoolCommand({ ...base, CognitoIdentityProviders: [{ ProviderName: "eu-west-1_AbC", ClientId: "x" }] })),
    );
    expect(userPool.code).toBe("InvalidParameterException");
    expect(kit.emulator.core.state.cognitoIdentity.pools).toEqual({});
  });

  it("treats UpdateIdentityPool as a full replacement and keeps the developer provider fixed", async () => {
    const { IdentityPoolId } = await kit.identity.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: "p",
        AllowUnauthenticatedIdentities: true,
        DeveloperProviderName: "dev",
        SupportedLoginProviders: { "graph.facebook.com": "123" },
      }),
    );
    const updated = await kit.identity.send(
      new UpdateIdentityPoolCommand({ IdentityPoolId, IdentityPoolName: "renamed", AllowUnauthenticatedIdentities: false }),
    );
    expect(updated.IdentityPoolName).toBe("renamed");
    expect(updated.AllowUnauthenticatedIdentities).toBe(false);
    expect(updated.SupportedLoginProviders).toBeUndefined();
    expect(updated.DeveloperProviderName).toBe("dev");
    const change = await failure(
      kit.identity.send(
        new UpdateIdentityPoolCommand({ IdentityPoolId, IdentityPoolName: "p", AllowUnauthenticatedIdentities: false, DeveloperProviderName: "other" }),
      ),
    );
    expect(change).toEqual({ code: "InvalidParameterException", message: "DeveloperProviderName cannot be changed once it is set.", status: 400 });
  });

  it("deletes a pool; afterwards it is not found", async () => {
    const { IdentityPoolId } = await kit.identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: "p", AllowUnauthenticatedIdentities: true }));
    await kit.identity.send(new DeleteIdentityPoolCommand({ IdentityPoolId }));
    expect((await failure(kit.identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId })))).code).toBe("ResourceNotFoundException");
  });
});

describe("ListIdentityPools", () => {
  it("pages with NextToken and only lists pools of the signing region", async () => {
    const names = ["a", "b", "c"];
    for (const IdentityPoolName of names) await kit.identity.send(new CreateIdentityPoolCommand({ IdentityPoolName, AllowUnauthenticatedIdentities: true }));
    const elsewhere = new CognitoIdentityClient({
      endpoint: kit.emulator.url,
      region: "us-west-2",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const other = await elsewhere.send(new CreateIdentityPoolCommand({ IdentityPoolName: "west", AllowUnauthenticatedIdentities: true }));
    expect(other.IdentityPoolId).toMatch(/^us-west-2:/);

    const first = await kit.identity.send(new ListIdentityPoolsCommand({ MaxResults: 2 }));
    expect(first.IdentityPools?.map((p) => p.IdentityPoolName)).toEqual(["a", "b"]);
    expect(first.NextToken).toBeTruthy();
    const second = await kit.identity.send(new ListIdentityPoolsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect(second.IdentityPools?.map((p) => p.IdentityPoolName)).toEqual(["c"]);
    expect(second.NextToken).toBeUndefined();

    // Each region is its own endpoint on AWS: the west pool is invisible to eu-west-1 calls.
    expect((await failure(kit.identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: other.IdentityPoolId })))).code).toBe(
      "ResourceNotFoundException",
    );
    elsewhere.destroy();
  });

  it("requires MaxResults within 1..60", async () => {
    const error = await failure(kit.identity.send(new ListIdentityPoolsCommand({ MaxResults: 61 })));
    expect(error.message).toBe(
      "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
  });
});

describe("Set / GetIdentityPoolRoles", () => {
  it("stores roles and role mappings for configured providers", async () => {
    const { OpenIDConnectProviderArn } = await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://idp.example.com", ClientIDList: ["web"] }));
    const userPool = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123";
    const { IdentityPoolId } = await kit.identity.send(
      new CreateIdentityPoolCommand({
        IdentityPoolName: "p",
        AllowUnauthenticatedIdentities: true,
        OpenIdConnectProviderARNs: [OpenIDConnectProviderArn!],
        CognitoIdentityProviders: [{ ProviderName: userPool, ClientId: "client1" }],
      }),
    );
    const RoleMappings = {
      [`${userPool}:client1`]: { Type: "Token" as const, AmbiguousRoleResolution: "AuthenticatedRole" as const },
      [OpenIDConnectProviderArn!]: {
        Type: "Rules" as const,
        AmbiguousRoleResolution: "Deny" as const,
        RulesConfiguration: { Rules: [{ Claim: "groups", MatchType: "Contains" as const, Value: "admin", RoleARN: ROLE }] },
      },
    };
    await kit.identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: ROLE, unauthenticated: ROLE }, RoleMappings }));
    const got = await kit.identity.send(new GetIdentityPoolRolesCommand({ IdentityPoolId }));
    expect(got).toMatchObject({ IdentityPoolId, Roles: { authenticated: ROLE, unauthenticated: ROLE }, RoleMappings });
  });

  it("refuses a mapping key that is not a configured provider, in AWS's words", async () => {
    const { IdentityPoolId } = await kit.identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: "p", AllowUnauthenticatedIdentities: true }));
    const error = await failure(
      kit.identity.send(
        new SetIdentityPoolRolesCommand({
          IdentityPoolId,
          Roles: {},
          RoleMappings: { "https://idp.example.com": { Type: "Token", AmbiguousRoleResolution: "Deny" } },
        }),
      ),
    );
    expect(error).toEqual({
      code: "InvalidParameterException",
      message: "https://idp.example.com is not a valid RoleMapping ProviderName or is not a configured provider.",
      status: 400,
    });
  });

  it("validates role types and mapping enums", async () => {
    const { IdentityPoolId } = await kit.identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: "p", AllowUnauthenticatedIdentities: true }));
    const error = await failure(kit.identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { admin: ROLE } })));
    expect(error.code).toBe("ValidationException");
    expect(error.message).toContain("Map keys must satisfy constraint: [Member must satisfy regular expression pattern: (un)?authenticated]");
  });
});

describe("signatures", () => {
  it("refuses an unsigned admin call with MissingAuthenticationTokenException, in header and body", async () => {
    const response = await fetch(kit.emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityService.ListIdentityPools" },
      body: JSON.stringify({ MaxResults: 10 }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException:");
    expect(await response.json()).toMatchObject({ __type: "MissingAuthenticationTokenException" });
  });

  it("refuses a wrong secret with InvalidSignatureException", async () => {
    const wrong = new CognitoIdentityClient({
      endpoint: kit.emulator.url,
      region: REGION,
      credentials: { accessKeyId: "test", secretAccessKey: "nope" },
      maxAttempts: 1,
    });
    const error = await failure(wrong.send(new ListIdentityPoolsCommand({ MaxResults: 10 })));
    expect(error.code).toBe("InvalidSignatureException");
    wrong.destroy();
  });
});

describe("seeds", () => {
  it("creates pools with fixed ids, roles and mappings, and re-applies without duplicating", async () => {
    const seed = {
      roles: [
        {
          RoleName: "SeedAuth",
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" }],
          },
        },
      ],
      identityPools: [
        {
          IdentityPoolId: "eu-west-1:11111111-2222-3333-4444-555555555555",
          IdentityPoolName: "demo",
          AllowUnauthenticatedIdentities: true,
          Roles: { authenticated: "arn:aws:iam::000000000000:role/SeedAuth" },
        },
        { IdentityPoolName: "generated", AllowUnauthenticatedIdentities: false, Region: "eu-west-1" },
      ],
    };
    const first = await kit.emulator.control.seed(seed);
    expect(first.identityPools[0]).toEqual({ id: "eu-west-1:11111111-2222-3333-4444-555555555555", name: "demo" });
    expect(first.identityPools[1]!.id).toMatch(/^eu-west-1:/);
    const again = await kit.emulator.control.seed(seed);
    expect(again.identityPools).toEqual(first.identityPools);

    const listed = await kit.identity.send(new ListIdentityPoolsCommand({ MaxResults: 60 }));
    expect(listed.IdentityPools?.map((p) => p.IdentityPoolName).sort()).toEqual(["demo", "generated"]);
    const roles = await kit.identity.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: "eu-west-1:11111111-2222-3333-4444-555555555555" }));
    expect(roles.Roles).toEqual({ authenticated: "arn:aws:iam::000000000000:role/SeedAuth" });
  });

  it("refuses a seed with a bad pool id, naming the member", async () => {
    await expect(
      kit.emulator.control.seed({ identityPools: [{ IdentityPoolId: "eu-west-1_bad", IdentityPoolName: "x", AllowUnauthenticatedIdentities: true }] }),
    ).rejects.toThrow(/at 'identityPoolId' failed to satisfy constraint/);
  });
});
