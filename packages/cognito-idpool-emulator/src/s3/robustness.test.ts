import { CreateBucketCommand, GetObjectCommand, PutBucketCorsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { errorCode, rawS3, s3Client, signer } from "../../test/s3-helpers.js";

let emulator: TestEmulator;
let s3: S3Client;

beforeAll(async () => {
  emulator = await startTestEmulator();
  s3 = s3Client(emulator.url);
  await s3.send(new CreateBucketCommand({ Bucket: "sturdy" }));
  await s3.send(new PutObjectCommand({ Bucket: "sturdy", Key: "keep.txt", Body: "x" }));
  // No random request names this bucket: it shows that nothing else was disturbed.
  await s3.send(new CreateBucketCommand({ Bucket: "untouched" }));
  await s3.send(new PutObjectCommand({ Bucket: "untouched", Key: "keep.txt", Body: "still here" }));
  // The exact cases below use their own bucket: the random requests may well delete this one's.
  await s3.send(new CreateBucketCommand({ Bucket: "exact" }));
  await s3.send(new PutObjectCommand({ Bucket: "exact", Key: "keep.txt", Body: "x" }));
  await s3.send(new PutBucketCorsCommand({ Bucket: "sturdy", CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["GET"] }] } }));
});
afterAll(() => emulator.stop());

/** Deterministic, so a failure can be replayed. */
function random(seed: number) {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  return {
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    chance: (p: number) => next() < p,
    int: (n: number) => Math.floor(next() * n),
  };
}

const METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH"] as const;
const PATHS = [
  "/",
  "/sturdy",
  "/sturdy/",
  "/sturdy/keep.txt",
  "/sturdy/new%20key",
  "/sturdy/%E0%A4%A",
  "/Bad_Bucket/x",
  "/missing-bucket/k",
  "/sturdy/a/b/c",
  "/sturdy/__proto__",
];
const QUERIES = [
  "",
  "?cors",
  "?delete",
  "?list-type=2",
  "?list-type=2&max-keys=-5",
  "?list-type=2&continuation-token=%%%",
  "?location",
  "?uploads",
  "?tagging",
  "?x-id=PutObject",
  "?list-type=2&encoding-type=x",
  "?uploadId=nope",
  "?partNumber=0&uploadId=nope",
  "?partNumber=10001&uploadId=nope",
  "?partNumber=x&uploadId=nope",
  "?uploads&max-uploads=-1",
  "?uploadId=nope&max-parts=abc",
  "?partNumber=2",
];
const BODIES = [
  "",
  "<CORSConfiguration><CORSRule></CORSRule></CORSConfiguration>",
  "<Delete><Object><Key>keep.txt</Key></Object>",
  "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><Delete>&a;</Delete>",
  "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:zzzz\r\n",
  "ffffffff\r\nshort",
  "\u0000\u0001\u0002 binary \uffff",
  '{"json": true}',
  "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
  "<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
];
const HEADER_CHOICES: [string, readonly string[]][] = [
  ["x-amz-content-sha256", ["STREAMING-UNSIGNED-PAYLOAD-TRAILER", "UNSIGNED-PAYLOAD", "zz", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"]],
  ["content-md5", ["", "AAAA", "1B2M2Y8AsgTpgAmY7PhCfg=="]],
  ["x-amz-checksum-crc32", ["", "!!", "AAAAAA=="]],
  ["x-amz-checksum-sha256", ["AAAA"]],
  ["x-amz-checksum-crc64nvme", ["AAAAAAAAAAA=", "x"]],
  ["x-amz-checksum-algorithm", ["CRC32", "crc64nvme", "MD5", ""]],
  ["x-amz-checksum-type", ["COMPOSITE", "FULL_OBJECT", "BOTH"]],
  ["x-amz-copy-source-range", ["bytes=0-0", "bytes=5-1", "0-1", "bytes=0-99999"]],
  ["x-amz-sdk-checksum-algorithm", ["CRC32", "MD4", ""]],
  ["content-encoding", ["aws-chunked", "gzip,aws-chunked", ""]],
  ["x-amz-decoded-content-length", ["5", "-1", "abc"]],
  ["x-amz-trailer", ["x-amz-checksum-crc32", "nonsense"]],
  ["range", ["bytes=0-0", "bytes=-0", "bytes=9999999999999999999-", "chars=1-2", "bytes=1-2,4-5"]],
  ["if-match", ["*", '"x"', ""]],
  ["if-none-match", ["*", "abc"]],
  ["if-modified-since", ["yesterday", "Thu, 01 Jan 1970 00:00:00 GMT"]],
  ["x-amz-copy-source", ["", "/", "sturdy", "sturdy/keep.txt?versionId=3", "%%%/x", "missing-bucket/k"]],
  ["x-amz-metadata-directive", ["MOVE", "REPLACE"]],
  ["x-amz-meta-note", ["v".repeat(3000), "ok"]],
  ["origin", ["http://a.test", ""]],
  ["access-control-request-method", ["GET", "TRACE", ""]],
  ["access-control-request-headers", ["x-a, , x-b", "*"]],
];

test("random bodies and headers at every S3 route get an S3 answer, never an internal error", async () => {
  const r = random(20261122);
  const seen = new Set<number>();
  for (let i = 0; i < 300; i++) {
    const method = r.pick(METHODS);
    const path = r.pick(PATHS) + r.pick(QUERIES);
    const headers: Record<string, string> = {};
    for (const [name, values] of HEADER_CHOICES) if (r.chance(0.2)) headers[name] = r.pick(values);
    const body = method === "GET" || method === "HEAD" || method === "OPTIONS" ? undefined : r.pick(BODIES);
    const response = await rawS3(emulator.url, { method, path, headers, ...(body !== undefined ? { body } : {}), unsigned: r.chance(0.1) });
    seen.add(response.status);
    const where = `${method} ${path} ${JSON.stringify(headers)} ${JSON.stringify(body)}`;
    // 501 NotImplemented is S3's own answer for operations the emulator does not serve.
    if (response.status === 501) expect(method === "HEAD" || errorCode(response.text) === "NotImplemented", where).toBe(true);
    else expect(response.status, where).toBeLessThan(500);
    if (response.status >= 400 && method !== "HEAD") expect(errorCode(response.text), where).toMatch(/^[A-Za-z0-9]+$/);
  }
  expect([...seen].some((s) => s >= 400)).toBe(true);
  expect(() => JSON.stringify(emulator.core.state)).not.toThrow();
  const got = await s3.send(new GetObjectCommand({ Bucket: "untouched", Key: "keep.txt" }));
  expect(await got.Body!.transformToString()).toBe("still here");
});

/** An upload id that exists, for the cases that need one. */
async function openUpload(key: string): Promise<string> {
  const created = await rawS3(emulator.url, { method: "POST", path: `/exact/${key}?uploads` });
  return /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)![1]!;
}

const chunkedHeaders = (decoded: string) => ({
  "content-encoding": "aws-chunked",
  "x-amz-decoded-content-length": decoded,
  "x-amz-trailer": "x-amz-checksum-crc32",
});

test.each([
  ["X-Amz-Expires over a week", "GET", "/exact/keep.txt?expires=604801", undefined, undefined, 400, "AuthorizationQueryParametersError"],
  ["a negative X-Amz-Expires", "GET", "/exact/keep.txt?expires=-1", undefined, undefined, 400, "AuthorizationQueryParametersError"],
  ["a non-numeric X-Amz-Expires", "GET", "/exact/keep.txt?expires=soon", undefined, undefined, 400, "AuthorizationQueryParametersError"],
  ["a range past the end", "GET", "/exact/keep.txt", { range: "bytes=5-9" }, undefined, 416, "InvalidRange"],
  ["part number 0", "PUT", "/exact/mp?partNumber=0&uploadId=UPLOAD", {}, "x", 400, "InvalidArgument"],
  ["part number 10001", "PUT", "/exact/mp?partNumber=10001&uploadId=UPLOAD", {}, "x", 400, "InvalidArgument"],
  ["a non-numeric part number", "PUT", "/exact/mp?partNumber=one&uploadId=UPLOAD", {}, "x", 400, "InvalidArgument"],
  ["GetObject part 2 of a one-part object", "GET", "/exact/keep.txt?partNumber=2", {}, undefined, 416, "InvalidPartNumber"],
  ["an unknown upload id", "PUT", "/exact/mp?partNumber=1&uploadId=unknown", {}, "x", 404, "NoSuchUpload"],
  ["an upload id for another key", "PUT", "/exact/other?partNumber=1&uploadId=UPLOAD", {}, "x", 404, "NoSuchUpload"],
  ["an unknown checksum algorithm", "POST", "/exact/mp?uploads", { "x-amz-checksum-algorithm": "MD5" }, undefined, 400, "InvalidRequest"],
  ["an SDK algorithm with no checksum", "PUT", "/exact/k", { "x-amz-sdk-checksum-algorithm": "CRC64NVME" }, "x", 400, "InvalidRequest"],
  ["a checksum that is not base64", "PUT", "/exact/k", { "x-amz-checksum-crc32c": "%%%%" }, "x", 400, "InvalidRequest"],
  [
    "a decoded length longer than the chunks",
    "PUT",
    "/exact/k",
    chunkedHeaders("9"),
    "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
    400,
    "IncompleteBody",
  ],
  [
    "a decoded length that is not a number",
    "PUT",
    "/exact/k",
    chunkedHeaders("five"),
    "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
    400,
    "IncompleteBody",
  ],
  ["an aws-chunked body cut in a chunk", "PUT", "/exact/k", chunkedHeaders("5"), "5\r\nhel", 400, "IncompleteBody"],
  ["an aws-chunked body cut before its trailer", "PUT", "/exact/k", chunkedHeaders("5"), "5\r\nhello\r\n0\r\n", 400, "MalformedTrailerError"],
  ["max-parts that is not a number", "GET", "/exact/mp?uploadId=UPLOAD&max-parts=lots", {}, undefined, 400, "InvalidArgument"],
  ["max-uploads that is negative", "GET", "/exact?uploads&max-uploads=-1", {}, undefined, 400, "InvalidArgument"],
  [
    "a copy-source range the wrong way round",
    "PUT",
    "/exact/mp?partNumber=1&uploadId=UPLOAD",
    { "x-amz-copy-source": "exact/keep.txt", "x-amz-copy-source-range": "bytes=1-0" },
    undefined,
    400,
    "InvalidArgument",
  ],
] as const)("%s is a 4xx with S3's code", async (_name, method, rawPath, headers, body, status, code) => {
  const uploadId = await openUpload("mp");
  let path: string = rawPath.replace("UPLOAD", uploadId);
  const expires = /[?&]expires=([^&]*)/.exec(path)?.[1];
  if (expires !== undefined) {
    // Presigned by hand: the SDK's presigner refuses these expiries itself, other presigners do not.
    path = path.replace(/[?&]expires=[^&]*/, "");
    const url = new URL(path, emulator.url);
    const presigned = await signer().presign(
      { method, protocol: "http:", hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host } },
      { expiresIn: 60 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>);
    query.set("X-Amz-Expires", decodeURIComponent(expires));
    const response = await fetch(`${url.origin}${url.pathname}?${query}`);
    const text = await response.text();
    expect([response.status, errorCode(text)]).toEqual([status, code]);
    if (expires === "604801") expect(text).toContain("<Message>X-Amz-Expires must be less than a week (in seconds) that is 604800</Message>");
    return;
  }
  const chunked = (headers as Record<string, string> | undefined)?.["content-encoding"] === "aws-chunked";
  const response = await rawS3(emulator.url, {
    method,
    path,
    headers: { ...(headers ?? {}) },
    ...(body !== undefined ? { body } : {}),
    ...(chunked ? { contentSha256: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" } : {}),
  });
  expect([response.status, errorCode(response.text)]).toEqual([status, code]);
});
