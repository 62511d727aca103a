import { CreateBucketCommand, GetObjectCommand, PutBucketCorsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { errorCode, rawS3, s3Client } from "../../test/s3-helpers.js";

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
];
const HEADER_CHOICES: [string, readonly string[]][] = [
  ["x-amz-content-sha256", ["STREAMING-UNSIGNED-PAYLOAD-TRAILER", "UNSIGNED-PAYLOAD", "zz", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"]],
  ["content-md5", ["", "AAAA", "1B2M2Y8AsgTpgAmY7PhCfg=="]],
  ["x-amz-checksum-crc32", ["", "!!", "AAAAAA=="]],
  ["x-amz-checksum-sha256", ["AAAA"]],
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
