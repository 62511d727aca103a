import { AwsError } from "../core/errors.js";
import type { EmulatorResponse } from "../core/types.js";
import { bucketArn, objectArn } from "./auth.js";
import { isoDate, nowSeconds, requireBucket, type S3Call, type S3Handler } from "./call.js";
import { blobStore, objectBytes, removeObject } from "./blobs.js";
import { checksumHeader, computeChecksum, md5Hex } from "./checksums.js";
import { invalidArgument, invalidRequest, malformedXml, noSuchBucket, noSuchKey, preconditionFailed } from "./errors.js";
import { getBucket, getObject, putObject, type S3Bucket, type S3Object } from "./state.js";
import { el, list, parseXmlBody, text, xmlResponse } from "./xml.js";

const MAX_KEY_BYTES = 1024;
const MAX_METADATA_BYTES = 2048;
/** Representation headers S3 stores with an object and returns on GET and HEAD. */
const STORED_HEADERS = ["content-disposition", "cache-control", "content-language", "expires"] as const;
/** `response-*` query parameters that override a header on GetObject. */
const OVERRIDES = ["content-type", "content-language", "expires", "cache-control", "content-disposition", "content-encoding"] as const;

export function checkKey(key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new AwsError("KeyTooLongError", "Your key is too long", 400, { Size: String(Buffer.byteLength(key)), MaxSizeAllowed: "1024" });
}

/** User metadata (`x-amz-meta-*`, names lower-cased by HTTP) and the stored representation headers of a request. */
export function describedBy(headers: Record<string, string>, contentEncoding: string | undefined): Pick<S3Object, "contentType" | "headers" | "metadata"> {
  const metadata: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith("x-amz-meta-")) continue;
    const key = name.slice("x-amz-meta-".length);
    metadata[key] = value;
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > MAX_METADATA_BYTES) {
    throw new AwsError("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size", 400, {
      Size: String(size),
      MaxSizeAllowed: String(MAX_METADATA_BYTES),
    });
  }
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) if (headers[name] !== undefined) stored[name] = headers[name]!;
  if (contentEncoding) stored["content-encoding"] = contentEncoding;
  return { contentType: headers["content-type"] ?? "binary/octet-stream", headers: stored, metadata };
}

function checksumHeaders(object: S3Object): Record<string, string> {
  if (!object.checksum) return {};
  return { [checksumHeader(object.checksum.algorithm)]: object.checksum.value, "x-amz-checksum-type": object.checksumType ?? "FULL_OBJECT" };
}

const httpDate = (ms: number) => new Date(ms).toUTCString();

export const putObjectHandler: S3Handler = async (call) => {
  const key = call.key!;
  call.auth.require("s3:PutObject", objectArn(call.bucketName, key));
  const bucket = requireBucket(call);
  checkKey(key);
  const headers = call.ctx.request.headers;
  checkWriteConditions(headers, getObject(bucket, key), key);
  const body = call.payload.body;
  const object: S3Object = {
    body: body.toString("base64"),
    size: body.length,
    etag: `"${md5Hex(body)}"`,
    lastModified: nowSeconds(call),
    ...describedBy(headers, call.payload.contentEncoding),
  };
  // Since 2025 S3 gives an object the uploader sent no checksum for a CRC-64/NVME one of its own.
  object.checksum = call.payload.checksum ?? { algorithm: "CRC64NVME", value: await computeChecksum("CRC64NVME", body) };
  removeObject(blobStore(call.ctx), bucket, key);
  putObject(bucket, key, object);
  return { status: 200, headers: { etag: object.etag, "x-amz-server-side-encryption": "AES256", ...checksumHeaders(object) } };
};

/** Conditional writes: `If-None-Match: *` refuses to overwrite, `If-Match` requires the current ETag. */
export function checkWriteConditions(headers: Record<string, string>, existing: S3Object | undefined, key: string): void {
  const noneMatch = headers["if-none-match"];
  if (noneMatch !== undefined) {
    if (noneMatch.trim() !== "*")
      throw new AwsError("NotImplemented", "A header you provided implies functionality that is not implemented", 501, { Header: "If-None-Match" });
    if (existing) throw preconditionFailed("If-None-Match");
  }
  const match = headers["if-match"];
  if (match !== undefined) {
    if (!existing) throw noSuchKey(key);
    if (!etagListMatches(match, existing.etag)) throw preconditionFailed("If-Match");
  }
}

function etagListMatches(header: string, etag: string): boolean {
  return header.split(",").some((candidate) => {
    const value = candidate.trim();
    return value === "*" || value === etag || `"${value}"` === etag;
  });
}

