import { createHash } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { errorCode, rawS3, s3Client } from "../../test/s3-helpers.js";
import { s3Service } from "./index.js";
import { getBucket } from "./state.js";

let emulator: TestEmulator;
let s3: S3Client;

beforeAll(async () => {
  emulator = await startTestEmulator();
  s3 = s3Client(emulator.url);
});
afterAll(() => emulator.stop());

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof S3ServiceException)) throw new Error(`expected an S3 error, got ${String(error)}`);
  return error;
}

const md5Base64 = (text: string) => createHash("md5").update(text).digest("base64");

describe("CreateBucket, HeadBucket, ListBuckets, DeleteBucket", () => {
  test("creates a bucket in the region the request was signed for", async () => {
    const created = await s3.send(new CreateBucketCommand({ Bucket: "alpha-bucket" }));
    expect(created.Location).toBe("/alpha-bucket");
    const head = await s3.send(new HeadBucketCommand({ Bucket: "alpha-bucket" }));
    expect(head.BucketRegion).toBe("eu-west-1");
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: "alpha-bucket" }));
    expect(location.LocationConstraint).toBe("eu-west-1");
  });

  test("us-east-1 buckets have an empty location constraint", async () => {
    const east = s3Client(emulator.url, undefined, { region: "us-east-1" });
    await east.send(new CreateBucketCommand({ Bucket: "east-bucket" }));
    const location = await east.send(new GetBucketLocationCommand({ Bucket: "east-bucket" }));
    expect(location.LocationConstraint ?? "").toBe("");
  });

  test("a location constraint for another region than the endpoint's is IllegalLocationConstraintException", async () => {
    const error = await failure(
      s3.send(new CreateBucketCommand({ Bucket: "wrong-region", CreateBucketConfiguration: { LocationConstraint: "eu-central-1" } })),
    );
    expect(error.name).toBe("IllegalLocationConstraintException");
    expect(getBucket(emulator.core.state.s3, "wrong-region")).toBeUndefined();
  });

  test("creating a bucket again is BucketAlreadyOwnedByYou (409)", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "twice-bucket" }));
    const error = await failure(s3.send(new CreateBucketCommand({ Bucket: "twice-bucket" })));
    expect(error.name).toBe("BucketAlreadyOwnedByYou");
    expect(error.$metadata.httpStatusCode).toBe(409);
  });

  test.each(["ab", "Upper-Case", "under_score", "-leading", "trailing-", "two..dots", "192.168.1.1", "xn--punycode", "a".repeat(64)])(
    "%s is InvalidBucketName",
    async (name) => {
      const response = await rawS3(emulator.url, { method: "PUT", path: `/${name}` });
      expect([response.status, errorCode(response.text)]).toEqual([400, "InvalidBucketName"]);
    },
  );

  test("ListBuckets lists every bucket with its creation date and region", async () => {
    const result = await s3.send(new ListBucketsCommand({}));
    const names = result.Buckets?.map((b) => b.Name) ?? [];
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(["alpha-bucket", "east-bucket", "twice-bucket"]));
    const alpha = result.Buckets!.find((b) => b.Name === "alpha-bucket")!;
    expect(alpha.CreationDate).toBeInstanceOf(Date);
    expect(alpha.BucketRegion).toBe("eu-west-1");
    expect(result.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
  });

  test("ListBuckets filters by prefix", async () => {
    const result = await s3.send(new ListBucketsCommand({ Prefix: "east" }));
    expect(result.Buckets?.map((b) => b.Name)).toEqual(["east-bucket"]);
  });

  test("ExpectedBucketOwner other than the emulator's account is AccessDenied", async () => {
    await s3.send(new HeadBucketCommand({ Bucket: "alpha-bucket", ExpectedBucketOwner: "000000000000" }));
    const error = await failure(s3.send(new GetBucketLocationCommand({ Bucket: "alpha-bucket", ExpectedBucketOwner: "111111111111" })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
  });

  test("HeadBucket of a missing bucket is a 404", async () => {
    const error = await failure(s3.send(new HeadBucketCommand({ Bucket: "never-made" })));
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  test("a bucket with objects is BucketNotEmpty; an empty one is deleted", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "full-bucket" }));
    await s3.send(new PutObjectCommand({ Bucket: "full-bucket", Key: "k", Body: "v" }));
    const error = await failure(s3.send(new DeleteBucketCommand({ Bucket: "full-bucket" })));
    expect(error.name).toBe("BucketNotEmpty");
    expect(error.$metadata.httpStatusCode).toBe(409);

    await s3.send(new CreateBucketCommand({ Bucket: "empty-bucket" }));
    const deleted = await s3.send(new DeleteBucketCommand({ Bucket: "empty-bucket" }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(getBucket(emulator.core.state.s3, "empty-bucket")).toBeUndefined();
    expect((await failure(s3.send(new DeleteBucketCommand({ Bucket: "empty-bucket" })))).name).toBe("NoSuchBucket");
  });
});

