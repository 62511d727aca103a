import type { EmulatorRequest } from "../core/types.js";

/** What a path-style S3 request addresses: `/bucket/key`. */
export interface S3Target {
  bucket?: string;
  key?: string;
  operation: string;
}

/** Bucket subresources S3 has and the emulator does not serve, by query name → operation suffix. */
const BUCKET_SUBRESOURCES: Record<string, string> = {
  acl: "BucketAcl",
  policy: "BucketPolicy",
  tagging: "BucketTagging",
  versioning: "BucketVersioning",
  website: "BucketWebsite",
  lifecycle: "BucketLifecycleConfiguration",
  encryption: "BucketEncryption",
  notification: "BucketNotificationConfiguration",
  logging: "BucketLogging",
  replication: "BucketReplication",
  ownershipControls: "BucketOwnershipControls",
  publicAccessBlock: "PublicAccessBlock",
  accelerate: "BucketAccelerateConfiguration",
  requestPayment: "BucketRequestPayment",
  "object-lock": "ObjectLockConfiguration",
  "intelligent-tiering": "BucketIntelligentTieringConfiguration",
  analytics: "BucketAnalyticsConfiguration",
  metrics: "BucketMetricsConfiguration",
  inventory: "BucketInventoryConfiguration",
};

const OBJECT_SUBRESOURCES: Record<string, string> = {
  tagging: "ObjectTagging",
  acl: "ObjectAcl",
  retention: "ObjectRetention",
  "legal-hold": "ObjectLegalHold",
  torrent: "ObjectTorrent",
};

const VERB: Record<string, string> = { GET: "Get", PUT: "Put", DELETE: "Delete" };

/** Splits the raw path into bucket and key (percent-decoded), and names the operation as S3 would. */
export function routeS3(request: EmulatorRequest): S3Target {
  const path = request.rawPath.slice(1);
  const slash = path.indexOf("/");
  const bucket = decode(slash < 0 ? path : path.slice(0, slash));
  const rawKey = slash < 0 ? "" : path.slice(slash + 1);
  const key = rawKey === "" ? undefined : decode(rawKey);
  const target: S3Target = { operation: "Unknown" };
  if (bucket) target.bucket = bucket;
  if (key !== undefined) target.key = key;
  target.operation = operationOf(request, target);
  return target;
}

function operationOf(request: EmulatorRequest, target: S3Target): string {
  const { method } = request;
  const q = request.url.searchParams;
  if (method === "OPTIONS") return "OPTIONS";
  if (!target.bucket) return method === "GET" ? "ListBuckets" : "Unknown";

  if (target.key === undefined) {
    if (q.has("cors")) return VERB[method] ? `${VERB[method]}BucketCors` : "Unknown";
    if (q.has("location")) return method === "GET" ? "GetBucketLocation" : "Unknown";
    if (q.has("delete")) return method === "POST" ? "DeleteObjects" : "Unknown";
    if (q.has("uploads")) return method === "GET" ? "ListMultipartUploads" : "Unknown";
    if (q.has("versions")) return method === "GET" ? "ListObjectVersions" : "Unknown";
    for (const [name, suffix] of Object.entries(BUCKET_SUBRESOURCES)) {
      if (q.has(name)) return VERB[method] ? `${VERB[method]}${suffix}` : "Unknown";
    }
    if (q.get("list-type") === "2") return method === "GET" ? "ListObjectsV2" : "Unknown";
    return (
      ({ GET: "ListObjects", PUT: "CreateBucket", HEAD: "HeadBucket", DELETE: "DeleteBucket", POST: "PostObject" } as Record<string, string>)[method] ??
      "Unknown"
    );
  }

  if (q.has("uploads")) return method === "POST" ? "CreateMultipartUpload" : "Unknown";
  if (q.has("uploadId")) {
    if (method === "PUT") return request.headers["x-amz-copy-source"] ? "UploadPartCopy" : "UploadPart";
    return ({ POST: "CompleteMultipartUpload", DELETE: "AbortMultipartUpload", GET: "ListParts" } as Record<string, string>)[method] ?? "Unknown";
  }
  if (q.has("attributes")) return method === "GET" ? "GetObjectAttributes" : "Unknown";
  if (q.has("restore")) return method === "POST" ? "RestoreObject" : "Unknown";
  if (q.has("select")) return method === "POST" ? "SelectObjectContent" : "Unknown";
  for (const [name, suffix] of Object.entries(OBJECT_SUBRESOURCES)) {
    if (q.has(name)) return VERB[method] ? `${VERB[method]}${suffix}` : "Unknown";
  }
  switch (method) {
    case "GET":
      return "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      return request.headers["x-amz-copy-source"] !== undefined ? "CopyObject" : "PutObject";
    case "DELETE":
      return "DeleteObject";
    default:
      return "Unknown";
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
