import type { EmulatorResponse } from "../core/types.js";
import type { ServiceContext } from "../service.js";
import type { Authorizer } from "./auth.js";
import { noSuchBucket } from "./errors.js";
import type { Payload } from "./payload.js";
import { getBucket, type S3Bucket } from "./state.js";

/** Everything an S3 operation handler gets: the request, who asks, and the verified body. */
export interface S3Call {
  ctx: ServiceContext;
  /** Empty for ListBuckets. */
  bucketName: string;
  key: string | undefined;
  auth: Authorizer;
  payload: Payload;
}

export type S3Handler = (call: S3Call) => EmulatorResponse | Promise<EmulatorResponse>;

export function requireBucket(call: S3Call): S3Bucket {
  const bucket = getBucket(call.ctx.state.s3, call.bucketName);
  if (!bucket) throw noSuchBucket(call.bucketName);
  return bucket;
}

/** Epoch ms on the emulator clock, cut to whole seconds as S3's HTTP dates are. */
export function nowSeconds(call: S3Call): number {
  return Math.floor(call.ctx.clock.now() / 1000) * 1000;
}

/** S3 lists dates as ISO 8601 with milliseconds. */
export const isoDate = (ms: number) => new Date(ms).toISOString();
