// Step 1: the generated commands on a bare Smithy Client: only the schema serde plugin and a
// fetch handler, none of the client class's default runtime config.
import { GetCredentialsForIdentityCommand, GetIdCommand, errorTypeRegistries } from "@aws-sdk/client-cognito-identity";
import { AwsJson1_1Protocol } from "@aws-sdk/core/protocols";
import { Client } from "@smithy/core/client";
import { getSchemaSerdePlugin } from "@smithy/core/schema";
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@smithy/core/serde";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { get, set } from "idb-keyval";
import { IDENTITY_POOL_ID, REGION } from "../anchors/config.js";

const url = new URL(`https://cognito-identity.${REGION}.amazonaws.com/`);
const config = {
  requestHandler: new FetchHttpHandler(),
  protocol: new AwsJson1_1Protocol({ defaultNamespace: "com.amazonaws.cognitoidentity", serviceTarget: "AWSCognitoIdentityService", errorTypeRegistries }),
  endpointProvider: () => ({ url }),
  utf8Decoder: fromUtf8,
  utf8Encoder: toUtf8,
  base64Decoder: fromBase64,
  base64Encoder: toBase64,
};
const client = new Client(config);
client.config = config;
client.middlewareStack.use(getSchemaSerdePlugin(config));
const idKey = `cognito-identity-id:${IDENTITY_POOL_ID}`;

export async function getCredentials(logins) {
  let identityId = await get(idKey);
  if (!identityId) {
    ({ IdentityId: identityId } = await client.send(new GetIdCommand({ IdentityPoolId: IDENTITY_POOL_ID, Logins: logins })));
    await set(idKey, identityId);
  }
  const { Credentials: c } = await client.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins }));
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: c.Expiration, identityId };
}