describe("PutBucketCors, GetBucketCors, DeleteBucketCors", () => {
  const rules = [
    {
      ID: "site",
      AllowedOrigins: ["http://localhost:5173", "https://*.example.com"],
      AllowedMethods: ["GET", "PUT"],
      AllowedHeaders: ["*"],
      ExposeHeaders: ["ETag"],
      MaxAgeSeconds: 600,
    },
    { AllowedOrigins: ["*"], AllowedMethods: ["HEAD"] },
  ];

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "cors-config" }));
  });

  test("a configuration round-trips", async () => {
    await s3.send(new PutBucketCorsCommand({ Bucket: "cors-config", CORSConfiguration: { CORSRules: rules } }));
    const got = await s3.send(new GetBucketCorsCommand({ Bucket: "cors-config" }));
    expect(got.CORSRules).toEqual(rules);
  });

  test("without a configuration GetBucketCors is NoSuchCORSConfiguration (404)", async () => {
    await s3.send(new DeleteBucketCorsCommand({ Bucket: "cors-config" }));
    const error = await failure(s3.send(new GetBucketCorsCommand({ Bucket: "cors-config" })));
    expect(error.name).toBe("NoSuchCORSConfiguration");
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  test.each([
    ["a PATCH method", { AllowedOrigins: ["*"], AllowedMethods: ["PATCH"] }, "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"],
    [
      "two wildcards in an origin",
      { AllowedOrigins: ["https://*.*.com"], AllowedMethods: ["GET"] },
      'AllowedOrigin "https://*.*.com" can not have more than one wildcard.',
    ],
    [
      "two wildcards in a header",
      { AllowedOrigins: ["*"], AllowedMethods: ["GET"], AllowedHeaders: ["x-*-*"] },
      'AllowedHeader "x-*-*" can not have more than one wildcard.',
    ],
    [
      "a wildcard in ExposeHeader",
      { AllowedOrigins: ["*"], AllowedMethods: ["GET"], ExposeHeaders: ["x-amz-*"] },
      'ExposeHeader "x-amz-*" contains wildcard. We currently do not support wildcard for ExposeHeader.',
    ],
  ])("%s is InvalidRequest", async (_, rule, message) => {
    const error = await failure(s3.send(new PutBucketCorsCommand({ Bucket: "cors-config", CORSConfiguration: { CORSRules: [rule] } })));
    expect(error.name).toBe("InvalidRequest");
    expect(error.message).toBe(message);
  });

  test.each([
    ["not XML", "AllowedOrigin: *"],
    ["another root", "<CORSRules><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSRules>"],
    ["no rule", "<CORSConfiguration></CORSConfiguration>"],
    ["a rule without AllowedMethod", "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>"],
    [
      "an unknown element",
      "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><Colour>red</Colour></CORSRule></CORSConfiguration>",
    ],
    [
      "a negative MaxAgeSeconds",
      "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds></CORSRule></CORSConfiguration>",
    ],
  ])("a body with %s is MalformedXML", async (_, body) => {
    const response = await rawS3(emulator.url, { method: "PUT", path: "/cors-config?cors", headers: { "content-md5": md5Base64(body) }, body });
    expect([response.status, errorCode(response.text)]).toEqual([400, "MalformedXML"]);
  });

  test("a body without Content-MD5 or a checksum is InvalidRequest", async () => {
    const body = "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
    const response = await rawS3(emulator.url, { method: "PUT", path: "/cors-config?cors", body });
    expect([response.status, errorCode(response.text)]).toEqual([400, "InvalidRequest"]);
    const accepted = await rawS3(emulator.url, { method: "PUT", path: "/cors-config?cors", headers: { "content-md5": md5Base64(body) }, body });
    expect(accepted.status).toBe(200);
  });
});

