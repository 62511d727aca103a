// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
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
