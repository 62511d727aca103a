// Copied unchanged (but for these two lines) from the team's bundle-size anchors, ../shared/bench/bundle-anchors/entries/G-s3-client.js
// (see ../shared/research/bundle-anchors.md), so `npm run bench` measures them in the same run as cognito-idpool.
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
