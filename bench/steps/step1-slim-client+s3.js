// step1-slim-client feeding an S3Client, to measure what it adds on top of S3Client alone (anchor G).
import { getCredentials } from "./step1-slim-client.js";
import { createS3 } from "../anchors/G-s3-client.js";

export * from "./step1-slim-client.js";
export * from "../anchors/G-s3-client.js";
export const s3 = createS3(() => getCredentials());
