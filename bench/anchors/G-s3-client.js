// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
// G. What an app pays anyway to talk to S3 from the browser with the v3 SDK:
// S3Client + ListObjectsV2 + PutObject; credentials come from elsewhere.
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BUCKET, REGION } from "./config.js";

export function createS3(credentials) {
  return new S3Client({ region: REGION, credentials });
}

export async function listKeys(s3, prefix) {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key);
}

export async function putText(s3, key, text) {
  return s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: text, ContentType: "text/plain" }));
}
