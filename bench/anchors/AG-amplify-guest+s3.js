// Copied unchanged (but for these two lines) from the team's bundle-size anchors, ../shared/bench/bundle-anchors/entries/AG-amplify-guest+s3.js
// (see ../shared/research/bundle-anchors.md), so `npm run bench` measures them in the same run as cognito-idpool.
// A+G (extra). Amplify guest credentials feeding an SDK v3 S3Client.
import { getCredentials } from "./A-amplify-guest.js";
import { createS3 } from "./G-s3-client.js";

export * from "./A-amplify-guest.js";
export * from "./G-s3-client.js";
export const s3 = createS3(() => getCredentials());
