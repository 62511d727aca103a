import {
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  GetPrincipalTagAttributeMapCommand,
  SetPrincipalTagAttributeMapCommand,
  type Credentials,
} from "@aws-sdk/client-cognito-identity";
import { CreateSAMLProviderCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../../test/identity-errors.js";
import { s3Client } from "../../test/s3-helpers.js";
import {
  cognitoTrustPolicy,
  createRole,
  createTestPool,
  publicIdentityClient,
  startIdentityKit,
  type IdentityKit,
  type TestPool,
} from "../testing/identity-fixtures.js";

/** Principal tags: attribute maps per provider, tags carried in the session, and `aws:PrincipalTag/…` in S3 policies. */
let kit: IdentityKit;
let pool: TestPool;
let samlArn: string;
const device = () => publicIdentityClient(kit.emulator.url);
const GOOGLE_APP = "1234-web.apps.googleusercontent.com";
const BUCKET = "files";

beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(() => kit.stop());
beforeEach(async () => {
  await kit.emulator.control.reset();
  const metadata = await kit.emulator.control.samlMetadata("corp");
  samlArn = (await kit.iam.send(new CreateSAMLProviderCommand({ Name: "corp", SAMLMetadataDocument: metadata }))).SAMLProviderArn!;
  pool = await createTestPool(kit, {
    SamlProviderARNs: [samlArn],
    SupportedLoginProviders: { "accounts.google.com": GOOGLE_APP, "www.amazon.com": "amzn1.application.abc" },
  });
});

const setMap = (IdentityProviderName: string, input: { UseDefaults?: boolean; PrincipalTags?: Record<string, string> }) =>
  kit.identity.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: pool.poolId, IdentityProviderName, ...input }));
const getMap = (IdentityProviderName: string) =>
  kit.identity.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: pool.poolId, IdentityProviderName }));
const sessionOf = (credentials: Credentials) => kit.emulator.core.state.credentials[credentials.AccessKeyId!]!;

/** Credentials for a SAML user with these attributes, the role chosen by the assertion. */
async function samlCredentials(nameId: string, roleArn: string, attributes: Record<string, string | string[]>): Promise<Credentials> {
  const { samlResponse } = await kit.emulator.control.samlResponse("corp", { nameId, roles: [roleArn], attributes });
  const Logins = { [samlArn]: samlResponse };
  const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins }));
  return (await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }))).Credentials!;
}

describe("Set/GetPrincipalTagAttributeMap", () => {
  it("has no map until one is set, then echoes defaults per provider or the custom map", async () => {
    expect(await getMap("accounts.google.com")).toMatchObject({
      IdentityPoolId: pool.poolId,
      IdentityProviderName: "accounts.google.com",
      UseDefaults: false,
      PrincipalTags: {},
    });

    const google = await setMap("accounts.google.com", { UseDefaults: true });
    expect(google).toMatchObject({ UseDefaults: true, PrincipalTags: { username: "sub", client: "aud" } });
    expect(await getMap("accounts.google.com")).toMatchObject({ UseDefaults: true, PrincipalTags: { username: "sub", client: "aud" } });
    expect((await setMap("www.amazon.com", { UseDefaults: true })).PrincipalTags).toEqual({ username: "user_id", client: "aud" });
    expect((await setMap(samlArn, { UseDefaults: true })).PrincipalTags).toEqual({
      username: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
      client: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    });

    await setMap(samlArn, { UseDefaults: false, PrincipalTags: { department: "department", level: "clearance" } });
    expect(await getMap(samlArn)).toMatchObject({ UseDefaults: false, PrincipalTags: { department: "department", level: "clearance" } });
    // Neither defaults nor tags: switched off again.
    await setMap(samlArn, { UseDefaults: false });
    expect(await getMap(samlArn)).toMatchObject({ UseDefaults: false, PrincipalTags: {} });
  });

  it("refuses a provider the pool does not have and an unknown pool", async () => {
    expect(await failure(setMap("graph.facebook.com", { UseDefaults: true }))).toEqual({
      code: "InvalidParameterException",
      message: "graph.facebook.com is not a configured provider of this identity pool.",
      status: 400,
    });
    const missing = await failure(
      kit.identity.send(
        new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: "eu-west-1:00000000-0000-0000-0000-000000000000", IdentityProviderName: samlArn }),
      ),
    );
    expect(missing.code).toBe("ResourceNotFoundException");
  });
});

