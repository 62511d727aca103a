import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { ROOT_CREDENTIALS, startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { credentialsFor, errorCode, putRole, rawS3, s3Client, signer, type Credentials } from "../../test/s3-helpers.js";
import type { IamRole } from "../iam/state.js";
import { getBucket, getObject } from "./state.js";

let emulator: TestEmulator;
let root: S3Client;
const BUCKET = "app-bucket";
const POOL = "eu-west-1:0000aaaa-bbbb-cccc-dddd-eeeeffff0000";
const GUEST = "eu-west-1:11111111-1111-1111-1111-111111111111";
const ALICE = "eu-west-1:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
const BOB = "eu-west-1:bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";

const publicRead = { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/public/*` };
/** Shared by both roles: only sessions whose amr says "authenticated" may upload. */
const uploads = {
  Version: "2012-10-17",
  Statement: {
    Effect: "Allow",
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::${BUCKET}/uploads/*`,
    Condition: { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } },
  },
};
const guestPolicy = { Version: "2012-10-17", Statement: [publicRead] };
const authenticatedPolicy = {
  Version: "2012-10-17",
  Statement: [
    publicRead,
    {
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: `arn:aws:s3:::${BUCKET}/private/\${cognito-identity.amazonaws.com:sub}/*`,
    },
    {
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: `arn:aws:s3:::${BUCKET}`,
      Condition: { StringLike: { "s3:prefix": ["private/${cognito-identity.amazonaws.com:sub}/*"] } },
    },
  ],
};

let guestRole: IamRole;
let authRole: IamRole;
const clients: Record<string, S3Client> = {};
const credentials: Record<string, Credentials> = {};

function contextOf(sub: string, amr: string[]) {
  return { "cognito-identity.amazonaws.com:sub": sub, "cognito-identity.amazonaws.com:aud": POOL, "cognito-identity.amazonaws.com:amr": amr };
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  root = s3Client(emulator.url);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const key of ["public/readme.txt", `private/${ALICE}/diary.txt`, `private/${BOB}/diary.txt`]) {
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `content of ${key}` }));
  }
  guestRole = putRole(emulator.core, "GuestRole", { read: guestPolicy, uploads });
  authRole = putRole(emulator.core, "AuthRole", { access: authenticatedPolicy, uploads });
  const amr = (sub: string) => [
    "authenticated",
    "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool",
    `cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool:CognitoSignIn:${sub}`,
  ];
  credentials["guest"] = credentialsFor(emulator.core, guestRole, contextOf(GUEST, ["unauthenticated"]));
  credentials["alice"] = credentialsFor(emulator.core, authRole, contextOf(ALICE, amr(ALICE)));
  credentials["bob"] = credentialsFor(emulator.core, authRole, contextOf(BOB, amr(BOB)));
  for (const [who, c] of Object.entries(credentials)) clients[who] = s3Client(emulator.url, c);
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.core.clock.offsetMs = 0;
});

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "allowed";
  } catch (error) {
    if (!(error instanceof S3ServiceException)) throw error;
    return `${error.name} ${error.$metadata.httpStatusCode}`;
  }
}

const SUBS: Record<string, string> = { guest: GUEST, alice: ALICE, bob: BOB };
const own = (who: string, rest: string) => `private/${SUBS[who]}/${rest}`;

describe("allow/deny matrix: guest vs authenticated role, two identities", () => {
  type Row = [who: string, what: string, run: (c: S3Client, who: string) => Promise<unknown>, expected: string];
  const DENIED = "AccessDenied 403";
  const rows: Row[] = [
    ["guest", "read public/", (c) => c.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })), "allowed"],
    ["guest", "head public/", (c) => c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })), "allowed"],
    ["guest", "write public/", (c) => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: "public/x", Body: "x" })), DENIED],
    ["guest", "write uploads/ (needs amr authenticated)", (c) => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: "uploads/g", Body: "x" })), DENIED],
    ["guest", "delete public/", (c) => c.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })), DENIED],
    ["guest", "read alice's private file", (c) => c.send(new GetObjectCommand({ Bucket: BUCKET, Key: own("alice", "diary.txt") })), DENIED],
    ["guest", "list public/", (c) => c.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "public/" })), DENIED],
    ["guest", "list buckets", (c) => c.send(new ListBucketsCommand({})), DENIED],
    ["alice", "read public/", (c) => c.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })), "allowed"],
    ["alice", "write public/", (c) => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: "public/x", Body: "x" })), DENIED],
    ["alice", "write uploads/", (c) => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: "uploads/a", Body: "x" })), "allowed"],
    ["alice", "read her own file", (c, w) => c.send(new GetObjectCommand({ Bucket: BUCKET, Key: own(w, "diary.txt") })), "allowed"],
    ["alice", "write her own prefix", (c, w) => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: own(w, "new.txt"), Body: "mine" })), "allowed"],
    ["alice", "delete in her own prefix", (c, w) => c.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: own(w, "new.txt") })), "allowed"],
    ["alice", "list her own prefix", (c, w) => c.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: own(w, "") })), "allowed"],
    ["alice", "read bob's file", (c) => c.send(new GetObjectCommand({ Bucket: BUCKET, Key: own("bob", "diary.txt") })), DENIED],
    ["alice", "write bob's prefix", (c) => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: own("bob", "x"), Body: "x" })), DENIED],
    ["alice", "delete bob's file", (c) => c.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: own("bob", "diary.txt") })), DENIED],
    ["alice", "list bob's prefix", (c) => c.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: own("bob", "") })), DENIED],
    ["alice", "list the whole bucket", (c) => c.send(new ListObjectsV2Command({ Bucket: BUCKET })), DENIED],
    ["alice", "list private/", (c) => c.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "private/" })), DENIED],
    ["alice", "create a bucket", (c) => c.send(new CreateBucketCommand({ Bucket: "alice-bucket" })), DENIED],
    [
      "alice",
      "copy public/ into her prefix",
      (c, w) => c.send(new CopyObjectCommand({ Bucket: BUCKET, Key: own(w, "copy.txt"), CopySource: `${BUCKET}/public/readme.txt` })),
      "allowed",
    ],
    [
      "alice",
      "copy bob's file into her prefix",
      (c, w) => c.send(new CopyObjectCommand({ Bucket: BUCKET, Key: own(w, "stolen.txt"), CopySource: `${BUCKET}/${own("bob", "diary.txt")}` })),
      DENIED,
    ],
    [
      "alice",
      "copy her file into public/",
      (c, w) => c.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "public/leak.txt", CopySource: `${BUCKET}/${own(w, "diary.txt")}` })),
      DENIED,
    ],
    ["bob", "read his own file", (c, w) => c.send(new GetObjectCommand({ Bucket: BUCKET, Key: own(w, "diary.txt") })), "allowed"],
    ["bob", "write his own prefix", (c, w) => c.send(new PutObjectCommand({ Bucket: BUCKET, Key: own(w, "b.txt"), Body: "b" })), "allowed"],
    ["bob", "read alice's file", (c) => c.send(new GetObjectCommand({ Bucket: BUCKET, Key: own("alice", "diary.txt") })), DENIED],
    ["bob", "list alice's prefix", (c) => c.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: own("alice", "") })), DENIED],
  ];

  test.each(rows)("%s: %s", async (who, _, run, expected) => {
    expect(await outcome(run(clients[who]!, who))).toBe(expected);
  });

  test("a denied write leaves nothing behind; an allowed one is stored", async () => {
    const bucket = getBucket(emulator.core.state.s3, BUCKET)!;
    expect(getObject(bucket, "public/x")).toBeUndefined();
    expect(getObject(bucket, own("alice", "x"))).toBeUndefined();
    expect(getObject(bucket, own("bob", "x"))).toBeUndefined();
    expect(getObject(bucket, own("bob", "b.txt"))).toBeDefined();
    expect(getObject(bucket, own("bob", "diary.txt"))).toBeDefined();
  });

  test("listing her own prefix shows only her keys", async () => {
    const result = await clients["alice"]!.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: own("alice", "") }));
    expect(result.Contents?.every((c) => c.Key!.startsWith(`private/${ALICE}/`))).toBe(true);
    expect(result.Contents?.map((c) => c.Key)).toContain(own("alice", "diary.txt"));
  });

  test("a missing key without s3:ListBucket is AccessDenied, not NoSuchKey (as S3 hides which keys exist)", async () => {
    expect(await outcome(clients["alice"]!.send(new GetObjectCommand({ Bucket: BUCKET, Key: own("alice", "missing.txt") })))).toBe("AccessDenied 403");
    expect(await outcome(root.send(new GetObjectCommand({ Bucket: BUCKET, Key: own("alice", "missing.txt") })))).toBe("NoSuchKey 404");
  });

  test("DeleteObjects authorizes each key: her own is deleted, bob's reported AccessDenied and kept", async () => {
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: own("alice", "bulk.txt"), Body: "x" }));
    const result = await clients["alice"]!.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: own("alice", "bulk.txt") }, { Key: own("bob", "diary.txt") }] } }),
    );
    expect(result.Deleted?.map((d) => d.Key)).toEqual([own("alice", "bulk.txt")]);
    expect(result.Errors?.map((e) => [e.Key, e.Code])).toEqual([[own("bob", "diary.txt"), "AccessDenied"]]);
    expect(getObject(getBucket(emulator.core.state.s3, BUCKET)!, own("bob", "diary.txt"))).toBeDefined();
  });

  test("AccessDenied names the caller, action, resource and why, as S3 does within one account", async () => {
    const response = await rawS3(emulator.url, { method: "PUT", path: `/${BUCKET}/public/raw`, body: "x", credentials: credentials["guest"]! });
    expect(response.status).toBe(403);
    expect(errorCode(response.text)).toBe("AccessDenied");
    expect(response.text).toContain(
      `<Message>User: arn:aws:sts::000000000000:assumed-role/GuestRole/CognitoIdentityCredentials is not authorized to perform: s3:PutObject on resource: &quot;arn:aws:s3:::${BUCKET}/public/raw&quot; because no identity-based policy allows the s3:PutObject action</Message>`,
    );
  });

  test("a missing key without s3:ListBucket is denied naming s3:ListBucket on the bucket", async () => {
    const error = await clients["alice"]!.send(new GetObjectCommand({ Bucket: BUCKET, Key: own("alice", "nothing-here.txt") })).catch(
      (e: unknown) => e as S3ServiceException,
    );
    expect(error).toBeInstanceOf(S3ServiceException);
    expect((error as S3ServiceException).message).toMatch(
      new RegExp(`not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${BUCKET}" because no identity-based policy`),
    );
  });
});

describe("explicit Deny and role changes", () => {
  test("an explicit Deny beats an Allow of the same role", async () => {
    const role = putRole(emulator.core, "GuardedRole", {
      all: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:*", Resource: "*" } },
      guard: {
        Version: "2012-10-17",
        Statement: { Effect: "Deny", Action: ["s3:DeleteObject", "s3:PutObject"], Resource: `arn:aws:s3:::${BUCKET}/protected/*` },
      },
    });
    const client = s3Client(emulator.url, credentialsFor(emulator.core, role, {}));
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: "protected/keep.txt", Body: "keep" }));
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "protected/keep.txt" })))).toBe("allowed");
    const denied = await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "protected/keep.txt" })).catch((e: unknown) => e as S3ServiceException);
    expect(denied).toBeInstanceOf(S3ServiceException);
    expect((denied as S3ServiceException).name).toBe("AccessDenied");
    expect((denied as S3ServiceException).message).toMatch(
      /s3:DeleteObject on resource: "arn:aws:s3:::app-bucket\/protected\/keep.txt" with an explicit deny in an identity-based policy$/,
    );
    expect(await outcome(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "protected/new.txt", Body: "x" })))).toBe("AccessDenied 403");
    expect(await outcome(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "elsewhere.txt", Body: "x" })))).toBe("allowed");
  });

  test("policies are read on each request: a policy removed later stops access", async () => {
    const role = putRole(emulator.core, "ChangingRole", { read: guestPolicy });
    const client = s3Client(emulator.url, credentialsFor(emulator.core, role, {}));
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("allowed");
    role.Policies = {};
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("AccessDenied 403");
  });

  test("credentials of a deleted role are denied", async () => {
    const role = putRole(emulator.core, "DoomedRole", { read: guestPolicy });
    const client = s3Client(emulator.url, credentialsFor(emulator.core, role, {}));
    delete emulator.core.state.iam.roles["DoomedRole"];
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("AccessDenied 403");
  });

  test("a policy that is not JSON grants nothing and breaks nothing", async () => {
    const role = putRole(emulator.core, "BrokenRole", { broken: "{not json", read: guestPolicy });
    const client = s3Client(emulator.url, credentialsFor(emulator.core, role, {}));
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("allowed");
    expect(await outcome(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "public/y", Body: "y" })))).toBe("AccessDenied 403");
  });

  test("aws:SecureTransport is false: a policy requiring TLS denies", async () => {
    const role = putRole(emulator.core, "TlsRole", {
      all: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*" } },
      tls: { Version: "2012-10-17", Statement: { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } } },
    });
    const client = s3Client(emulator.url, credentialsFor(emulator.core, role, {}));
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("AccessDenied 403");
  });
});

describe("authentication failures", () => {
  test("an unsigned request is AccessDenied (there are no bucket policies to let anyone in)", async () => {
    const response = await rawS3(emulator.url, { method: "GET", path: `/${BUCKET}/public/readme.txt`, unsigned: true });
    expect([response.status, errorCode(response.text)]).toEqual([403, "AccessDenied"]);
  });

  test("an access key the emulator never issued is InvalidAccessKeyId", async () => {
    const client = s3Client(emulator.url, { accessKeyId: "ASIANEVERISSUED0000", secretAccessKey: "x", sessionToken: "y" });
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("InvalidAccessKeyId 403");
  });

  test("a tampered session token is InvalidToken", async () => {
    const good = credentialsFor(emulator.core, guestRole, contextOf(GUEST, ["unauthenticated"]));
    const tampered = { ...good, sessionToken: `${good.sessionToken!.slice(0, -4)}AAAA` };
    expect(await outcome(s3Client(emulator.url, tampered).send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("InvalidToken 400");
    const missing = { accessKeyId: good.accessKeyId, secretAccessKey: good.secretAccessKey };
    expect(await outcome(s3Client(emulator.url, missing).send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("InvalidToken 400");
  });

  test("a wrong secret is SignatureDoesNotMatch", async () => {
    const good = credentialsFor(emulator.core, guestRole, contextOf(GUEST, ["unauthenticated"]));
    const client = s3Client(emulator.url, { ...good, secretAccessKey: `${good.secretAccessKey}x` });
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("SignatureDoesNotMatch 403");
    const rootWrong = s3Client(emulator.url, { accessKeyId: "test", secretAccessKey: "wrong" });
    expect(await outcome(rootWrong.send(new ListBucketsCommand({})))).toBe("SignatureDoesNotMatch 403");
  });

  test("expired credentials are ExpiredToken", async () => {
    const short = credentialsFor(emulator.core, guestRole, contextOf(GUEST, ["unauthenticated"]), 900);
    const client = () => s3Client(emulator.url, short, { systemClockOffset: emulator.core.clock.offsetMs });
    expect(await outcome(client().send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("allowed");
    emulator.core.clock.offsetMs = 901 * 1000;
    expect(await outcome(client().send(new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" })))).toBe("ExpiredToken 400");
  });

  test("a request signed more than 15 minutes off the emulator's clock is RequestTimeTooSkewed", async () => {
    emulator.core.clock.offsetMs = 20 * 60 * 1000;
    // maxAttempts 1: the SDK would otherwise correct its clock from the Date header and retry.
    expect(await outcome(s3Client(emulator.url).send(new ListBucketsCommand({})))).toBe("RequestTimeTooSkewed 403");
    const raw = await rawS3(emulator.url, { method: "GET", path: "/", signingDate: new Date(Date.now() - 16 * 60 * 1000 + emulator.core.clock.offsetMs) });
    expect([raw.status, errorCode(raw.text)]).toEqual([403, "RequestTimeTooSkewed"]);
    const within = await rawS3(emulator.url, { method: "GET", path: "/", signingDate: new Date(Date.now() - 14 * 60 * 1000 + emulator.core.clock.offsetMs) });
    expect(within.status).toBe(200);
  });

  test("with retries the SDK corrects its clock from the emulator's Date header and succeeds", async () => {
    emulator.core.clock.offsetMs = 20 * 60 * 1000;
    const client = s3Client(emulator.url, ROOT_CREDENTIALS, { maxAttempts: 3 });
    const result = await client.send(new ListBucketsCommand({}));
    expect(result.$metadata.attempts).toBe(2);
    expect(Math.abs(client.config.systemClockOffset - emulator.core.clock.offsetMs)).toBeLessThan(5 * 60 * 1000);
  });

  test("credentials signed for another service are AuthorizationHeaderMalformed", async () => {
    const url = new URL(`${emulator.url}/${BUCKET}/public/readme.txt`);
    const signed = await signer("sts").sign({
      method: "GET",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    const { host: _host, ...headers } = signed.headers;
    const response = await fetch(url, { headers });
    expect([response.status, errorCode(await response.text())]).toEqual([400, "AuthorizationHeaderMalformed"]);
  });
});

describe("presigned URLs", () => {
  test("a presigned GET works without any header", async () => {
    const url = await getSignedUrl(root, new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" }), { expiresIn: 60 });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("content of public/readme.txt");
  });

  test("a presigned PUT uploads, though the SDK signs an empty-body CRC32 into the URL (S3 ignores query checksums)", async () => {
    const url = await getSignedUrl(root, new PutObjectCommand({ Bucket: BUCKET, Key: "presigned/put.txt" }), { expiresIn: 60 });
    expect(new URL(url).searchParams.get("x-amz-checksum-crc32")).toBe("AAAAAA==");
    const response = await fetch(url, { method: "PUT", body: "uploaded by URL", headers: { "content-type": "text/plain" } });
    expect(response.status).toBe(200);
    const got = await root.send(new GetObjectCommand({ Bucket: BUCKET, Key: "presigned/put.txt" }));
    expect(await got.Body!.transformToString()).toBe("uploaded by URL");
    expect(got.ContentType).toBe("text/plain");
  });

  test("a presigned URL with temporary credentials is still bound by the role's policy", async () => {
    const alice = clients["alice"]!;
    const mine = await getSignedUrl(alice, new PutObjectCommand({ Bucket: BUCKET, Key: own("alice", "via-url.txt") }), { expiresIn: 60 });
    expect((await fetch(mine, { method: "PUT", body: "ok" })).status).toBe(200);
    const theirs = await getSignedUrl(alice, new PutObjectCommand({ Bucket: BUCKET, Key: own("bob", "via-url.txt") }), { expiresIn: 60 });
    const denied = await fetch(theirs, { method: "PUT", body: "no" });
    expect([denied.status, errorCode(await denied.text())]).toEqual([403, "AccessDenied"]);
  });

  test("a URL presigned without X-Amz-Content-Sha256 in the query (as other presigners make them) works", async () => {
    const target = new URL(`${emulator.url}/${BUCKET}/public/readme.txt`);
    // UNSIGNED-PAYLOAD is what S3 presigned URLs sign; here it stays out of the URL.
    const presigned = await signer().presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: target.hostname,
        port: Number(target.port),
        path: target.pathname,
        query: {},
        headers: { host: target.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      { expiresIn: 60, unhoistableHeaders: new Set(["x-amz-content-sha256"]), unsignableHeaders: new Set(["x-amz-content-sha256"]) },
    );
    const url = new URL(target);
    for (const [k, v] of Object.entries(presigned.query ?? {})) url.searchParams.set(k, String(v));
    expect(url.searchParams.has("X-Amz-Content-Sha256")).toBe(false);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("content of public/readme.txt");
  });

  test("an expired presigned URL is AccessDenied: Request has expired", async () => {
    const url = await getSignedUrl(root, new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" }), { expiresIn: 60 });
    emulator.core.clock.offsetMs = 61 * 1000;
    const response = await fetch(url);
    const text = await response.text();
    expect([response.status, errorCode(text)]).toEqual([403, "AccessDenied"]);
    expect(text).toContain("Request has expired");
  });

  test("a tampered presigned URL is SignatureDoesNotMatch", async () => {
    const url = new URL(await getSignedUrl(root, new GetObjectCommand({ Bucket: BUCKET, Key: "public/readme.txt" }), { expiresIn: 60 }));
    const otherKey = new URL(url);
    otherKey.pathname = `/${BUCKET}/private/${BOB}/diary.txt`;
    const longer = new URL(url);
    longer.searchParams.set("X-Amz-Expires", "604800");
    const badSignature = new URL(url);
    badSignature.searchParams.set("X-Amz-Signature", "0".repeat(64));
    for (const tampered of [otherKey, longer, badSignature]) {
      const response = await fetch(tampered);
      expect([response.status, errorCode(await response.text())]).toEqual([403, "SignatureDoesNotMatch"]);
    }
  });
});
