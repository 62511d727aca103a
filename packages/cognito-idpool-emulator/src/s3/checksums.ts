import { createHash } from "node:crypto";
import { Crc32, Crc32c, Crc64Nvme } from "@aws-sdk/checksums/crc";
import type { ChecksumAlgorithm } from "./state.js";

/** The flexible-checksum algorithms S3 accepts, with the header that carries each. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`;

/** Decoded size of each checksum, to refuse values that cannot be one. */
const SIZE: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

export function algorithmOf(name: string): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((a) => a === name.toUpperCase());
}

/** An incremental checksum: fed chunk by chunk, so multipart objects are summed while streamed. */
export interface Hasher {
  update(chunk: Uint8Array): void;
  /** Base64, as the `x-amz-checksum-*` headers carry it. */
  digest(): Promise<string>;
}

/**
 * The CRCs are the AWS SDK's own (`@aws-sdk/checksums/crc`, what `@aws-sdk/client-s3` computes the
 * checksums it sends with): an emulator that checks with the same code as the client agrees with it
 * bit for bit, and CRC32C and CRC-64/NVME have no implementation in Node itself. Its CRC32 is zlib's
 * under the hood. SHA-1 and SHA-256 come from node:crypto.
 */
export function hasher(algorithm: ChecksumAlgorithm): Hasher {
  if (algorithm === "SHA1" || algorithm === "SHA256") {
    const hash = createHash(algorithm === "SHA1" ? "sha1" : "sha256");
    return { update: (chunk) => void hash.update(chunk), digest: async () => hash.digest("base64") };
  }
  const crc = algorithm === "CRC32" ? new Crc32() : algorithm === "CRC32C" ? new Crc32c() : new Crc64Nvme();
  return { update: (chunk) => crc.update(chunk), digest: async () => Buffer.from(await crc.digest()).toString("base64") };
}

export async function computeChecksum(algorithm: ChecksumAlgorithm, body: Uint8Array): Promise<string> {
  const h = hasher(algorithm);
  h.update(body);
  return h.digest();
}

/**
 * A multipart object's COMPOSITE checksum: the checksum of the concatenated binary part checksums,
 * then `-<part count>` (what S3 returns, and what SDKs know not to check against the body).
 */
export async function compositeChecksum(algorithm: ChecksumAlgorithm, partValues: string[]): Promise<string> {
  const h = hasher(algorithm);
  for (const value of partValues) h.update(Buffer.from(value, "base64"));
  return `${await h.digest()}-${partValues.length}`;
}

export function isChecksumValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(value) && Buffer.from(value, "base64").length === SIZE[algorithm];
}

export const md5Hex = (body: Uint8Array) => createHash("md5").update(body).digest("hex");
export const sha256Hex = (body: Uint8Array) => createHash("sha256").update(body).digest("hex");