/** RFC 7232 order: If-Match, If-Unmodified-Since (412); If-None-Match, If-Modified-Since (304). */
function readConditions(headers: Record<string, string>, object: S3Object): "ok" | "not-modified" {
  const match = headers["if-match"];
  if (match !== undefined) {
    if (!etagListMatches(match, object.etag)) throw preconditionFailed("If-Match");
  } else {
    const since = Date.parse(headers["if-unmodified-since"] ?? "");
    if (!Number.isNaN(since) && object.lastModified > since) throw preconditionFailed("If-Unmodified-Since");
  }
  const noneMatch = headers["if-none-match"];
  if (noneMatch !== undefined) return etagListMatches(noneMatch, object.etag) ? "not-modified" : "ok";
  const since = Date.parse(headers["if-modified-since"] ?? "");
  return !Number.isNaN(since) && object.lastModified <= since ? "not-modified" : "ok";
}

type Range = { start: number; end: number } | "whole" | "unsatisfiable";

/** One `bytes=` range, as S3 takes it: syntax it does not understand means the whole object. */
function parseRange(header: string | undefined, size: number): Range {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!m || (m[1] === "" && m[2] === "")) return "whole";
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Number(m[2]);
  if (end < start) return "whole";
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

/**
 * GetObject/HeadObject `?partNumber=N`: the bytes of part N of a multipart object (an object written
 * in one piece has one part), never together with a Range.
 */
function partRange(raw: string, rangeHeader: string | undefined, object: S3Object): { start: number; end: number } {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 10000) {
    throw invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", raw);
  }
  // [INF] S3 refuses the combination; this is the wording it uses for it.
  if (rangeHeader !== undefined) throw invalidRequest("Cannot specify both Range header and partNumber query parameter");
  const sizes = object.partSizes ?? [object.size];
  const n = Number(raw);
  if (n > sizes.length) {
    throw new AwsError("InvalidPartNumber", "The requested partnumber is not satisfiable", 416, {
      PartNumberRequested: raw,
      ActualPartCount: String(sizes.length),
    });
  }
  const start = sizes.slice(0, n - 1).reduce((sum, size) => sum + size, 0);
  return { start, end: start + sizes[n - 1]! - 1 };
}

/** GetObject and HeadObject share everything but the body. */
function readObject(call: S3Call, withBody: boolean): EmulatorResponse {
  const key = call.key!;
  call.auth.require("s3:GetObject", objectArn(call.bucketName, key));
  const bucket = requireBucket(call);
  const object = getObject(bucket, key);
  if (!object) {
    // S3 tells a caller that may not list the bucket only "denied", so keys cannot be probed.
    call.auth.require("s3:ListBucket", bucketArn(bucket.name));
    throw noSuchKey(key);
  }
  const request = call.ctx.request;
  const validators = { etag: object.etag, "last-modified": httpDate(object.lastModified) };
  if (readConditions(request.headers, object) === "not-modified") return { status: 304, headers: validators };

  const partNumber = request.url.searchParams.get("partNumber");
  const range = partNumber === null ? parseRange(request.headers["range"], object.size) : partRange(partNumber, request.headers["range"], object);
  if (range === "unsatisfiable") {
    throw new AwsError("InvalidRange", "The requested range is not satisfiable", 416, {
      RangeRequested: request.headers["range"]!,
      ActualObjectSize: String(object.size),
    });
  }
  const length = range === "whole" ? object.size : range.end - range.start + 1;
  // HEAD reads no bytes: a multipart object may be a large file.
  const part = !withBody
    ? undefined
    : range === "whole"
      ? objectBytes(blobStore(call.ctx), object)
      : objectBytes(blobStore(call.ctx), object, range.start, range.end);
  const headers: Record<string, string> = {
    ...validators,
    "content-type": object.contentType,
    "content-length": String(length),
    "accept-ranges": "bytes",
    "x-amz-server-side-encryption": "AES256",
    ...object.headers,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  if (range !== "whole") headers["content-range"] = `bytes ${range.start}-${range.end}/${object.size}`;
  if (partNumber !== null && object.partSizes) headers["x-amz-mp-parts-count"] = String(object.partSizes.length);
  const checksumMode = request.headers["x-amz-checksum-mode"] ?? request.url.searchParams.get("x-amz-checksum-mode");
  // A checksum describes the whole object, so S3 leaves it off ranged answers.
  if (checksumMode === "ENABLED" && range === "whole") Object.assign(headers, checksumHeaders(object));
  if (withBody) {
    for (const name of OVERRIDES) {
      const value = request.url.searchParams.get(`response-${name}`);
      if (value !== null) headers[name] = value;
    }
  }
  const status = range === "whole" ? 200 : 206;
  return withBody ? { status, headers, body: part } : { status, headers };
}

export const getObjectHandler: S3Handler = (call) => readObject(call, true);
export const headObjectHandler: S3Handler = (call) => readObject(call, false);

export const deleteObjectHandler: S3Handler = (call) => {
  call.auth.require("s3:DeleteObject", objectArn(call.bucketName, call.key!));
  const bucket = requireBucket(call);
  removeObject(blobStore(call.ctx), bucket, call.key!);
  return { status: 204, headers: {} };
};

const MAX_DELETE_KEYS = 1000;

export const deleteObjectsHandler: S3Handler = (call) => {
  const bucket = requireBucket(call);
  if (call.ctx.request.headers["content-md5"] === undefined && !call.payload.checksum) {
    throw invalidRequest("Missing required header for this request: Content-MD5");
  }
  const root = parseXmlBody(call.payload.body, "Delete");
  const quiet = root["Quiet"] === undefined ? false : text(root["Quiet"]).trim().toLowerCase() === "true";
  const entries = list(root["Object"]);
  if (entries.length === 0 || entries.length > MAX_DELETE_KEYS) throw malformedXml();
  const keys = entries.map((entry) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw malformedXml();
    return text((entry as Record<string, unknown>)["Key"]);
  });
  // S3 authorizes each key on its own and reports refusals next to the deletions.
  const results = keys.map((key) => {
    if (!call.auth.allows("s3:DeleteObject", objectArn(bucket.name, key))) {
      return `<Error>${el("Key", key)}${el("Code", "AccessDenied")}${el("Message", "Access Denied")}</Error>`;
    }
    removeObject(blobStore(call.ctx), bucket, key);
    return quiet ? "" : `<Deleted>${el("Key", key)}</Deleted>`;
  });
  return xmlResponse("DeleteResult", results.join(""));
};

