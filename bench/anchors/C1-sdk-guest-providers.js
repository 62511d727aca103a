// Copied unchanged (but for these two lines) from the team's bundle-size anchors, ../shared/bench/bundle-anchors/entries/C1-sdk-guest-providers.js
// (see ../shared/research/bundle-anchors.md), so `npm run bench` measures them in the same run as cognito-idpool.
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