describe("principal tags in sessions", () => {
  it("tags a Google session with the default claims, and only once the map is set", async () => {
    const { token } = await kit.emulator.control.mintSocialToken("accounts.google.com", { audience: GOOGLE_APP, sub: "g-1" });
    const Logins = { "accounts.google.com": token };
    const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins }));
    const untagged = (await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }))).Credentials!;
    expect(Object.keys(sessionOf(untagged).context).filter((k) => k.startsWith("aws:PrincipalTag/"))).toEqual([]);

    await setMap("accounts.google.com", { UseDefaults: true });
    const tagged = (await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }))).Credentials!;
    expect(sessionOf(tagged).context).toMatchObject({ "aws:PrincipalTag/username": "g-1", "aws:PrincipalTag/client": GOOGLE_APP });
    // The classic flow's token carries them too, for AssumeRoleWithWebIdentity.
    const { Token } = await device().send(new GetOpenIdTokenCommand({ IdentityId, Logins }));
    expect(decodeJwt(Token!)["https://aws.amazon.com/tags"]).toEqual({ principal_tags: { username: ["g-1"], client: [GOOGLE_APP] } });
  });

  it("tags a SAML session from NameID and attributes (first value of a multi-valued one)", async () => {
    await setMap(samlArn, {
      PrincipalTags: { user: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier", department: "department", group: "groups" },
    });
    const credentials = await samlCredentials("alice", pool.authRoleArn, { department: "eng", groups: ["admins", "staff"] });
    expect(sessionOf(credentials).context).toMatchObject({
      "aws:PrincipalTag/user": "alice",
      "aws:PrincipalTag/department": "eng",
      "aws:PrincipalTag/group": "admins",
    });
  });

  it("refuses a tagged session when the role's trust policy does not allow sts:TagSession", async () => {
    const trust = JSON.parse(cognitoTrustPolicy(pool.poolId, "authenticated")) as { Statement: { Action: unknown }[] };
    trust.Statement[0]!.Action = "sts:AssumeRoleWithWebIdentity";
    const untaggable = await createRole(kit.iam, "NoTags", JSON.stringify(trust));
    expect((await samlCredentials("alice", untaggable, { department: "eng" })).AccessKeyId).toBeTruthy();
    await setMap(samlArn, { PrincipalTags: { department: "department" } });
    const error = await failure(samlCredentials("alice", untaggable, { department: "eng" }));
    expect(error).toEqual({
      code: "InvalidIdentityPoolConfigurationException",
      message: "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
      status: 400,
    });
  });
});

describe("aws:PrincipalTag in S3 policies", () => {
  it("lets a user read only teams/<department>/ and, by condition, shared/ when in eng", async () => {
    const root = s3Client(kit.emulator.url);
    await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const Key of ["teams/eng/plan.txt", "teams/sales/leads.txt", "shared/handbook.txt"]) {
      await root.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    }
    root.destroy();
    const roleArn = await createRole(kit.iam, "Teams", cognitoTrustPolicy(pool.poolId, "authenticated"), {
      teams: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/teams/\${aws:PrincipalTag/department}/*` },
          {
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: `arn:aws:s3:::${BUCKET}/shared/*`,
            Condition: { StringEquals: { "aws:PrincipalTag/department": "eng" } },
          },
        ],
      },
    });
    await setMap(samlArn, { PrincipalTags: { department: "department" } });

    const read = async (credentials: Credentials, Key: string) => {
      const client = s3Client(kit.emulator.url, {
        accessKeyId: credentials.AccessKeyId!,
        secretAccessKey: credentials.SecretKey!,
        sessionToken: credentials.SessionToken!,
      });
      try {
        return await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToString();
      } catch (error) {
        return (error as { name: string }).name;
      } finally {
        client.destroy();
      }
    };
    const eng = await samlCredentials("alice", roleArn, { department: "eng" });
    expect(await read(eng, "teams/eng/plan.txt")).toBe("teams/eng/plan.txt");
    expect(await read(eng, "teams/sales/leads.txt")).toBe("AccessDenied");
    expect(await read(eng, "shared/handbook.txt")).toBe("shared/handbook.txt");

    const sales = await samlCredentials("bob", roleArn, { department: "sales" });
    expect(await read(sales, "teams/sales/leads.txt")).toBe("teams/sales/leads.txt");
    expect(await read(sales, "teams/eng/plan.txt")).toBe("AccessDenied");
    expect(await read(sales, "shared/handbook.txt")).toBe("AccessDenied");

    const untagged = await samlCredentials("carol", roleArn, {});
    expect(await read(untagged, "teams/eng/plan.txt")).toBe("AccessDenied");
  });
});
