import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { describe, expect, it } from "vitest";
import { createFakeEnv } from "../test/fakes/fake-env.js";

/** A real S3Client whose requests are recorded instead of sent; returns the access key each request was signed with. */
function recordingS3(credentials: NonNullable<ConstructorParameters<typeof S3Client>[0]>["credentials"]) {
  const signedWith: string[] = [];
  const s3 = new S3Client({
    region: "eu-west-1",
    credentials,
    requestHandler: new FetchHttpHandler({
      customFetch: async (input) => {
        const auth = (input as Request).headers.get("authorization") ?? "";
        signedWith.push(/Credential=([^/]+)\//.exec(auth)?.[1] ?? "unsigned");
        return new Response("", { status: 200, headers: { etag: '"x"' } });
      },
    }),
  });
  return { s3, signedWith };
}

describe("long-lived SDK clients follow the user", () => {
  it("an S3Client created once signs its very next request with the new identity after login, merge and sign-out", async () => {
    // AWS SDK clients read the real clock, so the fake device clock starts there.
    const env = createFakeEnv(Date.now());
    // alice already has an identity elsewhere, so her login merges the guest
    const elsewhere = env.auth({ storage: "memory" });
    await elsewhere.setLogins({ "accounts.google.com": "token:alice" });
    elsewhere.dispose();

    const auth = env.auth();
    const { s3, signedWith } = recordingS3(auth.credentials);
    const put = () => s3.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: "x" }));

    await put();
    const guest = await auth.getCredentials();
    expect(signedWith.at(-1)).toBe(guest.accessKeyId);
    await put();
    expect(signedWith.at(-1)).toBe(guest.accessKeyId);

    await auth.setLogins({ "login.example.com": "token:bob" }); // new login: linked
    await put();
    const linked = await auth.getCredentials();
    expect(linked.identityId).toBe(guest.identityId);
    expect(signedWith.at(-1)).toBe(linked.accessKeyId);

    await auth.signOut();
    await put();
    const secondGuest = await auth.getCredentials();
    expect(secondGuest.identityId).not.toBe(guest.identityId);
    expect(signedWith.at(-1)).toBe(secondGuest.accessKeyId);

    await auth.setLogins({ "accounts.google.com": "token:alice" }); // merged
    await put();
    const alice = await auth.getCredentials();
    expect(alice.identityId).not.toBe(secondGuest.identityId);
    expect(signedWith.at(-1)).toBe(alice.accessKeyId);

    // Each of those S3 requests was served from memory: no extra identity-pool calls.
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(5);
    auth.dispose();
  });

  it("the same client holding the credentials' real expiration would not follow (why the cap exists)", async () => {
    const env = createFakeEnv(Date.now());
    const auth = env.auth();
    const uncapped = async () => auth.getCredentials();
    const { s3, signedWith } = recordingS3(uncapped);
    await s3.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: "x" }));
    await auth.setLogins({ "accounts.google.com": "token:alice" });
    await s3.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: "x" }));
    const now = await auth.getCredentials();
    expect(signedWith.at(-1)).not.toBe(now.accessKeyId);
    auth.dispose();
  });
});
