// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
// C1. AWS SDK v3: fromCognitoIdentityPool imported from @aws-sdk/credential-providers.
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { IDENTITY_POOL_ID, REGION } from "./config.js";

export const guestCredentials = fromCognitoIdentityPool({
  identityPoolId: IDENTITY_POOL_ID,
  clientConfig: { region: REGION },
});

export async function getCredentials() {
  return guestCredentials();
}
