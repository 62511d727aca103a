import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REGION, ROOT_CREDENTIALS, startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { failure } from "../../test/identity-errors.js";

const TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" }],
};
const S3_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" }] };

let emulator: TestEmulator;
let iam: IAMClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  iam = new IAMClient({ endpoint: emulator.url, region: REGION, credentials: ROOT_CREDENTIALS, maxAttempts: 1 });
});
afterAll(async () => {
  iam.destroy();
  await emulator.stop();
});
beforeEach(() => emulator.control.reset());

describe("roles", () => {
  it("creates a role and reads it back with the trust policy URL-encoded, as IAM returns it", async () => {
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: "Guest", AssumeRolePolicyDocument: JSON.stringify(TRUST), Path: "/app/", Description: "guests" }),
    );
    expect(created.Role?.Arn).toBe("arn:aws:iam::000000000000:role/app/Guest");
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(created.Role?.CreateDate).toBeInstanceOf(Date);
    expect(Math.abs(created.Role!.CreateDate!.getTime() - Date.now())).toBeLessThan(60_000);

    const got = await iam.send(new GetRoleCommand({ RoleName: "Guest" }));
    expect(got.Role?.RoleId).toBe(created.Role?.RoleId);
    expect(got.Role?.Path).toBe("/app/");
    expect(got.Role?.Description).toBe("guests");
    expect(got.Role?.MaxSessionDuration).toBe(3600);
    expect(got.Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(JSON.stringify(TRUST)));
    expect(JSON.parse(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!))).toEqual(TRUST);
  });

  it("refuses a second role with the same name, ignoring case (EntityAlreadyExists, 409)", async () => {
    await iam.send(new CreateRoleCommand({ RoleName: "Guest", AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    const error = await failure(iam.send(new CreateRoleCommand({ RoleName: "guest", AssumeRolePolicyDocument: JSON.stringify(TRUST) })));
    expect(error).toEqual({ code: "EntityAlreadyExists", message: "Role with name guest already exists.", status: 409 });
  });

  it("answers NoSuchEntity (404) for an unknown role", async () => {
    const error = await failure(iam.send(new GetRoleCommand({ RoleName: "Nope" })));
    expect(error).toEqual({ code: "NoSuchEntity", message: "The role with name Nope cannot be found.", status: 404 });
  });

  it("validates names and durations in Coral's message shape (ValidationError)", async () => {
    const error = await failure(
      iam.send(new CreateRoleCommand({ RoleName: "bad name!", AssumeRolePolicyDocument: JSON.stringify(TRUST), MaxSessionDuration: 60 })),
    );
    expect(error.code).toBe("ValidationError");
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      "2 validation errors detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; " +
        "Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );
    expect(Object.keys(emulator.core.state.iam.roles)).toEqual([]);
  });

  it("rejects trust policies that are not JSON or lack a principal (MalformedPolicyDocument)", async () => {
    expect(await failure(iam.send(new CreateRoleCommand({ RoleName: "R", AssumeRolePolicyDocument: "{not json" })))).toEqual({
      code: "MalformedPolicyDocument",
      message: "This policy contains invalid Json",
      status: 400,
    });
    const noPrincipal = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity" }] };
    const missing = await failure(iam.send(new CreateRoleCommand({ RoleName: "R", AssumeRolePolicyDocument: JSON.stringify(noPrincipal) })));
    expect(missing.code).toBe("MalformedPolicyDocument");
    expect(missing.message).toMatch(/Principal/);
    const badVersion = { ...TRUST, Version: "2020-01-01" };
    const version = await failure(iam.send(new CreateRoleCommand({ RoleName: "R", AssumeRolePolicyDocument: JSON.stringify(badVersion) })));
    expect(version.code).toBe("MalformedPolicyDocument");
    expect(version.message).toMatch(/Version/);
    expect(emulator.core.state.iam.roles).toEqual({});
  });

  it("enforces the 2048-character trust policy quota (LimitExceeded)", async () => {
    const big = { ...TRUST, Statement: [{ ...TRUST.Statement[0], Sid: "x".repeat(2100) }] };
    const error = await failure(iam.send(new CreateRoleCommand({ RoleName: "R", AssumeRolePolicyDocument: JSON.stringify(big) })));
    expect(error).toEqual({ code: "LimitExceeded", message: "Cannot exceed quota for ACLSizePerRole: 2048", status: 409 });
  });

  it("lists roles by path prefix, paginated with a marker", async () => {
    for (const name of ["A", "B", "C"]) await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(TRUST), Path: "/x/" }));
    await iam.send(new CreateRoleCommand({ RoleName: "D", AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    const first = await iam.send(new ListRolesCommand({ PathPrefix: "/x/", MaxItems: 2 }));
    expect(first.Roles?.map((r) => r.RoleName)).toEqual(["A", "B"]);
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(new ListRolesCommand({ PathPrefix: "/x/", MaxItems: 2, Marker: first.Marker }));
    expect(second.Roles?.map((r) => r.RoleName)).toEqual(["C"]);
    expect(second.IsTruncated).toBe(false);
    const all = await iam.send(new ListRolesCommand({}));
    expect(all.Roles?.map((r) => r.RoleName)).toEqual(["A", "B", "C", "D"]);
  });
});

describe("inline role policies", () => {
  beforeEach(async () => {
    await iam.send(new CreateRoleCommand({ RoleName: "Auth", AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
  });

  it("stores a policy and returns it URL-encoded", async () => {
    await iam.send(new PutRolePolicyCommand({ RoleName: "Auth", PolicyName: "s3", PolicyDocument: JSON.stringify(S3_POLICY) }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: "Auth", PolicyName: "s3" }));
    expect(got.RoleName).toBe("Auth");
    expect(got.PolicyName).toBe("s3");
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument!))).toEqual(S3_POLICY);
    expect(emulator.core.state.iam.roles["Auth"]?.Policies["s3"]).toBe(JSON.stringify(S3_POLICY));
  });

  it("replaces a policy put again under the same name", async () => {
    await iam.send(new PutRolePolicyCommand({ RoleName: "Auth", PolicyName: "s3", PolicyDocument: JSON.stringify(S3_POLICY) }));
    const second = { ...S3_POLICY, Statement: [{ ...S3_POLICY.Statement[0], Action: "s3:PutObject" }] };
    await iam.send(new PutRolePolicyCommand({ RoleName: "Auth", PolicyName: "s3", PolicyDocument: JSON.stringify(second) }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: "Auth", PolicyName: "s3" }));
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument!))).toEqual(second);
  });

  it("answers NoSuchEntity for an unknown role or policy", async () => {
    expect(await failure(iam.send(new PutRolePolicyCommand({ RoleName: "Nope", PolicyName: "p", PolicyDocument: JSON.stringify(S3_POLICY) })))).toEqual({
      code: "NoSuchEntity",
      message: "The role with name Nope cannot be found.",
      status: 404,
    });
    expect(await failure(iam.send(new GetRolePolicyCommand({ RoleName: "Auth", PolicyName: "missing" })))).toEqual({
      code: "NoSuchEntity",
      message: "The role policy with name missing cannot be found.",
      status: 404,
    });
  });

  it("refuses identity policies that name a principal, miss a resource or have no statements", async () => {
    const withPrincipal = { Version: "2012-10-17", Statement: [{ ...S3_POLICY.Statement[0], Principal: "*" }] };
    const principal = await failure(iam.send(new PutRolePolicyCommand({ RoleName: "Auth", PolicyName: "p", PolicyDocument: JSON.stringify(withPrincipal) })));
    expect(principal.code).toBe("MalformedPolicyDocument");
    expect(principal.status).toBe(400);
    expect(principal.message).toMatch(/Principal/);
    const noResource = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] };
    expect((await failure(iam.send(new PutRolePolicyCommand({ RoleName: "Auth", PolicyName: "p", PolicyDocument: JSON.stringify(noResource) })))).code).toBe(
      "MalformedPolicyDocument",
    );
    const noStatements = { Version: "2012-10-17", Statement: [] };
    expect(
      await failure(iam.send(new PutRolePolicyCommand({ RoleName: "Auth", PolicyName: "p", PolicyDocument: JSON.stringify(noStatements) }))),
    ).toMatchObject({
      code: "MalformedPolicyDocument",
      message: "Syntax errors in policy.",
      status: 400,
    });
    expect(emulator.core.state.iam.roles["Auth"]?.Policies).toEqual({});
  });
});

