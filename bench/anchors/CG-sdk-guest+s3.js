// Copied unchanged (but for these two lines) from the team's bundle-size anchors, ../shared/bench/bundle-anchors/entries/CG-sdk-guest+s3.js
// (see ../shared/research/bundle-anchors.md), so `npm run bench` measures them in the same run as cognito-idpool.
// C+G. fromCognitoIdentityPool (credential-providers path) feeding an S3Client.
import { guestCredentials } from "./C1-sdk-guest-providers.js";
import { createS3 } from "./G-s3-client.js";

export * from "./C1-sdk-guest-providers.js";
export * from "./G-s3-client.js";
export const s3 = createS3(guestCredentials);
