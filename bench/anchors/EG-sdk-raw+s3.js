// Copied unchanged (but for these two lines) from the team's bundle-size anchors, ../shared/bench/bundle-anchors/entries/EG-sdk-raw+s3.js
// (see ../shared/research/bundle-anchors.md), so `npm run bench` measures them in the same run as cognito-idpool.
// E+G (extra). Raw CognitoIdentityClient credentials feeding an S3Client.
import { getCredentials } from "./E-sdk-raw.js";
import { createS3 } from "./G-s3-client.js";

export * from "./E-sdk-raw.js";
export * from "./G-s3-client.js";
export const s3 = createS3(() => getCredentials());
