import { createHash, randomBytes } from "node:crypto";
import { AwsError } from "../core/errors.js";
import { bucketArn, objectArn } from "./auth.js";
import { blobStore, objectBytes, removeObject, type BlobStore } from "./blobs.js";
import { OWNER_ID } from "./buckets.js";
import { isoDate, nowSeconds, requireBucket, type S3Call, type S3Handler } from "./call.js";
import { algorithmOf, checksumHeader, compositeChecksum, computeChecksum, hasher, isChecksumValue, md5Hex } from "./checksums.js";
import { invalidArgument, invalidRequest, malformedXml, noSuchBucket, noSuchKey } from "./errors.js";
import { encoder } from "./list.js";
import { checkCopyConditions, checkKey, checkWriteConditions, copySource, describedBy } from "./objects.js";
import {
  getBucket,
  getObject,
  getUpload,
  putObject,
  type ChecksumAlgorithm,
  type ChecksumType,
  type MultipartUpload,
  type S3Bucket,
  type S3Object,
  type UploadedPart,
} from "./state.js";
import { el, list, parseXmlBody, text, xmlResponse } from "./xml.js";

/** S3's multipart limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;
const MAX_LIST = 1000;

const SSE = { "x-amz-server-side-encryption": "AES256" };

const noSuchUpload = (uploadId: string) =>
  new AwsError("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", 404, {
    UploadId: uploadId,
  });

const invalidPart = (uploadId: string, partNumber: number, etag: string) =>
  new AwsError(
    "InvalidPart",
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
    400,
    { UploadId: uploadId, PartNumber: String(partNumber), ETag: etag },
  );

/** The upload `uploadId` names, which must be for this very key (S3 does not find it under another). */
function requireUpload(call: S3Call, bucket: S3Bucket): MultipartUpload {
  const uploadId = call.ctx.request.url.searchParams.get("uploadId") ?? "";
  const upload = getUpload(bucket, uploadId);
  if (!upload || upload.key !== call.key) throw noSuchUpload(uploadId);
  return upload;
}

function partNumberOf(call: S3Call): number {
  const raw = call.ctx.request.url.searchParams.get("partNumber");
  if (raw === null || !/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PART_NUMBER) {
    throw invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", raw ?? "");
  }
  return Number(raw);
}

