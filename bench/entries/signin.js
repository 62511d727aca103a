// cognito-idpool with user-pool sign-in (SRP) and sign-out: the counterpart of anchor B.
// Sign-in code arrives through a dynamic import on first use; the size report counts it apart.
import { createAuth } from "cognito-idpool";
import { IDENTITY_POOL_ID, USER_POOL_CLIENT_ID, USER_POOL_ID } from "../anchors/config.js";

export const auth = createAuth({
  identityPoolId: IDENTITY_POOL_ID,
  userPool: { userPoolId: USER_POOL_ID, clientId: USER_POOL_CLIENT_ID },
});

export function getCredentials(forceRefresh = false) {
  return auth.getCredentials({ forceRefresh });
}

export async function signIn(username, password) {
  const result = await auth.signIn({ username, password });
  if (result.status !== "signedIn") throw new Error(`sign-in needs step ${result.challenge}`);
  return auth.getCredentials();
}

export function signOut() {
  return auth.signOut();
}
