// Copied unchanged (but for these two lines) from the team's bundle-size anchors, ../shared/bench/bundle-anchors/entries/E-sdk-raw.js
// (see ../shared/research/bundle-anchors.md), so `npm run bench` measures them in the same run as cognito-idpool.
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
