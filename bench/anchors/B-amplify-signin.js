// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
// B. A + user pool sign-in (SRP, Amplify's default USER_SRP_AUTH flow) and signOut.
import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn as amplifySignIn, signOut as amplifySignOut } from "aws-amplify/auth";
import { IDENTITY_POOL_ID, USER_POOL_ID, USER_POOL_CLIENT_ID } from "./config.js";

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: USER_POOL_ID,
      userPoolClientId: USER_POOL_CLIENT_ID,
      identityPoolId: IDENTITY_POOL_ID,
      allowGuestAccess: true,
    },
  },
});

export async function getCredentials(forceRefresh = false) {
  const { credentials, identityId } = await fetchAuthSession({ forceRefresh });
  if (!credentials) throw new Error("no credentials");
  return { ...credentials, identityId };
}

export async function signIn(username, password) {
  const { isSignedIn, nextStep } = await amplifySignIn({ username, password });
  if (!isSignedIn) throw new Error(`sign-in needs step ${nextStep.signInStep}`);
  return getCredentials(true);
}

export async function signOut() {
  await amplifySignOut();
}
