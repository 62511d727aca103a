import { randomBytes } from "node:crypto";
import { ACCOUNT_ID } from "../core/account.js";
import { AwsError } from "../core/errors.js";
import type { EmulatorRequest, EmulatorResponse } from "../core/types.js";
import type { ServiceContext } from "../service.js";
import { authenticate } from "./auth.js";
import { createBucket, deleteBucket, deleteBucketCors, getBucketCors, getBucketLocation, headBucket, listBuckets, putBucketCors } from "./buckets.js";
import type { S3Handler } from "./call.js";
import { corsHeaders, preflight } from "./cors.js";
import { notImplemented } from "./errors.js";
import { listObjectsV1, listObjectsV2 } from "./list.js";
import { copyObjectHandler, deleteObjectHandler, deleteObjectsHandler, getObjectHandler, headObjectHandler, putObjectHandler } from "./objects.js";
import {
  abortMultipartUploadHandler,
  completeMultipartUploadHandler,
  createMultipartUploadHandler,
  listMultipartUploadsHandler,
  listPartsHandler,
  uploadPartCopyHandler,
  uploadPartHandler,
} from "./multipart.js";
import { readPayload } from "./payload.js";
import { routeS3 } from "./route.js";
import { getBucket } from "./state.js";

export { seedBuckets, type BucketSeed } from "./seed.js";

const OPERATIONS: Record<string, S3Handler> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  PutBucketCors: putBucketCors,
  GetBucketCors: getBucketCors,
  DeleteBucketCors: deleteBucketCors,
  ListObjectsV2: listObjectsV2,
  ListObjects: listObjectsV1,
  PutObject: putObjectHandler,
  GetObject: getObjectHandler,
  HeadObject: headObjectHandler,
  DeleteObject: deleteObjectHandler,
  DeleteObjects: deleteObjectsHandler,
  CopyObject: copyObjectHandler,
  CreateMultipartUpload: createMultipartUploadHandler,
  UploadPart: uploadPartHandler,
  UploadPartCopy: uploadPartCopyHandler,
  CompleteMultipartUpload: completeMultipartUploadHandler,
  AbortMultipartUpload: abortMultipartUploadHandler,
  ListParts: listPartsHandler,
  ListMultipartUploads: listMultipartUploadsHandler,
};

/** S3, path-style (`/bucket/key`), REST-XML, any region. */
export const s3Service = {
  /** The S3 operation a request is (GetObject, PutObject, ListObjectsV2, …), for the request log and faults. */
  operationName(request: EmulatorRequest): string {
    return routeS3(request).operation;
  },

  async handle(ctx: ServiceContext): Promise<EmulatorResponse> {
    const target = routeS3(ctx.request);
    if (target.operation === "OPTIONS") {
      const bucket = target.bucket ? getBucket(ctx.state.s3, target.bucket) : undefined;
      return s3Service.decorate(preflight(ctx.request, bucket?.cors, bucket !== undefined, target.key !== undefined), ctx);
    }
    const auth = await authenticate(ctx);
    const handler = Object.hasOwn(OPERATIONS, target.operation) ? OPERATIONS[target.operation] : undefined;
    if (!handler) {
      if (target.operation !== "Unknown") throw notImplemented();
      throw new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, {
        Method: ctx.request.method,
        ResourceType: target.key !== undefined ? "OBJECT" : target.bucket ? "BUCKET" : "SERVICE",
      });
    }
    const expectedOwner = ctx.request.headers["x-amz-expected-bucket-owner"];
    // Every bucket belongs to the emulator's one account; S3 refuses a request that expects another owner.
    if (expectedOwner !== undefined && expectedOwner !== ACCOUNT_ID) throw new AwsError("AccessDenied", "Access Denied", 403);
    const payload = await readPayload(ctx.request, auth.presigned);
    const response = await handler({ ctx, bucketName: target.bucket ?? "", key: target.key, auth, payload });
    return s3Service.decorate(response, ctx);
  },

  /** Adds the bucket's CORS headers to a response (errors included), as S3 does, and S3's id headers. */
  decorate(response: EmulatorResponse, ctx: ServiceContext): EmulatorResponse {
    const { bucket } = routeS3(ctx.request);
    const rules = bucket ? getBucket(ctx.state.s3, bucket)?.cors : undefined;
    const headers = ctx.request.method === "OPTIONS" ? {} : corsHeaders(ctx.request, rules);
    response.headers = {
      ...headers,
      ...response.headers,
      "x-amz-request-id": ctx.requestId,
      "x-amz-id-2": randomBytes(48).toString("base64"),
      server: "AmazonS3",
    };
    return response;
  },
};
