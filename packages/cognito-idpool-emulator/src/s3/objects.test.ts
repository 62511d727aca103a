import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { errorCode, rawS3, s3Client } from "../../test/s3-helpers.js";
import { getBucket, getObject } from "./state.js";

let emulator: TestEmulator;
let s3: S3Client;
const BUCKET = "objects-test";

beforeAll(async () => {
  emulator = await startTestEmulator();
  s3 = s3Client(emulator.url);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
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

const md5 = (data: string | Buffer) => createHash("md5").update(data).digest("hex");
const crc32Base64 = (data: string | Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString("base64");
};

describe("PutObject, GetObject, HeadObject", () => {
  test("round-trips the body, Content-Type and user metadata, with ETag = quoted MD5", async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: "docs/hello.txt",
        Body: "hello world",
        ContentType: "text/plain; charset=utf-8",
        Metadata: { Owner: "Alice", purpose: "test" },
      }),
    );
    expect(put.ETag).toBe(`"${md5("hello world")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "docs/hello.txt" }));
    expect(await got.Body!.transformToString()).toBe("hello world");
    expect(got.ContentType).toBe("text/plain; charset=utf-8");
    expect(got.ContentLength).toBe(11);
    expect(got.ETag).toBe(`"${md5("hello world")}"`);
    expect(got.Metadata).toEqual({ owner: "Alice", purpose: "test" });
  });

  test("keeps Content-Disposition, Cache-Control and Content-Language", async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: "docs/report.csv",
        Body: "a,b",
        ContentDisposition: 'attachment; filename="r.csv"',
        CacheControl: "max-age=60",
        ContentLanguage: "de",
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "docs/report.csv" }));
    expect(head.ContentDisposition).toBe('attachment; filename="r.csv"');
    expect(head.CacheControl).toBe("max-age=60");
    expect(head.ContentLanguage).toBe("de");
  });

  test("a key with spaces, unicode and slashes is stored under its decoded name", async () => {
    const key = "dir/a b ü/ë+€ (1).txt";
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "x" }));
    expect(getObject(getBucket(emulator.core.state.s3, BUCKET)!, key)).toBeDefined();
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body!.transformToString()).toBe("x");
  });

  test("a key named __proto__ is an ordinary key", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "__proto__", Body: "p" }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "__proto__" }));
    expect(await got.Body!.transformToString()).toBe("p");
    expect(Object.getPrototypeOf(getBucket(emulator.core.state.s3, BUCKET)!.objects)).toBe(Object.prototype);
  });

  test("without Content-Type the object is binary/octet-stream", async () => {
    await rawS3(emulator.url, { method: "PUT", path: `/${BUCKET}/untyped`, body: "raw" });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "untyped" }));
    expect(head.ContentType).toBe("binary/octet-stream");
  });

  test("Last-Modified comes from the emulator clock", async () => {
    emulator.core.clock.offsetMs = -10 * 24 * 3600 * 1000;
    try {
      const client = s3Client(emulator.url, undefined, { systemClockOffset: emulator.core.clock.offsetMs });
      const before = Math.floor(emulator.core.clock.now() / 1000) * 1000;
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "old", Body: "o" }));
      const after = emulator.core.clock.now();
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "old" }));
      expect(head.LastModified!.getTime()).toBeGreaterThanOrEqual(before);
      expect(head.LastModified!.getTime()).toBeLessThanOrEqual(after);
    } finally {
      emulator.core.clock.offsetMs = 0;
    }
  });

  test("a 1 MiB body round-trips byte for byte", async () => {
    const body = randomBytes(1024 * 1024);
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "big.bin", Body: body }));
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "big.bin" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  test("GetObject of a missing key is NoSuchKey (404)", async () => {
    const error = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "missing" })));
    expect(error.name).toBe("NoSuchKey");
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  test("HeadObject of a missing key is a bodiless 404", async () => {
    const error = await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "missing" })));
    expect(error.name).toBe("NotFound");
    expect(error.$metadata.httpStatusCode).toBe(404);
    const raw = await rawS3(emulator.url, { method: "HEAD", path: `/${BUCKET}/missing` });
    expect(raw.status).toBe(404);
    expect(raw.text).toBe("");
  });

  test("an object in a missing bucket is NoSuchBucket", async () => {
    const error = await failure(s3.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "k" })));
    expect(error.name).toBe("NoSuchBucket");
    expect(error.$metadata.httpStatusCode).toBe(404);
    const put = await failure(s3.send(new PutObjectCommand({ Bucket: "no-such-bucket", Key: "k", Body: "x" })));
    expect(put.name).toBe("NoSuchBucket");
  });

  test("a key longer than 1024 bytes is KeyTooLongError", async () => {
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "k".repeat(1025), Body: "x" })));
    expect(error.name).toBe("KeyTooLongError");
  });

  test("more than 2 KB of user metadata is MetadataTooLarge", async () => {
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "meta", Body: "x", Metadata: { big: "v".repeat(2100) } })));
    expect(error.name).toBe("MetadataTooLarge");
  });
});

describe("Range and conditional requests", () => {
  beforeAll(async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "digits", Body: "0123456789" }));
  });

  test.each([
    ["bytes=2-5", "2345", "bytes 2-5/10"],
    ["bytes=7-", "789", "bytes 7-9/10"],
    ["bytes=-3", "789", "bytes 7-9/10"],
    ["bytes=8-100", "89", "bytes 8-9/10"],
  ])("Range %s returns 206 with %s", async (range, body, contentRange) => {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", Range: range }));
    expect(got.$metadata.httpStatusCode).toBe(206);
    expect(await got.Body!.transformToString()).toBe(body);
    expect(got.ContentRange).toBe(contentRange);
    expect(got.ContentLength).toBe(body.length);
  });

  test("a range past the end is InvalidRange (416)", async () => {
    const error = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", Range: "bytes=10-20" })));
    expect(error.name).toBe("InvalidRange");
    expect(error.$metadata.httpStatusCode).toBe(416);
  });

  test("a range S3 cannot read returns the whole object", async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", Range: "bytes=5-2" }));
    expect(got.$metadata.httpStatusCode).toBe(200);
    expect(await got.Body!.transformToString()).toBe("0123456789");
  });

  test("If-None-Match with the current ETag is 304; If-Match with another ETag is 412", async () => {
    const etag = `"${md5("0123456789")}"`;
    const notModified = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", IfNoneMatch: etag })));
    expect(notModified.$metadata.httpStatusCode).toBe(304);
    const failed = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", IfMatch: '"0000"' })));
    expect(failed.name).toBe("PreconditionFailed");
    expect(failed.$metadata.httpStatusCode).toBe(412);
    const ok = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", IfMatch: etag }));
    expect(await ok.Body!.transformToString()).toBe("0123456789");
  });

  test("If-Modified-Since after the last change is 304; If-Unmodified-Since before it is 412", async () => {
    const future = new Date(Date.now() + 3600_000);
    const past = new Date(Date.now() - 3600_000);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", IfModifiedSince: future })))).$metadata.httpStatusCode).toBe(304);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", IfUnmodifiedSince: past })))).name).toBe("PreconditionFailed");
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "digits", IfModifiedSince: past }));
    expect(got.$metadata.httpStatusCode).toBe(200);
  });

  test("PutObject with If-None-Match: * will not overwrite", async () => {
    const error = await failure(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "digits", Body: "x", IfNoneMatch: "*" })));
    expect(error.name).toBe("PreconditionFailed");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "fresh-once", Body: "x", IfNoneMatch: "*" }));
  });

  test("response-* query parameters override headers of GetObject", async () => {
    const got = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "digits", ResponseContentType: "text/x-digits", ResponseContentDisposition: "inline" }),
    );
    expect(got.ContentType).toBe("text/x-digits");
    expect(got.ContentDisposition).toBe("inline");
  });
});

describe("flexible checksums and aws-chunked", () => {
  test("the SDK's CRC32 header is verified, stored and returned so its response validation passes", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "sum.txt", Body: "checksummed" }));
    const stored = getObject(getBucket(emulator.core.state.s3, BUCKET)!, "sum.txt")!;
    expect(stored.checksum).toEqual({ algorithm: "CRC32", value: crc32Base64("checksummed") });
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "sum.txt", ChecksumMode: "ENABLED" }));
    expect(got.ChecksumCRC32).toBe(crc32Base64("checksummed"));
    expect(await got.Body!.transformToString()).toBe("checksummed");
  });

  test("the SDK rejects a GetObject whose body does not match the returned checksum, so that check is real", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "tampered.txt", Body: "original" }));
    const stored = getObject(getBucket(emulator.core.state.s3, BUCKET)!, "tampered.txt")!;
    stored.checksum = { algorithm: "CRC32", value: crc32Base64("something else") };
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "tampered.txt", ChecksumMode: "ENABLED" }));
    await expect(got.Body!.transformToString()).rejects.toThrow(/Checksum mismatch/);
  });

  test("a stream body goes up aws-chunked with a CRC32 trailer and is decoded", async () => {
    const seen: Record<string, string | undefined> = {};
    const client = s3Client(emulator.url);
    client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        seen["encoding"] = headers["content-encoding"];
        seen["sha"] = headers["x-amz-content-sha256"];
        seen["trailer"] = headers["x-amz-trailer"];
        return next(args);
      },
      { step: "finalizeRequest", name: "peekHeaders" },
    );
    const chunks = [Buffer.from("streamed "), Buffer.from("in "), Buffer.from("three parts")];
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "streamed.txt", Body: Readable.from(chunks), ContentLength: 23 }));
    expect(seen).toEqual({ encoding: "aws-chunked", sha: "STREAMING-UNSIGNED-PAYLOAD-TRAILER", trailer: "x-amz-checksum-crc32" });
    const stored = getObject(getBucket(emulator.core.state.s3, BUCKET)!, "streamed.txt")!;
    expect(stored.headers["content-encoding"]).toBeUndefined();
    expect(stored.checksum).toEqual({ algorithm: "CRC32", value: crc32Base64("streamed in three parts") });
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "streamed.txt" }));
    expect(await got.Body!.transformToString()).toBe("streamed in three parts");
  });

  function chunked(parts: string[], trailer: string): string {
    return parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join("") + `0\r\n${trailer}\r\n\r\n`;
  }
  const chunkedHeaders = (decodedLength: number) => ({
    "content-encoding": "aws-chunked",
    "x-amz-decoded-content-length": String(decodedLength),
    "x-amz-trailer": "x-amz-checksum-crc32",
    "x-amz-sdk-checksum-algorithm": "CRC32",
  });

  test("an aws-chunked trailer that does not match the bytes is BadDigest", async () => {
    const response = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/chunk-bad`,
      headers: chunkedHeaders(5),
      contentSha256: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      body: chunked(["ab", "cde"], `x-amz-checksum-crc32:${crc32Base64("other")}`),
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, "BadDigest"]);
    expect(getObject(getBucket(emulator.core.state.s3, BUCKET)!, "chunk-bad")).toBeUndefined();
  });

  test("an aws-chunked body shorter than x-amz-decoded-content-length is IncompleteBody", async () => {
    const response = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/chunk-short`,
      headers: chunkedHeaders(9),
      contentSha256: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      body: chunked(["ab", "cde"], `x-amz-checksum-crc32:${crc32Base64("abcde")}`),
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, "IncompleteBody"]);
  });

  test("a raw aws-chunked upload with a correct trailer is stored decoded", async () => {
    const response = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/chunk-ok`,
      headers: chunkedHeaders(5),
      contentSha256: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      body: chunked(["ab", "cde"], `x-amz-checksum-crc32:${crc32Base64("abcde")}`),
    });
    expect(response.status).toBe(200);
    expect(Buffer.from(getObject(getBucket(emulator.core.state.s3, BUCKET)!, "chunk-ok")!.body!, "base64").toString()).toBe("abcde");
  });

  test("signed aws-chunked bodies are refused as NotImplemented", async () => {
    const response = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/chunk-signed`,
      contentSha256: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      body: "x",
    });
    expect([response.status, errorCode(response.text)]).toEqual([501, "NotImplemented"]);
  });

  test("a wrong x-amz-checksum-crc32 header is BadDigest", async () => {
    const response = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/crc-bad`,
      headers: { "x-amz-checksum-crc32": crc32Base64("nope") },
      body: "data",
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, "BadDigest"]);
  });

  test("a wrong Content-MD5 is BadDigest, a malformed one InvalidDigest", async () => {
    const wrong = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/md5-bad`,
      headers: { "content-md5": createHash("md5").update("nope").digest("base64") },
      body: "data",
    });
    expect([wrong.status, errorCode(wrong.text)]).toEqual([400, "BadDigest"]);
    const malformed = await rawS3(emulator.url, { method: "PUT", path: `/${BUCKET}/md5-bad`, headers: { "content-md5": "abc" }, body: "data" });
    expect([malformed.status, errorCode(malformed.text)]).toEqual([400, "InvalidDigest"]);
  });

  test("a body that does not match x-amz-content-sha256 is XAmzContentSHA256Mismatch", async () => {
    const response = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/sha-bad`,
      contentSha256: createHash("sha256").update("something else").digest("hex"),
      body: "data",
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, "XAmzContentSHA256Mismatch"]);
    expect(getObject(getBucket(emulator.core.state.s3, BUCKET)!, "sha-bad")).toBeUndefined();
  });

  test("an x-amz-content-sha256 that is neither a digest nor a known keyword is InvalidArgument", async () => {
    const response = await rawS3(emulator.url, { method: "PUT", path: `/${BUCKET}/sha-odd`, contentSha256: "not-a-hash", body: "data" });
    expect([response.status, errorCode(response.text)]).toEqual([400, "InvalidArgument"]);
  });
});

