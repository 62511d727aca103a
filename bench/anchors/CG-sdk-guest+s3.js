// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
// C+G. fromCognitoIdentityPool (credential-providers path) feeding an S3Client.
import { guestCredentials } from "./C1-sdk-guest-providers.js";
import { createS3 } from "./G-s3-client.js";

export * from "./C1-sdk-guest-providers.js";
export * from "./G-s3-client.js";
export const s3 = createS3(guestCredentials);