/** `x-amz-checksum-algorithm` and `x-amz-checksum-type` of CreateMultipartUpload, with S3's defaults and refusals. */
function checksumChoice(headers: Record<string, string>): { algorithm?: ChecksumAlgorithm; type?: ChecksumType } {
  const name = headers["x-amz-checksum-algorithm"];
  const typeName = headers["x-amz-checksum-type"];
  if (name === undefined) {
    // [INF] S3 names the header it needs; the message follows its other header-pairing errors.
    if (typeName !== undefined) throw invalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
    return {};
  }
  const algorithm = algorithmOf(name);
  if (!algorithm) {
    throw invalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  }
  // CRC-64/NVME can only be a full-object checksum, SHA-1/256 only composite; the CRC32s default to composite.
  const type = (typeName?.toUpperCase() as ChecksumType | undefined) ?? (algorithm === "CRC64NVME" ? "FULL_OBJECT" : "COMPOSITE");
  if (type !== "COMPOSITE" && type !== "FULL_OBJECT") throw invalidRequest("Value for x-amz-checksum-type header is invalid.");
  if ((type === "FULL_OBJECT" && algorithm.startsWith("SHA")) || (type === "COMPOSITE" && algorithm === "CRC64NVME")) {
    // [INF] The wording S3 uses for an algorithm that cannot have the requested checksum type.
    throw invalidRequest(`The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  return { algorithm, type };
}

function uploadChecksumHeaders(upload: MultipartUpload): Record<string, string> {
  return upload.checksumAlgorithm ? { "x-amz-checksum-algorithm": upload.checksumAlgorithm, "x-amz-checksum-type": upload.checksumType! } : {};
}

export const createMultipartUploadHandler: S3Handler = (call) => {
  const key = call.key!;
  call.auth.require("s3:PutObject", objectArn(call.bucketName, key));
  const bucket = requireBucket(call);
  checkKey(key);
  const headers = call.ctx.request.headers;
  const { algorithm, type } = checksumChoice(headers);
  const upload: MultipartUpload = {
    // S3's upload ids are long opaque URL-safe text.
    uploadId: randomBytes(48).toString("base64url"),
    key,
    initiated: call.ctx.clock.now(),
    initiator: call.auth.caller,
    ...describedBy(headers, headers["content-encoding"]),
    parts: {},
  };
  if (algorithm) Object.assign(upload, { checksumAlgorithm: algorithm, checksumType: type });
  bucket.uploads ??= {};
  bucket.uploads[upload.uploadId] = upload;
  return xmlResponse("InitiateMultipartUploadResult", `${el("Bucket", bucket.name)}${el("Key", key)}${el("UploadId", upload.uploadId)}`, {
    ...SSE,
    ...uploadChecksumHeaders(upload),
  });
};

/**
 * A part's checksum in the upload's algorithm: the one the client sent (payload.ts verified it), or
 * computed here when it sent none, as S3 does. A part in another algorithm than the upload's is refused.
 */
async function partChecksum(call: S3Call, upload: MultipartUpload, bytes: Buffer): Promise<UploadedPart["checksum"]> {
  const sent = call.payload.checksum;
  const wanted = upload.checksumAlgorithm;
  if (sent && wanted && sent.algorithm !== wanted) {
    // [INF] S3's wording for a part checksummed with another algorithm than CreateMultipartUpload named.
    throw invalidRequest(
      `Checksum Type mismatch occurred, expected checksum Type: ${wanted.toLowerCase()}, actual checksum Type: ${sent.algorithm.toLowerCase()}`,
    );
  }
  if (sent) return { ...sent };
  return wanted ? { algorithm: wanted, value: await computeChecksum(wanted, bytes) } : undefined;
}

/** Stores a part's bytes and records it, replacing (and freeing) any earlier part with the number. */
function storePart(store: BlobStore, upload: MultipartUpload, part: Omit<UploadedPart, "blob">, bytes: Buffer): UploadedPart {
  const stored: UploadedPart = { ...part, blob: store.write(bytes) };
  const previous = upload.parts[String(part.partNumber)];
  upload.parts[String(part.partNumber)] = stored;
  if (previous) store.remove(previous.blob);
  return stored;
}

function partChecksumHeaders(part: UploadedPart): Record<string, string> {
  return part.checksum ? { [checksumHeader(part.checksum.algorithm)]: part.checksum.value } : {};
}

export const uploadPartHandler: S3Handler = async (call) => {
  call.auth.require("s3:PutObject", objectArn(call.bucketName, call.key!));
  const bucket = requireBucket(call);
  const partNumber = partNumberOf(call);
  const upload = requireUpload(call, bucket);
  const bytes = call.payload.body;
  const checksum = await partChecksum(call, upload, bytes);
  // Awaiting may have let a Complete or Abort finish this upload: the part then has nowhere to go.
  if (getUpload(bucket, upload.uploadId) !== upload) throw noSuchUpload(upload.uploadId);
  const part = storePart(
    blobStore(call.ctx),
    upload,
    { partNumber, etag: `"${md5Hex(bytes)}"`, size: bytes.length, lastModified: nowSeconds(call), ...(checksum ? { checksum } : {}) },
    bytes,
  );
  return { status: 200, headers: { etag: part.etag, ...SSE, ...partChecksumHeaders(part) } };
};

/** `x-amz-copy-source-range: bytes=first-last`, both required, inside the source. */
function copyRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m) {
    throw invalidArgument(
      "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
      "x-amz-copy-source-range",
      header,
    );
  }
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) {
    throw invalidArgument(`Range specified is not valid for source object of size: ${size}`, "x-amz-copy-source-range", header);
  }
  return { start, end };
}

export const uploadPartCopyHandler: S3Handler = async (call) => {
  const headers = call.ctx.request.headers;
  const from = copySource(headers["x-amz-copy-source"]!);
  call.auth.require("s3:PutObject", objectArn(call.bucketName, call.key!));
  call.auth.require("s3:GetObject", objectArn(from.bucket, from.key));
  const bucket = requireBucket(call);
  const partNumber = partNumberOf(call);
  const upload = requireUpload(call, bucket);
  const sourceBucket = getBucket(call.ctx.state.s3, from.bucket);
  if (!sourceBucket) throw noSuchBucket(from.bucket);
  const source = getObject(sourceBucket, from.key);
  if (!source) throw noSuchKey(from.key);
  checkCopyConditions(headers, source);
  const range = copyRange(headers["x-amz-copy-source-range"], source.size);
  const store = blobStore(call.ctx);
  const bytes = range ? objectBytes(store, source, range.start, range.end) : objectBytes(store, source);
  const wanted = upload.checksumAlgorithm;
  const checksum = wanted ? { algorithm: wanted, value: await computeChecksum(wanted, bytes) } : undefined;
  if (getUpload(bucket, upload.uploadId) !== upload) throw noSuchUpload(upload.uploadId);
  const part = storePart(
    store,
    upload,
    { partNumber, etag: `"${md5Hex(bytes)}"`, size: bytes.length, lastModified: nowSeconds(call), ...(checksum ? { checksum } : {}) },
    bytes,
  );
  const sum = part.checksum ? el(`Checksum${part.checksum.algorithm}`, part.checksum.value) : "";
  return xmlResponse("CopyPartResult", `${el("LastModified", isoDate(part.lastModified))}${el("ETag", part.etag)}${sum}`, {
    ...SSE,
    "x-amz-copy-source-version-id": "null",
  });
};

interface RequestedPart {
  partNumber: number;
  etag: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** The `<CompleteMultipartUpload>` body: at least one `<Part>` with a PartNumber and an ETag. */
function requestedParts(body: Buffer): RequestedPart[] {
  const root = parseXmlBody(body, "CompleteMultipartUpload");
  const entries = list(root["Part"]);
  if (entries.length === 0 || entries.length > MAX_PART_NUMBER) throw malformedXml();
  return entries.map((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw malformedXml();
    const fields = entry as Record<string, unknown>;
    const number = text(fields["PartNumber"]).trim();
    if (!/^\d{1,9}$/.test(number)) throw malformedXml();
    const checksums: RequestedPart["checksums"] = {};
    for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const) {
      const value = fields[`Checksum${algorithm}`];
      if (value !== undefined) checksums[algorithm] = text(value).trim();
    }
    return { partNumber: Number(number), etag: text(fields["ETag"]).trim(), checksums };
  });
}

const unquote = (etag: string) => etag.replace(/^"(.*)"$/, "$1");

/** Every check S3 makes on the part list before it assembles anything. */
function checkParts(upload: MultipartUpload, requested: RequestedPart[]): UploadedPart[] {
  let previous = 0;
  for (const part of requested) {
    if (part.partNumber <= previous) {
      throw new AwsError("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", 400, {
        UploadId: upload.uploadId,
      });
    }
    previous = part.partNumber;
  }
  const parts = requested.map((wanted) => {
    const part = Object.hasOwn(upload.parts, String(wanted.partNumber)) ? upload.parts[String(wanted.partNumber)] : undefined;
    if (!part || unquote(part.etag) !== unquote(wanted.etag)) throw invalidPart(upload.uploadId, wanted.partNumber, wanted.etag);
    const algorithm = upload.checksumAlgorithm;
    if (algorithm) {
      const given = wanted.checksums[algorithm];
      if (given === undefined && upload.checksumType === "COMPOSITE") {
        throw invalidRequest(
          `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${wanted.partNumber} in the request.`,
        );
      }
      if (given !== undefined && given !== part.checksum?.value) throw invalidPart(upload.uploadId, wanted.partNumber, wanted.etag);
    }
    return part;
  });
  parts.forEach((part, index) => {
    if (index < parts.length - 1 && part.size < MIN_PART_SIZE) {
      throw new AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400, {
        ProposedSize: String(part.size),
        MinSizeAllowed: String(MIN_PART_SIZE),
        PartNumber: String(part.partNumber),
        ETag: part.etag,
      });
    }
  });
  return parts;
}

/** `"<md5 of the concatenated binary part MD5s>-<count>"`, the ETag every S3 multipart object has. */
function multipartEtag(parts: UploadedPart[]): string {
  const md5 = createHash("md5");
  for (const part of parts) md5.update(Buffer.from(unquote(part.etag), "hex"));
  return `"${md5.digest("hex")}-${parts.length}"`;
}

/** A whole-object checksum header the client sent with Complete, to compare with what the parts make. */
function sentObjectChecksum(headers: Record<string, string>): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const) {
    const value = headers[checksumHeader(algorithm)];
    if (value !== undefined) return { algorithm, value };
  }
  return undefined;
}

export const completeMultipartUploadHandler: S3Handler = async (call) => {
  const key = call.key!;
  call.auth.require("s3:PutObject", objectArn(call.bucketName, key));
  const bucket = requireBucket(call);
  const upload = requireUpload(call, bucket);
  const headers = call.ctx.request.headers;
  const parts = checkParts(upload, requestedParts(call.payload.body));
  checkWriteConditions(headers, getObject(bucket, key), key);

  // Without an algorithm S3 gives every new object a CRC-64/NVME full-object checksum.
  const algorithm = upload.checksumAlgorithm ?? "CRC64NVME";
  const composite = upload.checksumType === "COMPOSITE";
  const sent = sentObjectChecksum(headers);
  if (sent) {
    const valid = sent.algorithm === algorithm && (composite ? /^[A-Za-z0-9+/=]+-\d+$/.test(sent.value) : isChecksumValue(algorithm, sent.value));
    if (!valid) throw invalidRequest(`Value for ${checksumHeader(sent.algorithm)} header is invalid.`);
  }

  // The upload leaves the bucket before the bytes are assembled: a part arriving meanwhile gets
  // NoSuchUpload, and nothing can free a part file while it is being read.
  delete bucket.uploads![upload.uploadId];
  const store = blobStore(call.ctx);
  const whole = composite ? undefined : hasher(algorithm);
  let blob: string;
  try {
    blob = await store.concat(
      parts.map((p) => p.blob),
      (chunk) => whole?.update(chunk),
    );
  } catch (error) {
    bucket.uploads![upload.uploadId] = upload;
    throw error;
  }
  const value = composite
    ? await compositeChecksum(
        algorithm,
        parts.map((p) => p.checksum!.value),
      )
    : await whole!.digest();
  if (sent && sent.value !== value) {
    store.remove(blob);
    bucket.uploads![upload.uploadId] = upload;
    throw new AwsError("BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`, 400);
  }

  const object: S3Object = {
    blob,
    size: parts.reduce((sum, p) => sum + p.size, 0),
    etag: multipartEtag(parts),
    lastModified: nowSeconds(call),
    contentType: upload.contentType,
    headers: upload.headers,
    metadata: upload.metadata,
    partSizes: parts.map((p) => p.size),
    checksum: { algorithm, value },
  };
  if (composite) object.checksumType = "COMPOSITE";
  removeObject(store, bucket, key);
  putObject(bucket, key, object);
  // S3 discards the parts the list left out along with those it used.
  for (const part of Object.values(upload.parts)) store.remove(part.blob);

  const location = `${call.ctx.baseUrl}/${encodeURIComponent(bucket.name)}/${key.split("/").map(encodeURIComponent).join("/")}`;
  const inner =
    el("Location", location) +
    el("Bucket", bucket.name) +
    el("Key", key) +
    el("ETag", object.etag) +
    el(`Checksum${algorithm}`, value) +
    el("ChecksumType", composite ? "COMPOSITE" : "FULL_OBJECT");
  return xmlResponse("CompleteMultipartUploadResult", inner, SSE);
};