describe("DeleteObject and DeleteObjects", () => {
  test("DeleteObject removes the object and is idempotent", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "gone", Body: "x" }));
    const first = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "gone" }));
    expect(first.$metadata.httpStatusCode).toBe(204);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "gone" })))).name).toBe("NoSuchKey");
    const again = await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "gone" }));
    expect(again.$metadata.httpStatusCode).toBe(204);
  });

  test("DeleteObjects deletes each key and reports it", async () => {
    for (const key of ["bulk/1", "bulk/2"]) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: "bulk/1" }, { Key: "bulk/2" }, { Key: "bulk/never" }] } }),
    );
    expect(result.Deleted?.map((d) => d.Key).sort()).toEqual(["bulk/1", "bulk/2", "bulk/never"]);
    expect(result.Errors ?? []).toEqual([]);
    expect(getObject(getBucket(emulator.core.state.s3, BUCKET)!, "bulk/1")).toBeUndefined();
  });

  test("DeleteObjects in quiet mode lists only failures", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "bulk/q", Body: "q" }));
    const result = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: "bulk/q" }], Quiet: true } }));
    expect(result.Deleted ?? []).toEqual([]);
    expect(getObject(getBucket(emulator.core.state.s3, BUCKET)!, "bulk/q")).toBeUndefined();
  });

  test("a DeleteObjects body that is not the Delete document is MalformedXML", async () => {
    const body = "<Remove><Object><Key>a</Key></Object></Remove>";
    const response = await rawS3(emulator.url, {
      method: "POST",
      path: `/${BUCKET}?delete`,
      headers: { "content-md5": createHash("md5").update(body).digest("base64") },
      body,
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, "MalformedXML"]);
  });
});

