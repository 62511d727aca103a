// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
// A+G (extra). Amplify guest credentials feeding an SDK v3 S3Client.
import { getCredentials } from "./A-amplify-guest.js";
import { createS3 } from "./G-s3-client.js";

export * from "./A-amplify-guest.js";
export * from "./G-s3-client.js";
export const s3 = createS3(() => getCredentials());