export const abortMultipartUploadHandler: S3Handler = (call) => {
  call.auth.require("s3:AbortMultipartUpload", objectArn(call.bucketName, call.key!));
  const bucket = requireBucket(call);
  const upload = requireUpload(call, bucket);
  delete bucket.uploads![upload.uploadId];
  const store = blobStore(call.ctx);
  for (const part of Object.values(upload.parts)) store.remove(part.blob);
  return { status: 204, headers: {} };
};

/** max-parts / max-uploads: a non-negative integer, capped at S3's 1000 per page. */
function parseMax(name: string, value: string | null): number {
  if (value === null) return MAX_LIST;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2 ** 31 - 1) throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, value);
  return Math.min(Number(value), MAX_LIST);
}

function marker(name: string, value: string | null): number {
  if (value === null || value === "") return 0;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2 ** 31 - 1) {
    throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, value);
  }
  return Number(value);
}

/** S3's Initiator/Owner: the caller's ARN as both ID and name for IAM principals. */
const principalXml = (name: string, arn: string) => `<${name}>${el("ID", arn)}${el("DisplayName", arn.split("/").pop() ?? arn)}</${name}>`;
const ownerXml = `<Owner>${el("ID", OWNER_ID)}</Owner>`;

export const listPartsHandler: S3Handler = (call) => {
  call.auth.require("s3:ListMultipartUploadParts", objectArn(call.bucketName, call.key!));
  const bucket = requireBucket(call);
  const q = call.ctx.request.url.searchParams;
  const maxParts = parseMax("max-parts", q.get("max-parts"));
  const after = marker("part-number-marker", q.get("part-number-marker"));
  const upload = requireUpload(call, bucket);
  const all = Object.values(upload.parts)
    .filter((p) => p.partNumber > after)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  let xml = el("Bucket", bucket.name) + el("Key", upload.key) + el("UploadId", upload.uploadId);
  xml += el("PartNumberMarker", after) + el("NextPartNumberMarker", page.at(-1)?.partNumber ?? 0) + el("MaxParts", maxParts) + el("IsTruncated", truncated);
  xml += principalXml("Initiator", upload.initiator) + ownerXml + el("StorageClass", "STANDARD");
  if (upload.checksumAlgorithm) xml += el("ChecksumAlgorithm", upload.checksumAlgorithm) + el("ChecksumType", upload.checksumType);
  for (const part of page) {
    const sum = part.checksum ? el(`Checksum${part.checksum.algorithm}`, part.checksum.value) : "";
    xml += `<Part>${el("PartNumber", part.partNumber)}${el("LastModified", isoDate(part.lastModified))}${el("ETag", part.etag)}${el("Size", part.size)}${sum}</Part>`;
  }
  return xmlResponse("ListPartsResult", xml);
};

