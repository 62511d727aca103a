import { AwsError } from "../core/errors.js";
import { bucketArn } from "./auth.js";
import { isoDate, nowSeconds, requireBucket, type S3Call, type S3Handler } from "./call.js";
import { corsXml, parseCorsXml } from "./cors.js";
import { invalidArgument, invalidRequest } from "./errors.js";
import { getBucket } from "./state.js";
import { el, parseXmlBody, xmlResponse } from "./xml.js";

/** The canonical user id S3 shows as the owner of everything in the emulator's one account. */
export const OWNER_ID = "7b2a4ee11d20a7e9b8f7f4bbfd3e4d4c0000000000000000000000000000000a";

const empty = (status = 200, headers: Record<string, string> = {}) => ({ status, headers });

/** S3's naming rules for general purpose buckets (checked on CreateBucket and seeds). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return "may only hold lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit";
  if (name.includes("..")) return "must not hold two dots in a row";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return "uses a prefix or suffix S3 reserves";
  return undefined;
}

export const listBuckets: S3Handler = (call) => {
  call.auth.require("s3:ListAllMyBuckets", "arn:aws:s3:::*");
  const q = call.ctx.request.url.searchParams;
  const prefix = q.get("prefix") ?? "";
  const region = q.get("bucket-region");
  const maxText = q.get("max-buckets");
  const max = maxText === null ? 10_000 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 10_000)
    throw invalidArgument("Argument max-buckets must be an integer between 1 and 10000.", "max-buckets", maxText ?? "");
  const after = q.get("continuation-token");
  const names = Object.keys(call.ctx.state.s3.buckets)
    .sort()
    .filter((n) => n.startsWith(prefix) && (after === null || n > after))
    .filter((n) => region === null || call.ctx.state.s3.buckets[n]!.region === region);
  const page = names.slice(0, max);
  const buckets = page
    .map((n) => {
      const b = call.ctx.state.s3.buckets[n]!;
      return `<Bucket>${el("Name", b.name)}${el("CreationDate", isoDate(b.creationDate))}${el("BucketRegion", b.region)}</Bucket>`;
    })
    .join("");
  const next = names.length > page.length ? el("ContinuationToken", page[page.length - 1]) : "";
  return xmlResponse(
    "ListAllMyBucketsResult",
    `<Owner>${el("ID", OWNER_ID)}</Owner><Buckets>${buckets}</Buckets>${next}${q.has("prefix") ? el("Prefix", prefix) : ""}`,
  );
};

export const createBucket: S3Handler = (call) => {
  const name = call.bucketName;
  call.auth.require("s3:CreateBucket", bucketArn(name));
  const problem = bucketNameProblem(name);
  if (problem) throw new AwsError("InvalidBucketName", "The specified bucket is not valid.", 400, { BucketName: name });
  const region = bucketRegion(call);
  const s3 = call.ctx.state.s3;
  const existing = getBucket(s3, name);
  if (existing) {
    // us-east-1 keeps its legacy answer: re-creating your own bucket there succeeds.
    if (existing.region === "us-east-1" && region === "us-east-1") return empty(200, { location: `/${name}` });
    throw new AwsError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409, {
      BucketName: name,
    });
  }
  s3.buckets[name] = { name, region, creationDate: nowSeconds(call), objects: {} };
  return empty(200, { location: `/${name}` });
};

/**
 * The bucket's region from CreateBucketConfiguration, checked against the region the request was
 * signed for, as the regional endpoints do (the AWS SDK adds the constraint itself outside us-east-1).
 */
function bucketRegion(call: S3Call): string {
  let constraint: string | undefined;
  if (call.payload.body.length > 0) {
    const config = parseXmlBody(call.payload.body, "CreateBucketConfiguration");
    const value = config["LocationConstraint"];
    if (typeof value === "string" && value !== "") constraint = value;
  }
  const signed = call.ctx.region;
  if (constraint === "us-east-1") {
    throw new AwsError("InvalidLocationConstraint", "The specified location-constraint is not valid", 400, { LocationConstraint: constraint });
  }
  if (signed === "us-east-1") return constraint ?? "us-east-1";
  if (constraint !== signed) {
    throw new AwsError(
      "IllegalLocationConstraintException",
      `The ${constraint ?? "unspecified"} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  }
  return constraint;
}

export const headBucket: S3Handler = (call) => {
  call.auth.require("s3:ListBucket", bucketArn(call.bucketName));
  const bucket = requireBucket(call);
  return empty(200, { "x-amz-bucket-region": bucket.region, "x-amz-access-point-alias": "false" });
};

export const deleteBucket: S3Handler = (call) => {
  call.auth.require("s3:DeleteBucket", bucketArn(call.bucketName));
  const bucket = requireBucket(call);
  if (Object.keys(bucket.objects).length > 0) {
    throw new AwsError("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, { BucketName: bucket.name });
  }
  delete call.ctx.state.s3.buckets[bucket.name];
  return empty(204);
};

export const getBucketLocation: S3Handler = (call) => {
  call.auth.require("s3:GetBucketLocation", bucketArn(call.bucketName));
  const bucket = requireBucket(call);
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${bucket.region === "us-east-1" ? "" : bucket.region}</LocationConstraint>`;
  return { status: 200, headers: { "content-type": "application/xml" }, body };
};

export const putBucketCors: S3Handler = (call) => {
  call.auth.require("s3:PutBucketCORS", bucketArn(call.bucketName));
  const bucket = requireBucket(call);
  if (call.ctx.request.headers["content-md5"] === undefined && !call.payload.checksum) {
    throw invalidRequest("Missing required header for this request: Content-MD5");
  }
  bucket.cors = parseCorsXml(call.payload.body);
  return empty(200);
};

export const getBucketCors: S3Handler = (call) => {
  call.auth.require("s3:GetBucketCORS", bucketArn(call.bucketName));
  const bucket = requireBucket(call);
  if (!bucket.cors) throw new AwsError("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404, { BucketName: bucket.name });
  return xmlResponse("CORSConfiguration", corsXml(bucket.cors));
};

export const deleteBucketCors: S3Handler = (call) => {
  // IAM has no separate delete action for CORS: PutBucketCORS covers it.
  call.auth.require("s3:PutBucketCORS", bucketArn(call.bucketName));
  const bucket = requireBucket(call);
  delete bucket.cors;
  return empty(204);
};
