// cognito-idpool, guest only: what an app pays for `createAuth` + `getCredentials()`
// (the counterpart of anchor A, Amplify's configure + fetchAuthSession).
import { createAuth } from "cognito-idpool";
import { IDENTITY_POOL_ID } from "../anchors/config.js";

export const auth = createAuth({ identityPoolId: IDENTITY_POOL_ID });

export function getCredentials(forceRefresh = false) {
  return auth.getCredentials({ forceRefresh });
}
