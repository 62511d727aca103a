/**
 * S3 state (buckets, objects, CORS). Owned by emulator/s3.
 *
 * Objects are kept here as base64 text rather than in an object-storage library: s3rver (the
 * maintained candidate) does its own routing and authentication and cannot sit behind our SigV4 and
 * IAM checks in-process without that routing, and a map of keys to bytes is all S3's semantics need.
 * Everything stays plain JSON so `--data DIR` can write it to disk.
 */

/** Same shape as the SDK's `CORSRule` (PutBucketCors input), so seeds can reuse it. */
export interface CorsRule {
  ID?: string;
  AllowedHeaders?: string[];
  AllowedMethods: string[];
  AllowedOrigins: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "CRC64NVME" | "SHA1" | "SHA256";

export interface S3Object {
  /** The bytes, base64, for objects written in one request (PutObject, CopyObject of such an object). */
  body?: string;
  /**
   * The blob holding the bytes of an object assembled from a multipart upload ({@link ./blobs.ts}):
   * a file under `--data DIR`, so objects up to 5 TiB never pass through JSON or one Buffer.
   */
  blob?: string;
  /** Sizes of the parts a multipart object was assembled from, in order (GetObject `partNumber`, `x-amz-mp-parts-count`). */
  partSizes?: number[];
  size: number;
  /** Quoted MD5 hex, as S3 sends it. */
  etag: string;
  /** Epoch milliseconds on the emulator clock, whole seconds (HTTP dates have no milliseconds). */
  lastModified: number;
  contentType: string;
  /** Stored representation headers: content-encoding, content-disposition, cache-control, content-language, expires. */
  headers: Record<string, string>;
  /** User metadata without the `x-amz-meta-` prefix, names in lower case. */
  metadata: Record<string, string>;
  /** The checksum the uploader sent (header or trailer), returned on GetObject with checksum mode. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** COMPOSITE for a multipart object's checksum of part checksums (value ends `-N`); absent means FULL_OBJECT. */
  checksumType?: "COMPOSITE";
}

export type ChecksumType = "COMPOSITE" | "FULL_OBJECT";

/** One part of an upload in progress; its bytes are a blob. */
export interface UploadedPart {
  partNumber: number;
  /** Quoted MD5 hex of the part. */
  etag: string;
  size: number;
  lastModified: number;
  blob: string;
  /** In the upload's algorithm: the one the client sent, or computed as S3 does when it sent none. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

/** A multipart upload between CreateMultipartUpload and Complete/Abort. Persisted with the bucket. */
export interface MultipartUpload {
  uploadId: string;
  key: string;
  initiated: number;
  /** ARN of the principal that created it (ListParts/ListMultipartUploads Initiator). */
  initiator: string;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  /** Keyed by part number (as text: plain JSON). */
  parts: Record<string, UploadedPart>;
}

export interface S3Bucket {
  name: string;
  region: string;
  creationDate: number;
  cors?: CorsRule[];
  /** Keyed by object key. Read and write through {@link getObject}/{@link putObject}: keys such as `__proto__` are valid. */
  objects: Record<string, S3Object>;
  /** Multipart uploads in progress, by upload id. Absent in state written before multipart existed. */
  uploads?: Record<string, MultipartUpload>;
}

export interface S3State {
  buckets: Record<string, S3Bucket>;
}

export function emptyS3State(): S3State {
  return { buckets: {} };
}

export function getBucket(state: S3State, name: string): S3Bucket | undefined {
  return Object.hasOwn(state.buckets, name) ? state.buckets[name] : undefined;
}

export function getObject(bucket: S3Bucket, key: string): S3Object | undefined {
  return Object.hasOwn(bucket.objects, key) ? bucket.objects[key] : undefined;
}

/** Defines an own property, so a key like `__proto__` is stored as data, not as the prototype. */
export function putObject(bucket: S3Bucket, key: string, object: S3Object): void {
  Object.defineProperty(bucket.objects, key, { value: object, enumerable: true, writable: true, configurable: true });
}

export function deleteObject(bucket: S3Bucket, key: string): boolean {
  if (!Object.hasOwn(bucket.objects, key)) return false;
  delete bucket.objects[key];
  return true;
}

export function getUpload(bucket: S3Bucket, uploadId: string): MultipartUpload | undefined {
  return bucket.uploads && Object.hasOwn(bucket.uploads, uploadId) ? bucket.uploads[uploadId] : undefined;
}
