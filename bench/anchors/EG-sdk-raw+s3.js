// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
// E+G (extra). Raw CognitoIdentityClient credentials feeding an S3Client.
import { getCredentials } from "./E-sdk-raw.js";
import { createS3 } from "./G-s3-client.js";

export * from "./E-sdk-raw.js";
export * from "./G-s3-client.js";
export const s3 = createS3(() => getCredentials());
