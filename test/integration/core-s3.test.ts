import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT_CREDENTIALS } from "cognito-idpool-emulator/testing";
import type { Auth } from "../../packages/cognito-idpool/src/auth.js";
import { clearRequests, count, identityRequests, newPool, oidcLogin, page, startCoreKit, type CoreKit, type CorePool } from "./core-kit.js";

/**
 * `auth.credentials` follows identity changes, checked with a real S3Client against the emulator's S3: each identity may only write under
 * `private/<its identity id>/`, so a request signed with the previous identity's credentials is
 * refused with AccessDenied. The client is created once; after each login, merge and sign-out its
 * very next request must go to the new identity's prefix and succeed.
 */
let core: CoreKit;
let pool: CorePool;
let bucket: string;
let buckets = 0;

const ownPrefixOnly = (bucketName: string) => ({
  s3: {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `arn:aws:s3:::${bucketName}/private/\${cognito-identity.amazonaws.com:sub}/*` },
    ],
  },
});

beforeAll(async () => {
  core = await startCoreKit();
});
afterAll(async () => {
  await core.stop();
});
beforeEach(async () => {
  bucket = `core-s3-${++buckets}`;
  const admin = new S3Client({ endpoint: core.url, region: "eu-west-1", forcePathStyle: true, credentials: ROOT_CREDENTIALS, maxAttempts: 1 });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  pool = await newPool(core, {}, { authenticated: ownPrefixOnly(bucket), unauthenticated: ownPrefixOnly(bucket) });
  await clearRequests(core);
});

function s3For(auth: Auth): S3Client {
  return new S3Client({ endpoint: core.url, region: "eu-west-1", forcePathStyle: true, credentials: auth.credentials, maxAttempts: 1 });
}

/** Writes to the current identity's own prefix; the id is read from the state, which costs no request. */
async function putOwn(s3: S3Client, auth: Auth, body: string): Promise<string> {
  const identityId = auth.getState().identityId!;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `private/${identityId}/note.txt`, Body: body }));
  return identityId;
}

describe("an S3Client created once follows the user", () => {
  it("its very next request after login (link), sign-out and login (merge) signs as the new identity", async () => {
    const elsewhere = page(core, pool, { storage: "memory" });
    await elsewhere.setLogins(oidcLogin(core, "alice")); // alice has an identity already: her login merges
    const aliceId = (await elsewhere.getCredentials()).identityId;
    elsewhere.dispose();

    const auth = page(core, pool);
    const s3 = s3For(auth);
    await auth.getIdentityId();
    const guestId = await putOwn(s3, auth, "guest");

    await auth.setLogins(oidcLogin(core, "bob")); // new login: linked, same id, authenticated role
    expect(await putOwn(s3, auth, "bob")).toBe(guestId);

    await auth.signOut();
    const secondGuest = await auth.getIdentityId();
    expect(secondGuest).not.toBe(guestId);
    // Signed with bob's credentials this would be refused: the policy allows only the signer's own prefix.
    expect(await putOwn(s3, auth, "second guest")).toBe(secondGuest);

    await auth.setLogins(oidcLogin(core, "alice"));
    expect(await putOwn(s3, auth, "alice")).toBe(aliceId);
    const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `private/${aliceId}/note.txt` }));
    expect(await read.Body!.transformToString()).toBe("alice");

    const log = await core.kit.emulator.control("requests");
    const s3Calls = (log.requests as { service: string; status: number }[]).filter((r) => r.service === "s3");
    expect(s3Calls.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    s3.destroy();
    auth.dispose();
  });

  it("the control: a client handed the credentials' real expiration keeps signing as the guest and is refused", async () => {
    const auth = page(core, pool);
    const s3 = new S3Client({ endpoint: core.url, region: "eu-west-1", forcePathStyle: true, credentials: () => auth.getCredentials(), maxAttempts: 1 });
    await auth.getIdentityId();
    await putOwn(s3, auth, "guest");
    const elsewhere = page(core, pool, { storage: "memory" });
    await elsewhere.setLogins(oidcLogin(core, "carol"));
    elsewhere.dispose();
    await auth.setLogins(oidcLogin(core, "carol")); // merged: a new identity id
    await expect(putOwn(s3, auth, "carol")).rejects.toMatchObject({ name: "AccessDenied" });
    s3.destroy();
    auth.dispose();
  });

  it("SDK requests are answered from memory: many S3 calls, no extra identity-pool calls", async () => {
    const auth = page(core, pool);
    const s3 = s3For(auth);
    await auth.getIdentityId();
    for (let i = 0; i < 20; i++) await putOwn(s3, auth, `n${i}`);
    const log = await identityRequests(core);
    expect(count(log, "GetId")).toBe(1);
    expect(count(log, "GetCredentialsForIdentity")).toBe(1);
    s3.destroy();
    auth.dispose();
  });
});
