import { CreateOpenIDConnectProviderCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REGION, ROOT_CREDENTIALS } from "../testing/harness.js";
import { failure } from "../../test/identity-errors.js";
import { createTestPool, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";
import { startOidcIssuer, type TestIssuer } from "../testing/identity-oidc-issuer.js";

/**
 * AWS's own credential provider for identity pools, `fromCognitoIdentityPool`, against the emulator:
 * it must get credentials, and those credentials must work (and be limited) at the emulated S3.
 */
const BUCKET = "user-files";
let kit: IdentityKit;
let issuer: TestIssuer;
let pool: TestPool;
let rootS3: S3Client;

/** Each user may list and write under their own identity id, as the AWS docs' per-identity prefix policy does. */
const PER_IDENTITY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: `arn:aws:s3:::${BUCKET}`,
      Condition: { StringLike: { "s3:prefix": ["${cognito-identity.amazonaws.com:sub}/*"] } },
    },
    { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::${BUCKET}/\${cognito-identity.amazonaws.com:sub}/*` },
  ],
};

beforeAll(async () => {
  kit = await startIdentityKit();
  issuer = await startOidcIssuer();
  rootS3 = new S3Client({ endpoint: kit.emulator.url, region: REGION, credentials: ROOT_CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
});
afterAll(async () => {
  rootS3.destroy();
  await issuer.stop();
  await kit.stop();
});
beforeEach(async () => {
  await kit.emulator.control.reset();
  const { OpenIDConnectProviderArn } = await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ["web"] }));
  pool = await createTestPool(kit, { OpenIdConnectProviderARNs: [OpenIDConnectProviderArn!] });
});

function provider(logins?: Record<string, string>) {
  return fromCognitoIdentityPool({
    identityPoolId: pool.poolId,
    clientConfig: { endpoint: kit.emulator.url, region: REGION, maxAttempts: 1 },
    ...(logins ? { logins } : {}),
  });
}

describe("fromCognitoIdentityPool", () => {
  it("gets guest credentials: GetId then GetCredentialsForIdentity, with the expiration as a Date", async () => {
    await kit.emulator.control.clearRequests();
    const credentials = await provider()();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.secretAccessKey).toHaveLength(40);
    expect(credentials.sessionToken).toBeTruthy();
    expect(credentials.expiration).toBeInstanceOf(Date);
    expect(credentials.identityId).toMatch(new RegExp(`^${REGION}:`));
    const requests = await kit.emulator.control.requests();
    expect(requests.map((r: any) => [r.operation, r.identityId])).toEqual([
      ["GetId", credentials.identityId],
      ["GetCredentialsForIdentity", credentials.identityId],
    ]);
    expect(kit.emulator.core.state.credentials[credentials.accessKeyId]!.roleArn).toBe(pool.unauthRoleArn);
  });

  it("gets authenticated credentials for a login", async () => {
    const credentials = await provider({ [issuer.loginKey]: await issuer.mint({ sub: "alice", aud: "web" }) })();
    expect(kit.emulator.core.state.credentials[credentials.accessKeyId]!.roleArn).toBe(pool.authRoleArn);
  });

  it("surfaces the service's error for a refused login", async () => {
    const error = await failure(provider({ [issuer.loginKey]: await issuer.mint({ sub: "alice", aud: "elsewhere" }) })());
    expect(error).toMatchObject({ code: "NotAuthorizedException", message: "Token is not from a supported provider of this identity pool." });
  });
});

describe("fromCognitoIdentityPool → S3", () => {
  beforeEach(async () => {
    await rootS3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await rootS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "someone-else/secret.txt", Body: "no" }));
    const roleName = pool.authRoleArn.split("/").pop()!;
    await kit.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "per-identity", PolicyDocument: JSON.stringify(PER_IDENTITY_POLICY) }));
  });

  it("lists and writes under the identity's own prefix, and is refused elsewhere", async () => {
    const credentials = provider({ [issuer.loginKey]: await issuer.mint({ sub: "alice", aud: "web" }) });
    const s3 = new S3Client({ endpoint: kit.emulator.url, region: REGION, credentials, forcePathStyle: true, maxAttempts: 1 });
    const { identityId } = await credentials();
    const prefix = `${identityId}/`;

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}notes.txt`, Body: "hello" }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([`${prefix}notes.txt`]);
    const read = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}notes.txt` }));
    expect(await read.Body!.transformToString()).toBe("hello");

    expect((await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "someone-else/x.txt", Body: "x" })))).code).toBe("AccessDenied");
    expect((await failure(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "someone-else/" })))).code).toBe("AccessDenied");
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "someone-else/secret.txt" })))).code).toBe("AccessDenied");
    s3.destroy();
  });

  it("gives a guest none of it: the unauthenticated role has no S3 policy", async () => {
    const s3 = new S3Client({ endpoint: kit.emulator.url, region: REGION, credentials: provider(), forcePathStyle: true, maxAttempts: 1 });
    expect((await failure(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })))).code).toBe("AccessDenied");
    s3.destroy();
  });
});