describe("CopyObject", () => {
  beforeAll(async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "copy/src.txt", Body: "copy me", ContentType: "text/plain", Metadata: { a: "1" } }));
  });

  test("copies bytes, ETag, Content-Type and metadata", async () => {
    const result = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copy/dst.txt", CopySource: `${BUCKET}/copy/src.txt` }));
    expect(result.CopyObjectResult?.ETag).toBe(`"${md5("copy me")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "copy/dst.txt" }));
    expect(await got.Body!.transformToString()).toBe("copy me");
    expect(got.ContentType).toBe("text/plain");
    expect(got.Metadata).toEqual({ a: "1" });
  });

  test("REPLACE takes metadata and Content-Type from the request", async () => {
    await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: "copy/replaced.txt",
        CopySource: `${BUCKET}/copy/src.txt`,
        MetadataDirective: "REPLACE",
        ContentType: "text/x-new",
        Metadata: { b: "2" },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "copy/replaced.txt" }));
    expect(head.ContentType).toBe("text/x-new");
    expect(head.Metadata).toEqual({ b: "2" });
  });

  test("a URL-encoded source with special characters is found", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "copy/ä b+c.txt", Body: "special" }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copy/special-copy", CopySource: encodeURIComponent(`${BUCKET}/copy/ä b+c.txt`) }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "copy/special-copy" }));
    expect(await got.Body!.transformToString()).toBe("special");
  });

  test("a missing source is NoSuchKey", async () => {
    const error = await failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copy/x", CopySource: `${BUCKET}/copy/none` })));
    expect(error.name).toBe("NoSuchKey");
  });

  test("copying an object onto itself without REPLACE is InvalidRequest", async () => {
    const error = await failure(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copy/src.txt", CopySource: `${BUCKET}/copy/src.txt` })));
    expect(error.name).toBe("InvalidRequest");
    expect(error.message).toMatch(/copy an object to itself/);
  });

  test("x-amz-copy-source-if-match with another ETag is PreconditionFailed", async () => {
    const error = await failure(
      s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: "copy/y", CopySource: `${BUCKET}/copy/src.txt`, CopySourceIfMatch: '"nope"' })),
    );
    expect(error.name).toBe("PreconditionFailed");
  });
});
