import { createHash, randomBytes } from "node:crypto";
import {
  ChecksumAlgorithm,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { errorCode, rawS3, s3Client } from "../../test/s3-helpers.js";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { computeChecksum } from "./checksums.js";
import { getBucket, getObject } from "./state.js";

let emulator: TestEmulator;
let s3: S3Client;
const BUCKET = "checksums-test";
const MiB = 1024 * 1024;

beforeAll(async () => {
  emulator = await startTestEmulator();
  s3 = s3Client(emulator.url);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(() => emulator.stop());

const stored = (key: string) => getObject(getBucket(emulator.core.state.s3, BUCKET)!, key)!;
const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

describe("the CRC library", () => {
  // The catalogue check values of each CRC (the CRC of the nine bytes "123456789"), so the library
  // is held to the standard, not to itself.
  test.each([
    ["CRC32", "cbf43926"],
    ["CRC32C", "e3069283"],
    ["CRC64NVME", "ae8b14860a799888"],
  ] as const)("%s of '123456789' is the catalogue's check value", async (algorithm, hex) => {
    expect(await computeChecksum(algorithm, Buffer.from("123456789"))).toBe(b64(hex));
  });
});

describe("PutObject", () => {
  test("the SDK's default (CRC32, as an aws-chunked trailer) is verified, stored and returned in checksum mode", async () => {
    const body = randomBytes(3000);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "default.bin", Body: body }));
    expect(stored("default.bin").checksum).toEqual({ algorithm: "CRC32", value: await computeChecksum("CRC32", body) });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "default.bin", ChecksumMode: "ENABLED" }));
    expect([head.ChecksumCRC32, head.ChecksumType]).toEqual([await computeChecksum("CRC32", body), "FULL_OBJECT"]);
    const plain = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "default.bin" }));
    expect(plain.ChecksumCRC32).toBeUndefined();
  });

  test.each(["CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const)(
    "ChecksumAlgorithm %s is verified, stored and checked by the SDK on GetObject",
    async (algorithm) => {
      const body = randomBytes(4096);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `algo-${algorithm}`, Body: body, ChecksumAlgorithm: algorithm }));
      const expected =
        algorithm === "SHA1" || algorithm === "SHA256"
          ? createHash(algorithm.toLowerCase()).update(body).digest("base64")
          : await computeChecksum(algorithm, body);
      expect(stored(`algo-${algorithm}`).checksum).toEqual({ algorithm, value: expected });
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `algo-${algorithm}`, ChecksumMode: "ENABLED" }));
      expect(got[`Checksum${algorithm}`]).toBe(expected);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    },
  );

  test("an object sent without any checksum gets S3's own CRC-64/NVME", async () => {
    const plain = s3Client(emulator.url, undefined, { requestChecksumCalculation: "WHEN_REQUIRED" });
    await plain.send(new PutObjectCommand({ Bucket: BUCKET, Key: "no-checksum.txt", Body: "no checksum sent" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "no-checksum.txt", ChecksumMode: "ENABLED" }));
    expect(head.ChecksumCRC64NVME).toBe(await computeChecksum("CRC64NVME", Buffer.from("no checksum sent")));
  });

  test.each(["crc32", "crc32c", "crc64nvme", "sha1", "sha256"])("a wrong x-amz-checksum-%s header is BadDigest", async (name) => {
    const algorithm = name.toUpperCase() as "CRC32";
    const wrong = await computeChecksum(algorithm, Buffer.from("other bytes"));
    const response = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/bad-${name}`,
      body: "the bytes",
      headers: { [`x-amz-checksum-${name}`]: wrong },
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, "BadDigest"]);
    expect(response.text).toContain(`<Message>The ${algorithm} you specified did not match the calculated checksum.</Message>`);
  });

  test.each(["crc32c", "crc64nvme", "sha256"])("a wrong %s trailer of an aws-chunked body is BadDigest", async (name) => {
    const algorithm = name.toUpperCase() as "CRC32C";
    const trailer = `x-amz-checksum-${name}:${await computeChecksum(algorithm, Buffer.from("not it"))}`;
    const response = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/trailer-${name}`,
      contentSha256: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers: { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5", "x-amz-trailer": `x-amz-checksum-${name}` },
      body: `5\r\nhello\r\n0\r\n${trailer}\r\n\r\n`,
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, "BadDigest"]);
  });

  test("a checksum that cannot be one (wrong length) is InvalidRequest, and so is a second checksum", async () => {
    const short = await rawS3(emulator.url, { method: "PUT", path: `/${BUCKET}/short`, body: "x", headers: { "x-amz-checksum-crc64nvme": "AAAAAA==" } });
    expect([short.status, errorCode(short.text)]).toEqual([400, "InvalidRequest"]);
    expect(short.text).toContain("Value for x-amz-checksum-crc64nvme header is invalid.");
    const two = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/two`,
      body: "x",
      headers: {
        "x-amz-checksum-crc32": await computeChecksum("CRC32", Buffer.from("x")),
        "x-amz-checksum-sha1": await computeChecksum("SHA1", Buffer.from("x")),
      },
    });
    expect([two.status, errorCode(two.text)]).toEqual([400, "InvalidRequest"]);
  });
});

describe("multipart checksums", () => {
  test.each(["CRC32C", "SHA1", "SHA256"] as const)("Upload with %s makes S3's composite checksum of the part checksums", async (algorithm) => {
    const parts = [randomBytes(5 * MiB), randomBytes(1234)];
    const result = await new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: `mpu-${algorithm}`, Body: Buffer.concat(parts), ChecksumAlgorithm: algorithm },
      partSize: 5 * MiB,
    }).done();
    const partSums = await Promise.all(parts.map((p) => computeChecksum(algorithm, p)));
    const composite = `${await computeChecksum(algorithm, Buffer.concat(partSums.map((s) => Buffer.from(s, "base64"))))}-2`;
    expect([result[`Checksum${algorithm}`], result.ChecksumType]).toEqual([composite, "COMPOSITE"]);
    // The SDK skips composite values when it validates a GetObject body; it still gets them.
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `mpu-${algorithm}`, ChecksumMode: "ENABLED" }));
    expect([got[`Checksum${algorithm}`], got.ChecksumType]).toEqual([composite, "COMPOSITE"]);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);
  });

  test("Upload with CRC64NVME gets a full-object checksum, which the SDK checks against the bytes on GetObject", async () => {
    const body = randomBytes(5 * MiB + 99);
    const result = await new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: "mpu-crc64", Body: body, ChecksumAlgorithm: "CRC64NVME" },
      partSize: 5 * MiB,
    }).done();
    expect([result.ChecksumCRC64NVME, result.ChecksumType]).toEqual([await computeChecksum("CRC64NVME", body), "FULL_OBJECT"]);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "mpu-crc64", ChecksumMode: "ENABLED" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  test("a part checksummed with another algorithm than the upload's is InvalidRequest; a wrong part checksum is BadDigest", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "mpu-mismatch", ChecksumAlgorithm: ChecksumAlgorithm.CRC32 }));
    const other = await s3
      .send(new UploadPartCommand({ Bucket: BUCKET, Key: "mpu-mismatch", UploadId, PartNumber: 1, Body: "part", ChecksumAlgorithm: "SHA256" }))
      .catch((e: unknown) => e as S3ServiceException);
    expect([(other as S3ServiceException).name, (other as S3ServiceException).message]).toEqual([
      "InvalidRequest",
      "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256",
    ]);
    const wrong = await rawS3(emulator.url, {
      method: "PUT",
      path: `/${BUCKET}/mpu-mismatch?partNumber=1&uploadId=${UploadId}`,
      body: "part",
      headers: { "x-amz-checksum-crc32": await computeChecksum("CRC32", Buffer.from("trap")) },
    });
    expect([wrong.status, errorCode(wrong.text)]).toEqual([400, "BadDigest"]);
  });

  test("CreateMultipartUpload refuses an unknown algorithm and impossible algorithm/type pairs", async () => {
    for (const headers of <Record<string, string>[]>[
      { "x-amz-checksum-algorithm": "MD5" },
      { "x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-type": "FULL_OBJECT" },
      { "x-amz-checksum-algorithm": "CRC64NVME", "x-amz-checksum-type": "COMPOSITE" },
      { "x-amz-checksum-type": "COMPOSITE" },
    ]) {
      const response = await rawS3(emulator.url, { method: "POST", path: `/${BUCKET}/mpu-refused?uploads`, headers });
      expect([response.status, errorCode(response.text)]).toEqual([400, "InvalidRequest"]);
    }
  });

  test("a composite upload's Complete must name each part's checksum", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "mpu-missing", ChecksumAlgorithm: "CRC32C" }));
    const { ETag } = await s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: "mpu-missing", UploadId, PartNumber: 1, Body: "only", ChecksumAlgorithm: "CRC32C" }),
    );
    const response = await rawS3(emulator.url, {
      method: "POST",
      path: `/${BUCKET}/mpu-missing?uploadId=${UploadId}`,
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${ETag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect([response.status, errorCode(response.text)]).toEqual([400, "InvalidRequest"]);
    expect(response.text).toContain(
      "The upload was created using a crc32c checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.",
    );
  });
});
