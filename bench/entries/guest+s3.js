// cognito-idpool (guest) feeding an S3Client: measured minus S3Client alone (anchor G) to give
// what the library adds to an app that already talks to S3 (the counterpart of A+G − G).
import { auth } from "./guest.js";
import { createS3 } from "../anchors/G-s3-client.js";

export * from "./guest.js";
export * from "../anchors/G-s3-client.js";
export const s3 = createS3(auth.credentials);
