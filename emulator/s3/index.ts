import { AwsError } from "../core/errors.js";
import type { EmulatorRequest, EmulatorResponse, ServiceContext } from "../core/types.js";
import type { SeedContext } from "../seed.js";

/** STUB: owned by the S3 work. */
export interface BucketSeed {
  Name: string;
  [key: string]: unknown;
}

export const s3Service = {
  /** The S3 operation a request is (GetObject, PutObject, ListObjectsV2, …), for the request log and faults. */
  operationName(_request: EmulatorRequest): string {
    return "Unknown";
  },
  async handle(_ctx: ServiceContext): Promise<EmulatorResponse> {
    throw new AwsError("NotImplemented", "S3 is not implemented yet", 501);
  },
  /** Adds the bucket's CORS headers to a response (errors included), as S3 does. */
  decorate(response: EmulatorResponse, _ctx: ServiceContext): EmulatorResponse {
    return response;
  },
};

export async function seedBuckets(seeds: BucketSeed[], _ctx: SeedContext): Promise<string[]> {
  if (seeds.length) throw new Error("S3 is not implemented yet");
  return [];
}