describe("OpenID Connect providers", () => {
  it("registers an issuer and reads it back with the URL without scheme, as IAM shows it", async () => {
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://login.example.com/tenant", ClientIDList: ["app-1", "app-2"], ThumbprintList: ["a".repeat(40)] }),
    );
    expect(created.OpenIDConnectProviderArn).toBe("arn:aws:iam::000000000000:oidc-provider/login.example.com/tenant");
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: created.OpenIDConnectProviderArn }));
    expect(got.Url).toBe("login.example.com/tenant");
    expect(got.ClientIDList).toEqual(["app-1", "app-2"]);
    expect(got.ThumbprintList).toEqual(["a".repeat(40)]);
    expect(got.CreateDate).toBeInstanceOf(Date);
    const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    expect(list.OpenIDConnectProviderList).toEqual([{ Arn: created.OpenIDConnectProviderArn }]);
  });

  it("accepts http issuers only on loopback (an emulator extension; AWS takes https only)", async () => {
    const local = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: "http://127.0.0.1:4000/realms/x", ClientIDList: ["web"] }));
    expect(local.OpenIDConnectProviderArn).toBe("arn:aws:iam::000000000000:oidc-provider/127.0.0.1:4000/realms/x");
    const error = await failure(iam.send(new CreateOpenIDConnectProviderCommand({ Url: "http://idp.example.com", ClientIDList: ["web"] })));
    expect(error.code).toBe("InvalidInput");
    expect(error.status).toBe(400);
  });

  it("refuses a second provider for the same issuer and bad thumbprints", async () => {
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://login.example.com", ClientIDList: ["a"] }));
    expect(await failure(iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://login.example.com", ClientIDList: ["b"] })))).toEqual({
      code: "EntityAlreadyExists",
      message: "Provider with url https://login.example.com already exists.",
      status: 409,
    });
    const bad = await failure(
      iam.send(new CreateOpenIDConnectProviderCommand({ Url: "https://other.example.com", ClientIDList: ["a"], ThumbprintList: ["abc"] })),
    );
    expect(bad.code).toBe("ValidationError");
    expect(bad.message).toBe(
      "1 validation error detected: Value 'abc' at 'thumbprintList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 40",
    );
  });

  it("answers NoSuchEntity for an unknown provider ARN", async () => {
    const arn = "arn:aws:iam::000000000000:oidc-provider/nowhere.example.com";
    expect(await failure(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })))).toEqual({
      code: "NoSuchEntity",
      message: `OpenIDConnect Provider not found for arn ${arn}`,
      status: 404,
    });
  });
});

