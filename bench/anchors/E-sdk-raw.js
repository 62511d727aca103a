// A reference entry of the bench (see bench/README.md): measured in the same run and with the same
// esbuild settings as cognito-idpool, so the sizes compare.
// E. Only the generated CognitoIdentityClient (GetId + GetCredentialsForIdentity),
// with the identity id cached in IndexedDB through idb-keyval.
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from "@aws-sdk/client-cognito-identity";
import { get, set } from "idb-keyval";
import { IDENTITY_POOL_ID, REGION } from "./config.js";

const client = new CognitoIdentityClient({ region: REGION });
const idKey = `cognito-identity-id:${IDENTITY_POOL_ID}`;

export async function getCredentials(logins) {
  let identityId = await get(idKey);
  if (!identityId) {
    ({ IdentityId: identityId } = await client.send(new GetIdCommand({ IdentityPoolId: IDENTITY_POOL_ID, Logins: logins })));
    await set(idKey, identityId);
  }
  const { Credentials: c } = await client.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins }));
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
    identityId,
  };
}
