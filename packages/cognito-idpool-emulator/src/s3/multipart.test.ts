import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { credentialsFor, errorCode, putRole, rawS3, s3Client } from "../../test/s3-helpers.js";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { getBucket, getObject } from "./state.js";

let emulator: TestEmulator;
let s3: S3Client;
const BUCKET = "multipart-test";
const MiB = 1024 * 1024;

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

const md5 = (data: Buffer) => createHash("md5").update(data).digest();
/** S3's multipart ETag, computed here independently of the emulator. */
const multipartEtag = (parts: Buffer[]) =>
  `"${createHash("md5")
    .update(Buffer.concat(parts.map(md5)))
    .digest("hex")}-${parts.length}"`;

async function bytesOf(key: string, client: S3Client = s3, bucket = BUCKET): Promise<Buffer> {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

async function create(key: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ...extra }));
  return UploadId!;
}

describe("@aws-sdk/lib-storage Upload", () => {
  test("a 3-part upload arrives byte for byte with S3's composite ETag and the SDK's default CRC32 checked per part", async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(MiB + 7)];
    const body = Buffer.concat(parts);
    const upload = new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: "lib/three-parts.bin", Body: body, ContentType: "application/x-test" },
      partSize: 5 * MiB,
    });
    const result = await upload.done();
    expect(result.ETag).toBe(multipartEtag(parts));
    // lib-storage asks for CRC32 on CreateMultipartUpload, so S3 makes a composite of the part CRC32s.
    expect(result.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==-3$/);
    expect(result.ChecksumType).toBe("COMPOSITE");
    expect((await bytesOf("lib/three-parts.bin")).equals(body)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "lib/three-parts.bin", ChecksumMode: "ENABLED" }));
    expect(head).toMatchObject({ ETag: result.ETag, ContentLength: body.length, ContentType: "application/x-test", ChecksumType: "COMPOSITE" });
    expect(head.ChecksumCRC32).toBe(result.ChecksumCRC32);
    // S3 serves one part of a multipart object by number.
    const second = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "lib/three-parts.bin", PartNumber: 2 }));
    expect(second.PartsCount).toBe(3);
    expect(second.ContentRange).toBe(`bytes ${5 * MiB}-${10 * MiB - 1}/${body.length}`);
    expect(Buffer.from(await second.Body!.transformToByteArray()).equals(parts[1]!)).toBe(true);
    expect(Object.keys(getBucket(emulator.core.state.s3, BUCKET)!.uploads ?? {})).toHaveLength(0);
  });

  test("a body smaller than one part goes as a single PutObject", async () => {
    const body = randomBytes(1000);
    await new Upload({ client: s3, params: { Bucket: BUCKET, Key: "lib/small.bin", Body: body } }).done();
    const object = getObject(getBucket(emulator.core.state.s3, BUCKET)!, "lib/small.bin")!;
    expect(object.etag).toBe(`"${md5(body).toString("hex")}"`);
    expect(object.partSizes).toBeUndefined();
  });
});

