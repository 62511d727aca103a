import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { ChecksumAlgorithm } from "./state.js";

/** The flexible-checksum algorithms S3 accepts, with the header that carries each. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

export const checksumHeader = (algorithm: ChecksumAlgorithm) => `x-amz-checksum-${algorithm.toLowerCase()}`;

/** Decoded size of each checksum, to refuse values that cannot be one. */
const SIZE: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

export function algorithmOf(name: string): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((a) => a === name.toUpperCase());
}

/**
 * Computes a checksum with what Node ships (zlib's CRC32, SHA-1, SHA-256). CRC32C and CRC64NVME
 * have no implementation in Node, so those come back undefined and are stored unverified.
 */
export function computeChecksum(algorithm: ChecksumAlgorithm, body: Buffer): string | undefined {
  switch (algorithm) {
    case "CRC32": {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(body));
      return out.toString("base64");
    }
    case "SHA1":
      return createHash("sha1").update(body).digest("base64");
    case "SHA256":
      return createHash("sha256").update(body).digest("base64");
    default:
      return undefined;
  }
}

export function isChecksumValue(algorithm: ChecksumAlgorithm, value: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(value) && Buffer.from(value, "base64").length === SIZE[algorithm];
}

export const md5Hex = (body: Buffer) => createHash("md5").update(body).digest("hex");
export const sha256Hex = (body: Buffer) => createHash("sha256").update(body).digest("hex");