/** `x-amz-copy-source`: `bucket/key` or `/bucket/key`, URL-encoded, maybe with `?versionId=`. */
export function copySource(header: string): { bucket: string; key: string } {
  const [raw, query] = header.split("?", 2) as [string, string | undefined];
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // S3 takes an undecodable source as written
  }
  if (path.startsWith("/")) path = path.slice(1);
  const slash = path.indexOf("/");
  const bucket = slash > 0 ? path.slice(0, slash) : "";
  const key = slash > 0 ? path.slice(slash + 1) : "";
  if (!bucket || !key) throw invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header);
  const versionId = new URLSearchParams(query ?? "").get("versionId");
  if (versionId !== null && versionId !== "null") {
    throw new AwsError("NoSuchVersion", "The specified version does not exist.", 404, { Key: key, VersionId: versionId });
  }
  return { bucket, key };
}

/** `x-amz-copy-source-if-*`: every failed condition is a 412 on copy. */
export function checkCopyConditions(headers: Record<string, string>, source: S3Object): void {
  const match = headers["x-amz-copy-source-if-match"];
  if (match !== undefined && !etagListMatches(match, source.etag)) throw preconditionFailed("x-amz-copy-source-If-Match");
  const noneMatch = headers["x-amz-copy-source-if-none-match"];
  if (noneMatch !== undefined && etagListMatches(noneMatch, source.etag)) throw preconditionFailed("x-amz-copy-source-If-None-Match");
  const unmodified = Date.parse(headers["x-amz-copy-source-if-unmodified-since"] ?? "");
  if (!Number.isNaN(unmodified) && source.lastModified > unmodified) throw preconditionFailed("x-amz-copy-source-If-Unmodified-Since");
  const modified = Date.parse(headers["x-amz-copy-source-if-modified-since"] ?? "");
  if (!Number.isNaN(modified) && source.lastModified <= modified) throw preconditionFailed("x-amz-copy-source-If-Modified-Since");
}

export const copyObjectHandler: S3Handler = (call) => {
  const key = call.key!;
  const headers = call.ctx.request.headers;
  const from = copySource(headers["x-amz-copy-source"]!);
  call.auth.require("s3:PutObject", objectArn(call.bucketName, key));
  call.auth.require("s3:GetObject", objectArn(from.bucket, from.key));
  const target = requireBucket(call);
  checkKey(key);
  const sourceBucket: S3Bucket | undefined = getBucket(call.ctx.state.s3, from.bucket);
  if (!sourceBucket) throw noSuchBucket(from.bucket);
  const source = getObject(sourceBucket, from.key);
  if (!source) throw noSuchKey(from.key);
  checkCopyConditions(headers, source);

  const directive = (headers["x-amz-metadata-directive"] ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") throw invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
  if (directive === "COPY" && sourceBucket === target && from.key === key) {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const described =
    directive === "REPLACE"
      ? describedBy(headers, headers["content-encoding"])
      : { contentType: source.contentType, headers: { ...source.headers }, metadata: { ...source.metadata } };
  const store = blobStore(call.ctx);
  const copy: S3Object = { size: source.size, etag: source.etag, lastModified: nowSeconds(call), ...described };
  if (source.blob) copy.blob = store.copy(source.blob);
  else copy.body = source.body ?? "";
  if (source.partSizes) copy.partSizes = [...source.partSizes];
  if (source.checksum) copy.checksum = { ...source.checksum };
  if (source.checksumType) copy.checksumType = source.checksumType;
  removeObject(store, target, key);
  putObject(target, key, copy);
  const checksum = copy.checksum ? el(`Checksum${copy.checksum.algorithm}`, copy.checksum.value) : "";
  return xmlResponse("CopyObjectResult", `${el("LastModified", isoDate(copy.lastModified))}${el("ETag", copy.etag)}${checksum}`, {
    "x-amz-server-side-encryption": "AES256",
  });
};