describe("the multipart operations", () => {
  test("UploadPart and UploadPartCopy (whole and ranged) assemble into one object", async () => {
    const source = randomBytes(6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "copy/source.bin", Body: source }));
    const uploadId = await create("copy/target.bin");
    const first = randomBytes(5 * MiB);
    const p1 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "copy/target.bin", UploadId: uploadId, PartNumber: 1, Body: first }));
    const p2 = await s3.send(
      new UploadPartCopyCommand({ Bucket: BUCKET, Key: "copy/target.bin", UploadId: uploadId, PartNumber: 2, CopySource: `${BUCKET}/copy/source.bin` }),
    );
    const p3 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: BUCKET,
        Key: "copy/target.bin",
        UploadId: uploadId,
        PartNumber: 3,
        CopySource: `${BUCKET}/copy/source.bin`,
        CopySourceRange: "bytes=10-19",
      }),
    );
    expect(p2.CopyPartResult!.ETag).toBe(`"${md5(source).toString("hex")}"`);
    expect(p3.CopyPartResult!.ETag).toBe(`"${md5(source.subarray(10, 20)).toString("hex")}"`);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: "copy/target.bin",
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag! },
            { PartNumber: 2, ETag: p2.CopyPartResult!.ETag! },
            { PartNumber: 3, ETag: p3.CopyPartResult!.ETag! },
          ],
        },
      }),
    );
    expect(done.ETag).toBe(multipartEtag([first, source, source.subarray(10, 20)]));
    expect(done.Location).toBe(`${emulator.url}/${BUCKET}/copy/target.bin`);
    // No algorithm asked: S3 gives the object a CRC-64/NVME of the whole, which the SDK checks on GetObject.
    expect(done.ChecksumType).toBe("FULL_OBJECT");
    expect(done.ChecksumCRC64NVME).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    expect((await bytesOf("copy/target.bin")).equals(Buffer.concat([first, source, source.subarray(10, 20)]))).toBe(true);
  });

  test("a copy-part range outside the source is InvalidArgument", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "copy/tiny.txt", Body: "0123456789" }));
    const uploadId = await create("copy/bad-range.bin");
    const error = await failure(
      s3.send(
        new UploadPartCopyCommand({
          Bucket: BUCKET,
          Key: "copy/bad-range.bin",
          UploadId: uploadId,
          PartNumber: 1,
          CopySource: `${BUCKET}/copy/tiny.txt`,
          CopySourceRange: "bytes=5-10",
        }),
      ),
    );
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      "InvalidArgument",
      400,
      "Range specified is not valid for source object of size: 10",
    ]);
  });

  test("abort removes the upload: ListMultipartUploads no longer shows it and its parts are NoSuchUpload", async () => {
    const uploadId = await create("abort/me.bin");
    await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "abort/me.bin", UploadId: uploadId, PartNumber: 1, Body: "part" }));
    const before = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: "abort/" }));
    expect(before.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([["abort/me.bin", uploadId]]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "abort/me.bin", UploadId: uploadId }));
    const after = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: "abort/" }));
    expect(after.Uploads ?? []).toEqual([]);
    for (const attempt of [
      () => s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: "abort/me.bin", UploadId: uploadId, PartNumber: 2, Body: "late" })),
      () => s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "abort/me.bin", UploadId: uploadId })),
      () => s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "abort/me.bin", UploadId: uploadId })),
    ]) {
      const error = await failure(attempt());
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(["NoSuchUpload", 404]);
    }
  });

  test("ListParts pages with max-parts and part-number-marker; ListMultipartUploads groups by delimiter", async () => {
    const uploadId = await create("list/parts.bin", { ChecksumAlgorithm: "SHA256" });
    for (const n of [3, 1, 2]) {
      await s3.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: "list/parts.bin", UploadId: uploadId, PartNumber: n, Body: `part ${n}`, ChecksumAlgorithm: "SHA256" }),
      );
    }
    const page1 = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "list/parts.bin", UploadId: uploadId, MaxParts: 2 }));
    expect(page1.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 6, `"${md5(Buffer.from("part 1")).toString("hex")}"`],
      [2, 6, `"${md5(Buffer.from("part 2")).toString("hex")}"`],
    ]);
    expect(page1.Parts![0]!.ChecksumSHA256).toBe(createHash("sha256").update("part 1").digest("base64"));
    expect([page1.IsTruncated, page1.NextPartNumberMarker, page1.ChecksumAlgorithm]).toEqual([true, "2", "SHA256"]);
    const page2 = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: "list/parts.bin", UploadId: uploadId, PartNumberMarker: "2" }));
    expect([page2.Parts?.map((p) => p.PartNumber), page2.IsTruncated]).toEqual([[3], false]);

    await create("list/a/one.bin");
    await create("list/b.bin");
    const grouped = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: "list/", Delimiter: "/" }));
    expect(grouped.Uploads?.map((u) => u.Key)).toEqual(["list/b.bin", "list/parts.bin"]);
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["list/a/"]);
    const paged = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: "list/", MaxUploads: 1 }));
    expect([paged.Uploads?.map((u) => u.Key), paged.IsTruncated, paged.NextKeyMarker]).toEqual([["list/a/one.bin"], true, "list/a/one.bin"]);
    const next = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: "list/", KeyMarker: paged.NextKeyMarker!, UploadIdMarker: paged.NextUploadIdMarker! }),
    );
    expect(next.Uploads?.map((u) => u.Key)).toEqual(["list/b.bin", "list/parts.bin"]);
  });
});

