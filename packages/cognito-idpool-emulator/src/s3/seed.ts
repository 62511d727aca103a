import { AwsError } from "../core/errors.js";
import type { SeedContext } from "../service.js";
import { bucketNameProblem } from "./buckets.js";
import { md5Hex } from "./checksums.js";
import { checkCorsRules } from "./cors.js";
import { getBucket, putObject, type CorsRule } from "./state.js";

/** A bucket in a seed document. `Cors` has the shape of the SDK's PutBucketCors `CORSRules`. */
export interface BucketSeed {
  Name: string;
  /** Default us-east-1. */
  Region?: string;
  Cors?: CorsRule[];
  Objects?: { Key: string; Body: string; ContentType?: string }[];
}

/**
 * Creates the seed's buckets, or updates them when they exist (CORS replaced when given, objects
 * written), so the same seed can be applied twice. Returns the bucket names.
 */
export async function seedBuckets(seeds: BucketSeed[], ctx: SeedContext): Promise<string[]> {
  if (!Array.isArray(seeds)) throw new TypeError("seed.buckets must be a list");
  const valid = seeds.map((seed, i) => checkSeed(seed, `seed.buckets[${i}]`));
  const now = Math.floor(ctx.clock.now() / 1000) * 1000;
  for (const seed of valid) {
    const existing = getBucket(ctx.state.s3, seed.Name);
    const bucket = existing ?? { name: seed.Name, region: seed.Region ?? "us-east-1", creationDate: now, objects: {} };
    if (!existing) ctx.state.s3.buckets[seed.Name] = bucket;
    if (seed.Cors) bucket.cors = seed.Cors.map((rule) => ({ ...rule }));
    for (const object of seed.Objects ?? []) {
      const body = Buffer.from(object.Body, "utf8");
      putObject(bucket, object.Key, {
        body: body.toString("base64"),
        size: body.length,
        etag: `"${md5Hex(body)}"`,
        lastModified: now,
        contentType: object.ContentType ?? "binary/octet-stream",
        headers: {},
        metadata: {},
      });
    }
  }
  return valid.map((seed) => seed.Name);
}

function checkSeed(seed: unknown, where: string): BucketSeed {
  if (typeof seed !== "object" || seed === null || Array.isArray(seed)) throw new TypeError(`${where} must be an object`);
  const s = seed as Record<string, unknown>;
  if (typeof s["Name"] !== "string") throw new TypeError(`${where}.Name must be a string`);
  const problem = bucketNameProblem(s["Name"]);
  if (problem) throw new TypeError(`${where}.Name "${s["Name"]}" is not a valid bucket name: it ${problem}`);
  if (s["Region"] !== undefined && (typeof s["Region"] !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(s["Region"]))) {
    throw new TypeError(`${where}.Region must be an AWS region such as "eu-west-1"`);
  }
  if (s["Cors"] !== undefined) checkSeedCors(s["Cors"], `${where}.Cors`);
  if (s["Objects"] !== undefined) {
    if (!Array.isArray(s["Objects"])) throw new TypeError(`${where}.Objects must be a list`);
    s["Objects"].forEach((o: unknown, i) => {
      const at = `${where}.Objects[${i}]`;
      if (typeof o !== "object" || o === null) throw new TypeError(`${at} must be an object`);
      const object = o as Record<string, unknown>;
      if (typeof object["Key"] !== "string" || object["Key"] === "" || Buffer.byteLength(object["Key"]) > 1024)
        throw new TypeError(`${at}.Key must be a string of 1 to 1024 bytes`);
      if (typeof object["Body"] !== "string") throw new TypeError(`${at}.Body must be a string`);
      if (object["ContentType"] !== undefined && typeof object["ContentType"] !== "string") throw new TypeError(`${at}.ContentType must be a string`);
    });
  }
  return s as unknown as BucketSeed;
}

function checkSeedCors(cors: unknown, where: string): void {
  if (!Array.isArray(cors) || cors.length === 0 || cors.length > 100) throw new TypeError(`${where} must be a list of 1 to 100 CORS rules`);
  const strings = (value: unknown, required: boolean) =>
    (value === undefined && !required) || (Array.isArray(value) && (value.length > 0 || !required) && value.every((v) => typeof v === "string"));
  cors.forEach((rule: unknown, i) => {
    const at = `${where}[${i}]`;
    if (typeof rule !== "object" || rule === null) throw new TypeError(`${at} must be an object`);
    const r = rule as Record<string, unknown>;
    if (!strings(r["AllowedMethods"], true)) throw new TypeError(`${at}.AllowedMethods must be a non-empty list of strings`);
    if (!strings(r["AllowedOrigins"], true)) throw new TypeError(`${at}.AllowedOrigins must be a non-empty list of strings`);
    if (!strings(r["AllowedHeaders"], false)) throw new TypeError(`${at}.AllowedHeaders must be a list of strings`);
    if (!strings(r["ExposeHeaders"], false)) throw new TypeError(`${at}.ExposeHeaders must be a list of strings`);
    if (r["MaxAgeSeconds"] !== undefined && (!Number.isInteger(r["MaxAgeSeconds"]) || (r["MaxAgeSeconds"] as number) < 0)) {
      throw new TypeError(`${at}.MaxAgeSeconds must be a whole number of seconds`);
    }
    if (r["ID"] !== undefined && typeof r["ID"] !== "string") throw new TypeError(`${at}.ID must be a string`);
  });
  try {
    checkCorsRules(cors as CorsRule[]);
  } catch (error) {
    if (error instanceof AwsError) throw new TypeError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}
