import {
  CreateBucketCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { errorCode, rawS3, s3Client } from "../../test/s3-helpers.js";

let emulator: TestEmulator;
let s3: S3Client;
const BUCKET = "list-test";
/** In S3's order: UTF-8 bytes, so U+FFFF (EF BF BF) comes before U+1F600 (F0 9F 98 80), unlike in UTF-16. */
const KEYS = ["a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "d/4.txt", "d/5.txt", "e.txt", "photos/2024/x.jpg", "photos/2025/y.jpg", "z\uffff.txt", "z😀.txt"];

beforeAll(async () => {
  emulator = await startTestEmulator();
  s3 = s3Client(emulator.url);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const key of [...KEYS].reverse()) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
});
afterAll(() => emulator.stop());

const list = (input: Omit<ConstructorParameters<typeof ListObjectsV2Command>[0], "Bucket">) => s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ...input }));

describe("ListObjectsV2", () => {
  test("lists every key in UTF-8 byte order with sizes and ETags", async () => {
    const result = await list({});
    expect(result.Contents?.map((c) => c.Key)).toEqual(KEYS);
    expect(result.KeyCount).toBe(KEYS.length);
    expect(result.IsTruncated).toBe(false);
    const first = result.Contents![0]!;
    expect(first.Size).toBe(5);
    expect(first.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.StorageClass).toBe("STANDARD");
    expect(first.LastModified).toBeInstanceOf(Date);
  });

  test("a prefix narrows the listing", async () => {
    const result = await list({ Prefix: "b/" });
    expect(result.Contents?.map((c) => c.Key)).toEqual(["b/1.txt", "b/2.txt", "b/c/3.txt"]);
    expect(result.Prefix).toBe("b/");
  });

  test("a delimiter rolls keys up into CommonPrefixes", async () => {
    const result = await list({ Delimiter: "/" });
    expect(result.Contents?.map((c) => c.Key)).toEqual(["a.txt", "e.txt", "z\uffff.txt", "z😀.txt"]);
    expect(result.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["b/", "d/", "photos/"]);
    expect(result.KeyCount).toBe(7);
  });

  test("prefix and delimiter together list one level", async () => {
    const result = await list({ Prefix: "b/", Delimiter: "/" });
    expect(result.Contents?.map((c) => c.Key)).toEqual(["b/1.txt", "b/2.txt"]);
    expect(result.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["b/c/"]);
  });

  test("max-keys pages through with continuation tokens, common prefixes counting as entries", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await list({ Delimiter: "/", MaxKeys: 2, ...(token ? { ContinuationToken: token } : {}) });
      pages++;
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated) expect(token).toBeTruthy();
    } while (token);
    expect(pages).toBe(4);
    expect(seen.sort()).toEqual(["a.txt", "b/", "d/", "e.txt", "photos/", "z😀.txt", "z\uffff.txt"].sort());
  });

  test("the SDK paginator walks every key", async () => {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 3 }, { Bucket: BUCKET })) keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    expect(keys).toEqual(KEYS);
  });

  test("start-after skips keys up to and including it", async () => {
    const result = await list({ StartAfter: "b/2.txt" });
    expect(result.Contents?.[0]?.Key).toBe("b/c/3.txt");
    expect(result.StartAfter).toBe("b/2.txt");
  });

  test("MaxKeys 0 lists nothing", async () => {
    const result = await list({ MaxKeys: 0 });
    expect(result.Contents ?? []).toEqual([]);
    expect(result.KeyCount).toBe(0);
  });

  test("encoding-type=url encodes key names", async () => {
    const response = await rawS3(emulator.url, { method: "GET", path: `/${BUCKET}?list-type=2&prefix=z&encoding-type=url` });
    expect(response.status).toBe(200);
    expect(response.text).toContain("<EncodingType>url</EncodingType>");
    expect(response.text).toContain(`<Key>${encodeURIComponent("z😀.txt")}</Key>`);
  });

  test.each([
    ["max-keys=-1", "InvalidArgument"],
    ["max-keys=ten", "InvalidArgument"],
    ["encoding-type=base64", "InvalidArgument"],
    ["continuation-token=garbage", "InvalidArgument"],
  ])("%s is %s", async (query, code) => {
    const response = await rawS3(emulator.url, { method: "GET", path: `/${BUCKET}?list-type=2&${query}` });
    expect([response.status, errorCode(response.text)]).toEqual([400, code]);
  });

  test("listing a missing bucket is NoSuchBucket", async () => {
    const error = await s3.send(new ListObjectsV2Command({ Bucket: "no-such-bucket" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect((error as S3ServiceException).name).toBe("NoSuchBucket");
  });
});

describe("ListObjects (version 1)", () => {
  test("pages with markers", async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 2, Delimiter: "/" }));
    expect(first.Contents?.map((c) => c.Key)).toEqual(["a.txt"]);
    expect(first.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["b/"]);
    expect(first.IsTruncated).toBe(true);
    expect(first.NextMarker).toBe("b/");
    const second = await s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 2, Delimiter: "/", Marker: "b/c/3.txt" }));
    expect(second.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["d/"]);
    expect(second.Contents?.map((c) => c.Key)).toEqual(["e.txt"]);
    expect(second.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
  });
});