describe("signatures and seeds", () => {
  it("refuses a wrong secret with SignatureDoesNotMatch and an unsigned call with MissingAuthenticationToken", async () => {
    const wrong = new IAMClient({ endpoint: emulator.url, region: REGION, credentials: { accessKeyId: "test", secretAccessKey: "wrong" }, maxAttempts: 1 });
    const error = await failure(wrong.send(new ListRolesCommand({})));
    expect(error.code).toBe("SignatureDoesNotMatch");
    expect(error.status).toBe(403);
    wrong.destroy();

    const response = await fetch(emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=ListRoles&Version=2010-05-08",
    });
    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toContain("<Code>MissingAuthenticationToken</Code>");
    expect(body).toContain('xmlns="https://iam.amazonaws.com/doc/2010-05-08/"');
  });

  it("seeds roles with inline policies and OIDC providers, and re-applies the same seed without error", async () => {
    const seed = {
      roles: [{ RoleName: "Seeded", AssumeRolePolicyDocument: TRUST, Policies: { s3: S3_POLICY }, MaxSessionDuration: 7200 }],
      openIdConnectProviders: [{ Url: "http://127.0.0.1:9/idp", ClientIDList: ["web"] }],
    };
    const first = await emulator.control.seed(seed);
    expect(first.roles).toEqual(["arn:aws:iam::000000000000:role/Seeded"]);
    const roleId = emulator.core.state.iam.roles["Seeded"]!.RoleId;
    const again = await emulator.control.seed({ ...seed, openIdConnectProviders: [{ Url: "http://127.0.0.1:9/idp", ClientIDList: ["web", "mobile"] }] });
    expect(again.roles).toEqual(first.roles);

    const role = await iam.send(new GetRoleCommand({ RoleName: "Seeded" }));
    expect(role.Role?.RoleId).toBe(roleId);
    expect(role.Role?.MaxSessionDuration).toBe(7200);
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: "Seeded", PolicyName: "s3" }));
    expect(JSON.parse(decodeURIComponent(policy.PolicyDocument!))).toEqual(S3_POLICY);
    const provider = await iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: "arn:aws:iam::000000000000:oidc-provider/127.0.0.1:9/idp" }),
    );
    expect(provider.ClientIDList).toEqual(["web", "mobile"]);
  });

  it("refuses a seed whose policy is malformed, naming the problem", async () => {
    await expect(
      emulator.control.seed({
        roles: [{ RoleName: "Bad", AssumeRolePolicyDocument: { Statement: [{ Effect: "Maybe", Principal: "*", Action: "sts:AssumeRoleWithWebIdentity" }] } }],
      }),
    ).rejects.toThrow(/MalformedPolicyDocument/);
  });
});
