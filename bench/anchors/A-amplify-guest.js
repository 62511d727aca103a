// Copied unchanged (but for these two lines) from the team's bundle-size anchors, ../shared/bench/bundle-anchors/entries/A-amplify-guest.js
// (see ../shared/research/bundle-anchors.md), so `npm run bench` measures them in the same run as cognito-idpool.
// A. Amplify v6: identity pool with guest access, fetchAuthSession() -> AWS credentials.
import { Amplify } from "aws-amplify";
import { fetchAuthSession } from "aws-amplify/auth";
import { IDENTITY_POOL_ID } from "./config.js";

Amplify.configure({
  Auth: { Cognito: { identityPoolId: IDENTITY_POOL_ID, allowGuestAccess: true } },
});

export async function getCredentials(forceRefresh = false) {
  const { credentials, identityId } = await fetchAuthSession({ forceRefresh });
  if (!credentials) throw new Error("no credentials");
  return { ...credentials, identityId };
}
