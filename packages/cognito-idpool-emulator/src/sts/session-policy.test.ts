import { GetIdCommand, GetOpenIdTokenCommand } from "@aws-sdk/client-cognito-identity";
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REGION } from "../testing/harness.js";
import { failure } from "../../test/identity-errors.js";
import { s3Client } from "../../test/s3-helpers.js";
import { createTestPool, publicIdentityClient, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";

/** Inline session policies of AssumeRoleWithWebIdentity: they narrow what the role's policies allow in S3. */
let kit: IdentityKit;
let pool: TestPool;
let sts: STSClient;
const BUCKET = "files";

beforeAll(async () => {
  kit = await startIdentityKit();
  sts = new STSClient({ endpoint: kit.emulator.url, region: REGION, maxAttempts: 1, credentials: () => Promise.reject(new Error("no credentials")) });
});
afterAll(async () => {
  sts.destroy();
  await kit.stop();
});
beforeEach(async () => {
  await kit.emulator.control.reset();
  pool = await createTestPool(kit, { AllowClassicFlow: true });
  // The guest role may read and write the whole bucket.
  await kit.iam.send(
    new PutRolePolicyCommand({
      RoleName: pool.unauthRoleArn.split("/").pop()!,
      PolicyName: "files",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::${BUCKET}/*` }],
      }),
    }),
  );
  const root = s3Client(kit.emulator.url);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: "a.txt", Body: "a" }));
  root.destroy();
});

/** An S3 client with the guest role's credentials, under `Policy` when given. */
async function guestS3(Policy?: unknown) {
  const { IdentityId } = await publicIdentityClient(kit.emulator.url).send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
  const { Token } = await publicIdentityClient(kit.emulator.url).send(new GetOpenIdTokenCommand({ IdentityId }));
  const { Credentials } = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: pool.unauthRoleArn,
      RoleSessionName: "web",
      WebIdentityToken: Token,
      ...(Policy === undefined ? {} : { Policy: typeof Policy === "string" ? Policy : JSON.stringify(Policy) }),
    }),
  );
  return s3Client(kit.emulator.url, {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretAccessKey!,
    sessionToken: Credentials!.SessionToken!,
  });
}

const put = (s3: ReturnType<typeof s3Client>, Key: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
const get = (s3: ReturnType<typeof s3Client>, Key: string) => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));

describe("AssumeRoleWithWebIdentity with a session policy", () => {
  it("without one, the role's policies decide", async () => {
    const s3 = await guestS3();
    await put(s3, "b.txt");
    await get(s3, "a.txt");
  });

  it("an explicit Deny in the session policy refuses what the role allows, naming the session policy", async () => {
    const s3 = await guestS3({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Effect: "Deny", Action: "s3:PutObject", Resource: "*" },
      ],
    });
    await get(s3, "a.txt");
    const refused = await put(s3, "b.txt").catch((error: { name: string; message: string }) => error);
    expect(refused).toMatchObject({ name: "AccessDenied" });
    expect((refused as Error).message).toMatch(/with an explicit deny in a session policy$/);
  });

  it("grants nothing the session policy does not allow, nor anything the role does not", async () => {
    const s3 = await guestS3({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:DeleteObject"], Resource: "*" }] });
    await get(s3, "a.txt");
    const refused = await put(s3, "b.txt").catch((error: { name: string; message: string }) => error);
    expect((refused as Error).message).toMatch(/because no session policy allows the s3:PutObject action$/);
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "a.txt" })).catch((error: { name: string; message: string }) => error);
    expect((deleted as Error).message).toMatch(/because no identity-based policy allows the s3:DeleteObject action$/);
  });

  it("refuses a policy that is not JSON or not a policy, and managed session policies", async () => {
    expect(await failure(guestS3("{not json"))).toMatchObject({ code: "MalformedPolicyDocument", message: "This policy contains invalid Json" });
    expect(await failure(guestS3({ Version: "2012-10-17", Statement: [{ Effect: "Maybe", Action: "s3:*", Resource: "*" }] }))).toMatchObject({
      code: "MalformedPolicyDocument",
    });
    const { IdentityId } = await publicIdentityClient(kit.emulator.url).send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    const { Token } = await publicIdentityClient(kit.emulator.url).send(new GetOpenIdTokenCommand({ IdentityId }));
    expect(
      await failure(
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: pool.unauthRoleArn,
            RoleSessionName: "web",
            WebIdentityToken: Token,
            PolicyArns: [{ arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }],
          }),
        ),
      ),
    ).toMatchObject({ code: "ValidationError", message: "Managed session policies (PolicyArns) are not supported by the emulator." });
  });
});
