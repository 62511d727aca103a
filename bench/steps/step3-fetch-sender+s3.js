// step3-fetch-sender feeding an S3Client, to measure what it adds on top of S3Client alone (anchor G).
import { getCredentials } from "./step3-fetch-sender.js";
import { createS3 } from "../anchors/G-s3-client.js";

export * from "./step3-fetch-sender.js";
export * from "../anchors/G-s3-client.js";
export const s3 = createS3(() => getCredentials());