describe("CompleteMultipartUpload's refusals", () => {
  async function twoParts(key: string, sizes: [number, number]) {
    const uploadId = await create(key);
    const etags: string[] = [];
    for (const [i, size] of sizes.entries()) {
      const { ETag } = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: randomBytes(size) }));
      etags.push(ETag!);
    }
    return { uploadId, etags };
  }
  const complete = (key: string, uploadId: string, parts: { PartNumber: number; ETag: string }[]) =>
    s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));

  test("a part under 5 MiB other than the last is EntityTooSmall; the last may be small", async () => {
    const { uploadId, etags } = await twoParts("refuse/small.bin", [1024, 1024]);
    const error = await failure(
      complete(
        "refuse/small.bin",
        uploadId,
        etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })),
      ),
    );
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      "EntityTooSmall",
      400,
      "Your proposed upload is smaller than the minimum allowed size",
    ]);
    expect(error).toMatchObject({ ProposedSize: "1024", MinSizeAllowed: "5242880", PartNumber: "1" });
    // One small part alone is fine, and the upload is still there after the refusal.
    const done = await complete("refuse/small.bin", uploadId, [{ PartNumber: 2, ETag: etags[1]! }]);
    expect(done.ETag).toMatch(/-1"$/);
  });

  test("a wrong ETag or an unknown part is InvalidPart", async () => {
    const { uploadId, etags } = await twoParts("refuse/invalid.bin", [5 * MiB, 10]);
    for (const parts of [
      [{ PartNumber: 1, ETag: `"${"0".repeat(32)}"` }],
      [
        { PartNumber: 1, ETag: etags[0]! },
        { PartNumber: 3, ETag: etags[1]! },
      ],
    ]) {
      const error = await failure(complete("refuse/invalid.bin", uploadId, parts));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(["InvalidPart", 400]);
      expect(error.message).toBe(
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
      );
    }
  });

  test("parts out of order, or repeated, are InvalidPartOrder", async () => {
    const { uploadId, etags } = await twoParts("refuse/order.bin", [5 * MiB, 10]);
    for (const parts of [
      [
        { PartNumber: 2, ETag: etags[1]! },
        { PartNumber: 1, ETag: etags[0]! },
      ],
      [
        { PartNumber: 1, ETag: etags[0]! },
        { PartNumber: 1, ETag: etags[0]! },
      ],
    ]) {
      const error = await failure(complete("refuse/order.bin", uploadId, parts));
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        "InvalidPartOrder",
        400,
        "The list of parts was not in ascending order. Parts must be ordered by part number.",
      ]);
    }
  });

  test("an unknown upload id, or one for another key, is NoSuchUpload", async () => {
    const uploadId = await create("refuse/mine.bin");
    for (const [key, id] of [
      ["refuse/mine.bin", "not-an-upload"],
      ["refuse/other.bin", uploadId],
    ] as const) {
      const error = await failure(complete(key, id, [{ PartNumber: 1, ETag: '"x"' }]));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(["NoSuchUpload", 404]);
      expect(error.message).toBe("The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
    }
  });

  test("no parts at all is MalformedXML; part numbers outside 1..10000 are InvalidArgument", async () => {
    const uploadId = await create("refuse/xml.bin");
    const empty = await rawS3(emulator.url, {
      method: "POST",
      path: `/${BUCKET}/refuse/xml.bin?uploadId=${uploadId}`,
      body: "<CompleteMultipartUpload></CompleteMultipartUpload>",
    });
    expect([empty.status, errorCode(empty.text)]).toEqual([400, "MalformedXML"]);
    for (const n of ["0", "10001", "one"]) {
      const r = await rawS3(emulator.url, { method: "PUT", path: `/${BUCKET}/refuse/xml.bin?partNumber=${n}&uploadId=${uploadId}`, body: "x" });
      expect([r.status, errorCode(r.text)]).toEqual([400, "InvalidArgument"]);
      expect(r.text).toContain("<Message>Part number must be an integer between 1 and 10000, inclusive</Message>");
    }
  });
});