describe("seeds", () => {
  test("a seed creates buckets with CORS and objects, and can be applied again", async () => {
    const seed = {
      buckets: [
        {
          Name: "seeded-bucket",
          Region: "eu-west-1",
          Cors: [{ AllowedOrigins: ["http://localhost:5173"], AllowedMethods: ["GET"] }],
          Objects: [{ Key: "public/hello.txt", Body: "hi from the seed", ContentType: "text/plain" }],
        },
      ],
    };
    const result = await emulator.control("seed", seed);
    expect(result.buckets).toEqual(["seeded-bucket"]);
    await emulator.control("seed", seed);
    const got = await s3.send(new GetObjectCommand({ Bucket: "seeded-bucket", Key: "public/hello.txt" }));
    expect(await got.Body!.transformToString()).toBe("hi from the seed");
    expect(got.ContentType).toBe("text/plain");
    const cors = await s3.send(new GetBucketCorsCommand({ Bucket: "seeded-bucket" }));
    expect(cors.CORSRules).toEqual(seed.buckets[0]!.Cors);
  });

  test("an emulator started with a seed has its buckets", async () => {
    const seeded = await startTestEmulator({ seed: { buckets: [{ Name: "boot-bucket", Objects: [{ Key: "a", Body: "b" }] }] } });
    try {
      const client = s3Client(seeded.url);
      const got = await client.send(new GetObjectCommand({ Bucket: "boot-bucket", Key: "a" }));
      expect(await got.Body!.transformToString()).toBe("b");
    } finally {
      await seeded.stop();
    }
  });

  test.each([
    ["an invalid name", { Name: "Bad_Name" }, /Name "Bad_Name" is not a valid bucket name/],
    ["a CORS rule without methods", { Name: "ok-name", Cors: [{ AllowedOrigins: ["*"] }] }, /Cors\[0\]\.AllowedMethods/],
    ["a CORS rule S3 would refuse", { Name: "ok-name", Cors: [{ AllowedOrigins: ["*"], AllowedMethods: ["PATCH"] }] }, /Unsupported method is PATCH/],
    ["an object without a body", { Name: "ok-name", Objects: [{ Key: "k" }] }, /Objects\[0\]\.Body/],
    ["a region that is not one", { Name: "ok-name", Region: "mars" }, /Region/],
  ])("a seed with %s is refused with a message naming it", async (_, bucket, message) => {
    await expect(startTestEmulator({ seed: { buckets: [{ Name: "first-ok" }, bucket as never] } })).rejects.toThrow(message);
    // Nothing of a refused seed is applied, not even the buckets before the bad one.
    await expect(emulator.control("seed", { buckets: [{ Name: "first-ok" }, bucket] })).rejects.toThrow();
    expect(getBucket(emulator.core.state.s3, "first-ok")).toBeUndefined();
  });
});

describe("operation names, request log and faults", () => {
  test.each([
    ["GET", "/", "", "ListBuckets"],
    ["PUT", "/b", "", "CreateBucket"],
    ["HEAD", "/b", "", "HeadBucket"],
    ["DELETE", "/b", "", "DeleteBucket"],
    ["GET", "/b", "?list-type=2&prefix=x", "ListObjectsV2"],
    ["GET", "/b", "", "ListObjects"],
    ["GET", "/b", "?location", "GetBucketLocation"],
    ["PUT", "/b", "?cors", "PutBucketCors"],
    ["GET", "/b/", "?cors", "GetBucketCors"],
    ["DELETE", "/b", "?cors", "DeleteBucketCors"],
    ["POST", "/b", "?delete", "DeleteObjects"],
    ["PUT", "/b/k", "?x-id=PutObject", "PutObject"],
    ["GET", "/b/dir/k", "", "GetObject"],
    ["HEAD", "/b/k", "", "HeadObject"],
    ["DELETE", "/b/k", "", "DeleteObject"],
    ["GET", "/b/k", "?tagging", "GetObjectTagging"],
    ["PUT", "/b", "?policy", "PutBucketPolicy"],
    ["POST", "/b/k", "?uploads", "CreateMultipartUpload"],
    ["PATCH", "/b/k", "", "Unknown"],
  ])("%s %s%s is %s", (method, path, query, name) => {
    const url = new URL(`http://h${path}${query}`);
    expect(s3Service.operationName({ method, rawPath: path, url, headers: {}, body: Buffer.alloc(0) })).toBe(name);
  });

  test("a PUT with x-amz-copy-source is CopyObject", () => {
    expect(
      s3Service.operationName({
        method: "PUT",
        rawPath: "/b/k",
        url: new URL("http://h/b/k"),
        headers: { "x-amz-copy-source": "b/src" },
        body: Buffer.alloc(0),
      }),
    ).toBe("CopyObject");
  });

  test("the request log names S3 operations and a fault targets one of them", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "logged-bucket" }));
    await s3.send(new PutObjectCommand({ Bucket: "logged-bucket", Key: "k", Body: "v" }));
    await emulator.control("requests", undefined, "DELETE");
    await emulator.control("faults", { target: "GetObject", error: "SlowDown", count: 1 });
    const error = await failure(s3.send(new GetObjectCommand({ Bucket: "logged-bucket", Key: "k" })));
    expect(error.name).toBe("SlowDown");
    const got = await s3.send(new GetObjectCommand({ Bucket: "logged-bucket", Key: "k" }));
    expect(await got.Body!.transformToString()).toBe("v");
    const log = await emulator.control("requests");
    expect(log.requests.map((r: { service: string; operation: string; status: number }) => [r.service, r.operation, r.status])).toEqual([
      ["s3", "GetObject", 503],
      ["s3", "GetObject", 200],
    ]);
  });

  test("an operation the emulator does not serve is NotImplemented (501), an unknown method MethodNotAllowed (405)", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "unserved-bucket" }));
    const tagging = await rawS3(emulator.url, { method: "GET", path: "/unserved-bucket/k?tagging" });
    expect([tagging.status, errorCode(tagging.text)]).toEqual([501, "NotImplemented"]);
    const patch = await rawS3(emulator.url, { method: "PATCH", path: "/unserved-bucket/k" });
    expect([patch.status, errorCode(patch.text)]).toEqual([405, "MethodNotAllowed"]);
  });
});
