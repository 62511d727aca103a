// Step 3: step 2 with the request sent by one fetch call (fetch-sender.js) instead of FetchHttpHandler
// (json-rpc-sender.js has the handler): no Client, Command, middleware stack or endpoint middleware.
import { GetCredentialsForIdentity$, GetId$, errorTypeRegistries } from "@aws-sdk/client-cognito-identity";
import { get, set } from "idb-keyval";
import { IDENTITY_POOL_ID, REGION } from "../anchors/config.js";
import { fetchSender } from "./fetch-sender.js";

const send = fetchSender({
  url: `https://cognito-identity.${REGION}.amazonaws.com/`,
  serviceTarget: "AWSCognitoIdentityService",
  defaultNamespace: "com.amazonaws.cognitoidentity",
  errorTypeRegistries,
});
const idKey = `cognito-identity-id:${IDENTITY_POOL_ID}`;

export async function getCredentials(logins) {
  let identityId = await get(idKey);
  if (!identityId) {
    ({ IdentityId: identityId } = await send(GetId$, { IdentityPoolId: IDENTITY_POOL_ID, Logins: logins }));
    await set(idKey, identityId);
  }
  const { Credentials: c } = await send(GetCredentialsForIdentity$, { IdentityId: identityId, Logins: logins });
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: c.Expiration, identityId };
}