describe("IAM actions of the multipart operations", () => {
  test("a role with s3:PutObject uploads but may not abort, list parts or list uploads without their own actions", async () => {
    const role = putRole(emulator.core, "UploaderRole", {
      put: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `arn:aws:s3:::${BUCKET}/guest/*` } },
    });
    const guest = s3Client(emulator.url, credentialsFor(emulator.core, role, {}));
    const body = randomBytes(5 * MiB + 1);
    await new Upload({ client: guest, params: { Bucket: BUCKET, Key: "guest/up.bin", Body: body }, partSize: 5 * MiB }).done();
    expect((await bytesOf("guest/up.bin", guest)).equals(body)).toBe(true);

    const { UploadId } = await guest.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "guest/left.bin" }));
    for (const [action, attempt] of [
      ["s3:AbortMultipartUpload", () => guest.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "guest/left.bin", UploadId }))],
      ["s3:ListMultipartUploadParts", () => guest.send(new ListPartsCommand({ Bucket: BUCKET, Key: "guest/left.bin", UploadId }))],
      ["s3:ListBucketMultipartUploads", () => guest.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))],
    ] as const) {
      const error = await failure(attempt());
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
      expect(error.message).toContain(`not authorized to perform: ${action}`);
    }
    const outside = await failure(guest.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "elsewhere/x.bin" })));
    expect(outside.message).toContain("s3:PutObject");
    // The upload is still there for someone allowed to abort it.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: "guest/left.bin", UploadId }));
  });

  test("UploadPartCopy also needs s3:GetObject on the source", async () => {
    const role = putRole(emulator.core, "CopyPartRole", {
      put: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/copier/*` } },
    });
    const client = s3Client(emulator.url, credentialsFor(emulator.core, role, {}));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "secret/source.txt", Body: "secret" }));
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: "copier/x.bin" }));
    const error = await failure(
      client.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: "copier/x.bin", UploadId, PartNumber: 1, CopySource: `${BUCKET}/secret/source.txt` })),
    );
    expect(error.message).toContain(`s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/secret/source.txt"`);
  });
});

describe("browsers", () => {
  test("a preflight for UploadPart is answered and the ETag is exposed when the bucket's rule says so", async () => {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: BUCKET,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: ["http://app.test"], AllowedMethods: ["PUT", "POST", "GET"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"] }],
        },
      }),
    );
    const uploadId = await create("cors/part.bin");
    const path = `/${BUCKET}/cors/part.bin?partNumber=1&uploadId=${uploadId}`;
    const preflight = await fetch(new URL(path, emulator.url), {
      method: "OPTIONS",
      headers: { origin: "http://app.test", "access-control-request-method": "PUT", "access-control-request-headers": "content-type,x-amz-checksum-crc32" },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type, x-amz-checksum-crc32");
    const put = await rawS3(emulator.url, { method: "PUT", path, body: "browser part", headers: { origin: "http://app.test" } });
    expect(put.status).toBe(200);
    expect(put.headers.get("access-control-expose-headers")).toBe("ETag");
    expect(put.headers.get("etag")).toBe(`"${md5(Buffer.from("browser part")).toString("hex")}"`);
  });
});

describe("with --data", () => {
  test("parts are files on disk, and an upload in progress and its object survive restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3-multipart-"));
    try {
      let running = await startTestEmulator({ dataDir: dir });
      let client = s3Client(running.url);
      await client.send(new CreateBucketCommand({ Bucket: "kept" }));
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: "kept", Key: "big.bin", ChecksumAlgorithm: "CRC32C" }));
      const first = randomBytes(5 * MiB);
      const p1 = await client.send(
        new UploadPartCommand({ Bucket: "kept", Key: "big.bin", UploadId, PartNumber: 1, Body: first, ChecksumAlgorithm: "CRC32C" }),
      );
      // The part is a file of its own bytes, not base64 in state.json.
      const blobs = join(dir, "s3-blobs");
      const files = readdirSync(blobs);
      expect(files).toHaveLength(1);
      expect(readFileSync(join(blobs, files[0]!)).equals(first)).toBe(true);
      await running.stop();

      running = await startTestEmulator({ dataDir: dir });
      client = s3Client(running.url);
      expect(readFileSync(join(dir, "state.json"), "utf8")).not.toContain(first.subarray(0, 30).toString("base64"));
      const listed = await client.send(new ListPartsCommand({ Bucket: "kept", Key: "big.bin", UploadId }));
      expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag])).toEqual([[1, p1.ETag]]);
      const last = Buffer.from("the end");
      const p2 = await client.send(new UploadPartCommand({ Bucket: "kept", Key: "big.bin", UploadId, PartNumber: 2, Body: last, ChecksumAlgorithm: "CRC32C" }));
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: "kept",
          Key: "big.bin",
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag!, ChecksumCRC32C: p1.ChecksumCRC32C! },
              { PartNumber: 2, ETag: p2.ETag!, ChecksumCRC32C: p2.ChecksumCRC32C! },
            ],
          },
        }),
      );
      // Parts are gone once assembled: one file, the object.
      expect(readdirSync(blobs)).toHaveLength(1);
      await running.stop();

      running = await startTestEmulator({ dataDir: dir });
      client = s3Client(running.url);
      expect((await bytesOf("big.bin", client, "kept")).equals(Buffer.concat([first, last]))).toBe(true);
      await client.send(new PutObjectCommand({ Bucket: "kept", Key: "big.bin", Body: "replaced" }));
      expect(readdirSync(blobs)).toHaveLength(0);
      await running.stop();
      expect(existsSync(join(dir, "state.json"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a 300 MiB object goes up in 64 MiB parts and comes back with the heap never holding it whole", async () => {
    const dir = mkdtempSync(join(tmpdir(), "s3-large-"));
    const running = await startTestEmulator({ dataDir: dir });
    try {
      const client = s3Client(running.url);
      await client.send(new CreateBucketCommand({ Bucket: "large" }));
      const partSize = 60 * MiB;
      const count = 5;
      const chunk = randomBytes(partSize);
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: "large", Key: "large.bin" }));
      const parts = [];
      const baseline = process.memoryUsage().arrayBuffers;
      let peak = 0;
      for (let n = 1; n <= count; n++) {
        const { ETag } = await client.send(new UploadPartCommand({ Bucket: "large", Key: "large.bin", UploadId, PartNumber: n, Body: chunk }));
        parts.push({ PartNumber: n, ETag: ETag! });
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
      }
      const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: "large", Key: "large.bin", UploadId, MultipartUpload: { Parts: parts } }));
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
      expect(done.ETag).toBe(multipartEtag(Array.from({ length: count }, () => chunk)));
      // 300 MiB went in; the heap never grew by more than a few parts' worth of request buffers.
      expect(peak).toBeLessThan(200 * MiB);
      const head = await client.send(new HeadObjectCommand({ Bucket: "large", Key: "large.bin" }));
      expect(head.ContentLength).toBe(partSize * count);
      const tail = await client.send(new GetObjectCommand({ Bucket: "large", Key: "large.bin", Range: `bytes=${partSize * count - 10}-` }));
      expect(Buffer.from(await tail.Body!.transformToByteArray()).equals(chunk.subarray(partSize - 10))).toBe(true);
    } finally {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
