// The S3 side of the demo: a shared public/ prefix everyone reads, and private/<identity id>/,
// which the role policies (emulator/demo-seed.json) open to that identity only through
// ${cognito-identity.amazonaws.com:sub}.
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { config } from "./config.js";

export interface FileEntry {
  key: string;
  /** The key without its folder prefix. */
  name: string;
  size: number;
  lastModified: Date | undefined;
}

export const PUBLIC_PREFIX = "public/";

export function privatePrefix(identityId: string): string {
  return `private/${identityId}/`;
}

export async function listFiles(s3: S3Client, prefix: string): Promise<FileEntry[]> {
  const files: FileEntry[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key) files.push({ key: o.Key, name: o.Key.slice(prefix.length), size: o.Size ?? 0, lastModified: o.LastModified });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return files;
}

export async function readBytes(s3: S3Client, key: string): Promise<{ bytes: Uint8Array; contentType: string }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
  const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
  return { bytes, contentType: out.ContentType ?? "application/octet-stream" };
}

export async function readText(s3: S3Client, key: string): Promise<string> {
  return new TextDecoder().decode((await readBytes(s3, key)).bytes);
}

export async function upload(s3: S3Client, key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body, ContentType: contentType }));
}

export async function remove(s3: S3Client, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
}

/**
 * After a `merged` login: the guest's files are still readable with the guest's credentials (they
 * stay valid until they expire) and the user's credentials write them under the user's prefix.
 */
export async function copyFiles(from: { s3: S3Client; prefix: string }, to: { s3: S3Client; prefix: string }): Promise<string[]> {
  const copied: string[] = [];
  for (const file of await listFiles(from.s3, from.prefix)) {
    const { bytes, contentType } = await readBytes(from.s3, file.key);
    await upload(to.s3, to.prefix + file.name, bytes, contentType);
    copied.push(file.name);
  }
  return copied;
}

/** Saves bytes through the browser's download prompt. */
export function saveAs(name: string, bytes: Uint8Array, contentType: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: contentType }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "AccessDenied: Access Denied" from an AWS SDK error. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && code !== error.name ? `${error.name} (${code}): ${error.message}` : `${error.name}: ${error.message}`;
  }
  return String(error);
}
