import { bucketArn } from "./auth.js";
import { isoDate, requireBucket, type S3Handler } from "./call.js";
import { OWNER_ID } from "./buckets.js";
import { invalidArgument } from "./errors.js";
import { getObject, type S3Bucket } from "./state.js";
import { el, xmlResponse } from "./xml.js";

const MAX_KEYS = 1000;

/** S3 lists keys in UTF-8 byte order, which differs from JavaScript's UTF-16 order above U+FFFF. */
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

interface Page {
  keys: string[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix on the page, where the next page starts. */
  last?: { value: string; isPrefix: boolean };
}

interface PageRequest {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** Start after this key (start-after, marker, or the key a continuation token names). */
  after?: string;
  /** Skip the keys rolled into this common prefix (a continuation token that ended on one). */
  afterPrefix?: string;
}

/** One page of keys; each key or common prefix counts against max-keys, as in S3. */
function listPage(bucket: S3Bucket, request: PageRequest): Page {
  const { prefix, delimiter, maxKeys, after, afterPrefix } = request;
  const page: Page = { keys: [], commonPrefixes: [], truncated: false };
  if (maxKeys === 0) return page;
  const sorted = Object.keys(bucket.objects)
    .filter((k) => k.startsWith(prefix))
    .sort(byUtf8);
  let count = 0;
  for (const key of sorted) {
    if (after !== undefined && byUtf8(key, after) <= 0) continue;
    if (afterPrefix !== undefined && key.startsWith(afterPrefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && common === page.last?.value) continue;
    if (count === maxKeys) {
      page.truncated = true;
      break;
    }
    if (common !== undefined) {
      page.commonPrefixes.push(common);
      page.last = { value: common, isPrefix: true };
    } else {
      page.keys.push(key);
      page.last = { value: key, isPrefix: false };
    }
    count++;
  }
  return page;
}

function parseMaxKeys(value: string | null): number {
  if (value === null) return MAX_KEYS;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2 ** 31 - 1) {
    throw invalidArgument("Provided max-keys not an integer or within integer range", "max-keys", value);
  }
  return Math.min(Number(value), MAX_KEYS);
}

/** encoding-type=url: S3 percent-encodes names in the answer (form style, so a space is `+`). */
export function encoder(type: string | null): (s: string) => string {
  if (type === null) return (s) => s;
  if (type !== "url") throw invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", type);
  return (s) => encodeURIComponent(s).replace(/%20/g, "+");
}

function contents(bucket: S3Bucket, keys: string[], encode: (s: string) => string, owner: boolean): string {
  return keys
    .map((key) => {
      const o = getObject(bucket, key)!;
      const checksum = o.checksum ? el("ChecksumAlgorithm", o.checksum.algorithm) + el("ChecksumType", "FULL_OBJECT") : "";
      const ownerXml = owner ? `<Owner>${el("ID", OWNER_ID)}</Owner>` : "";
      return `<Contents>${el("Key", encode(key))}${el("LastModified", isoDate(o.lastModified))}${el("ETag", o.etag)}${checksum}${el("Size", o.size)}${ownerXml}${el("StorageClass", "STANDARD")}</Contents>`;
    })
    .join("");
}

const prefixesXml = (prefixes: string[], encode: (s: string) => string) =>
  prefixes.map((p) => `<CommonPrefixes>${el("Prefix", encode(p))}</CommonPrefixes>`).join("");

/** Condition keys S3 sets for listing, present only when the request carries the parameter. */
function listContext(q: URLSearchParams): Record<string, string> {
  const context: Record<string, string> = {};
  for (const name of ["prefix", "delimiter", "max-keys"]) {
    const value = q.get(name);
    if (value !== null) context[`s3:${name}`] = value;
  }
  return context;
}

const encodeToken = (last: NonNullable<Page["last"]>) => Buffer.from(JSON.stringify([last.value, last.isPrefix])).toString("base64url");

function decodeToken(token: string): { value: string; isPrefix: boolean } {
  try {
    const [value, isPrefix] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown[];
    if (typeof value === "string" && typeof isPrefix === "boolean") return { value, isPrefix };
  } catch {
    // fall through to S3's error
  }
  throw invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
}

export const listObjectsV2: S3Handler = (call) => {
  const q = call.ctx.request.url.searchParams;
  call.auth.require("s3:ListBucket", bucketArn(call.bucketName), listContext(q));
  const bucket = requireBucket(call);
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") ?? "";
  const maxKeys = parseMaxKeys(q.get("max-keys"));
  const encode = encoder(q.get("encoding-type"));
  const token = q.get("continuation-token");
  const startAfter = q.get("start-after");
  const request: PageRequest = { prefix, delimiter, maxKeys };
  if (token !== null) {
    // A continuation token takes over from start-after, as in S3.
    const resume = decodeToken(token);
    request.after = resume.value;
    if (resume.isPrefix) request.afterPrefix = resume.value;
  } else if (startAfter !== null) request.after = startAfter;
  const page = listPage(bucket, request);

  let xml = el("Name", bucket.name) + el("Prefix", encode(prefix));
  if (delimiter) xml += el("Delimiter", encode(delimiter));
  xml += el("MaxKeys", maxKeys);
  if (q.has("encoding-type")) xml += el("EncodingType", "url");
  xml += el("KeyCount", page.keys.length + page.commonPrefixes.length) + el("IsTruncated", page.truncated);
  if (token !== null) xml += el("ContinuationToken", token);
  if (page.truncated && page.last) xml += el("NextContinuationToken", encodeToken(page.last));
  if (startAfter !== null) xml += el("StartAfter", encode(startAfter));
  xml += contents(bucket, page.keys, encode, q.get("fetch-owner") === "true") + prefixesXml(page.commonPrefixes, encode);
  return xmlResponse("ListBucketResult", xml);
};

/** ListObjects (version 1): marker instead of tokens, owners always listed. */
export const listObjectsV1: S3Handler = (call) => {
  const q = call.ctx.request.url.searchParams;
  call.auth.require("s3:ListBucket", bucketArn(call.bucketName), listContext(q));
  const bucket = requireBucket(call);
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") ?? "";
  const marker = q.get("marker") ?? "";
  const maxKeys = parseMaxKeys(q.get("max-keys"));
  const encode = encoder(q.get("encoding-type"));
  const page = listPage(bucket, { prefix, delimiter, maxKeys, ...(marker ? { after: marker } : {}) });

  let xml = el("Name", bucket.name) + el("Prefix", encode(prefix)) + el("Marker", encode(marker));
  if (delimiter && page.truncated && page.last) xml += el("NextMarker", encode(page.last.value));
  xml += el("MaxKeys", maxKeys);
  if (delimiter) xml += el("Delimiter", encode(delimiter));
  if (q.has("encoding-type")) xml += el("EncodingType", "url");
  xml += el("IsTruncated", page.truncated);
  xml += contents(bucket, page.keys, encode, true) + prefixesXml(page.commonPrefixes, encode);
  return xmlResponse("ListBucketResult", xml);
};