export const listMultipartUploadsHandler: S3Handler = (call) => {
  call.auth.require("s3:ListBucketMultipartUploads", bucketArn(call.bucketName));
  const bucket = requireBucket(call);
  const q = call.ctx.request.url.searchParams;
  const maxUploads = parseMax("max-uploads", q.get("max-uploads"));
  const encode = encoder(q.get("encoding-type"));
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") ?? "";
  const keyMarker = q.get("key-marker") ?? "";
  const uploadIdMarker = keyMarker ? (q.get("upload-id-marker") ?? "") : "";

  // Key order (UTF-8 bytes), then the order uploads of one key were started, as S3 lists them.
  const uploads = Object.values(bucket.uploads ?? {})
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || a.initiated - b.initiated);
  let start = 0;
  if (keyMarker) {
    const markerAt = uploadIdMarker ? uploads.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker) : -1;
    start = markerAt >= 0 ? markerAt + 1 : uploads.findIndex((u) => Buffer.compare(Buffer.from(u.key), Buffer.from(keyMarker)) > 0);
    if (start < 0) start = uploads.length;
  }
  const shown: MultipartUpload[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { key: string; uploadId?: string } | undefined;
  for (const upload of uploads.slice(start)) {
    const rest = upload.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && prefixes.at(-1) === common) continue;
    if (shown.length + prefixes.length >= maxUploads) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.push(common);
      last = { key: common };
    } else {
      shown.push(upload);
      last = { key: upload.key, uploadId: upload.uploadId };
    }
  }
  let xml = el("Bucket", bucket.name) + el("KeyMarker", encode(keyMarker)) + el("UploadIdMarker", uploadIdMarker);
  if (truncated && last) xml += el("NextKeyMarker", encode(last.key)) + el("NextUploadIdMarker", last.uploadId ?? "");
  if (prefix || q.has("prefix")) xml += el("Prefix", encode(prefix));
  if (delimiter) xml += el("Delimiter", encode(delimiter));
  xml += el("MaxUploads", maxUploads) + el("IsTruncated", truncated);
  if (q.has("encoding-type")) xml += el("EncodingType", "url");
  for (const upload of shown) {
    xml += `<Upload>${el("Key", encode(upload.key))}${el("UploadId", upload.uploadId)}${principalXml("Initiator", upload.initiator)}${ownerXml}`;
    xml += `${el("StorageClass", "STANDARD")}${el("Initiated", isoDate(upload.initiated))}`;
    if (upload.checksumAlgorithm) xml += el("ChecksumAlgorithm", upload.checksumAlgorithm) + el("ChecksumType", upload.checksumType);
    xml += "</Upload>";
  }
  for (const common of prefixes) xml += `<CommonPrefixes>${el("Prefix", encode(common))}</CommonPrefixes>`;
  return xmlResponse("ListMultipartUploadsResult", xml);
};
