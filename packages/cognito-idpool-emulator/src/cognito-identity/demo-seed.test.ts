import { readFileSync } from "node:fs";
import { CognitoIdentityProviderClient, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { failure } from "../../test/identity-errors.js";

/** The shipped demo seed, applied at start-up, gives a page working guest and user credentials. */
const SEED_PATH = new URL("../../demo-seed.json", import.meta.url).pathname;
const seed = JSON.parse(readFileSync(SEED_PATH, "utf8"));
const identityPool = seed.identityPools[0];
const userPool = seed.userPools[0];
const user = userPool.Users[0];
const bucket = seed.buckets[0].Name as string;
const region = identityPool.IdentityPoolId.split(":")[0] as string;

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ seed: SEED_PATH });
});
afterAll(() => emulator.stop());

function s3For(credentials: ReturnType<typeof fromCognitoIdentityPool>): S3Client {
  return new S3Client({ endpoint: emulator.url, region, credentials, forcePathStyle: true, maxAttempts: 1 });
}

describe("demo seed", () => {
  it("lets a guest read public/ and write only its own private/ folder", async () => {
    const credentials = fromCognitoIdentityPool({
      identityPoolId: identityPool.IdentityPoolId,
      clientConfig: { endpoint: emulator.url, region, maxAttempts: 1 },
    });
    const { identityId } = await credentials();
    const s3 = s3For(credentials);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "public/" }));
    expect(listed.Contents?.length).toBeGreaterThan(0);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `private/${identityId}/note.txt`, Body: "mine" }));
    expect((await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "private/someone-else/note.txt", Body: "x" })))).code).toBe("AccessDenied");
    s3.destroy();
  });

  it("lets the seeded user sign in and use the authenticated role", async () => {
    const idp = new CognitoIdentityProviderClient({
      endpoint: emulator.url,
      region,
      maxAttempts: 1,
      credentials: { accessKeyId: "unused", secretAccessKey: "unused" },
    });
    const { AuthenticationResult } = await idp.send(
      new InitiateAuthCommand({
        ClientId: userPool.Clients[0].ClientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: user.Username, PASSWORD: user.Password },
      }),
    );
    idp.destroy();
    const providerName = identityPool.CognitoIdentityProviders[0].ProviderName as string;
    const credentials = fromCognitoIdentityPool({
      identityPoolId: identityPool.IdentityPoolId,
      clientConfig: { endpoint: emulator.url, region, maxAttempts: 1 },
      logins: { [providerName]: AuthenticationResult!.IdToken! },
    });
    const { accessKeyId, identityId } = await credentials();
    expect(emulator.core.state.credentials[accessKeyId]!.roleArn).toBe(identityPool.Roles.authenticated);
    const s3 = s3For(credentials);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `private/${identityId}/a.txt`, Body: "a" }));
    const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `private/${identityId}/a.txt` }));
    expect(await read.Body!.transformToString()).toBe("a");
    s3.destroy();
  });
});
