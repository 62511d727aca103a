// Steps 2 and 3 (see bench/README.md), as src/aws/json-rpc.ts does it: call Cognito through the AWS
// SDK's own operation schemas and its awsJson1_1 protocol implementation, without the generated
// client class. The client class costs what this job never uses: its default runtime config
// statically imports the SigV4 signer, SHA-256 fallback, retry strategies, endpoint rule engine with
// the partition table, the user-agent builder (with bowser and package.json) and the middleware
// stack. The steps differ only in how the serialized request goes out (`transport`).
import { GetCredentialsForIdentity$, GetId$, errorTypeRegistries } from "@aws-sdk/client-cognito-identity";
import { AwsJson1_1Protocol } from "@aws-sdk/core/protocols";
import { operation } from "@smithy/core/schema";
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@smithy/core/serde";
import { streamCollector } from "@smithy/fetch-http-handler";
import { get, set } from "idb-keyval";
import { IDENTITY_POOL_ID, REGION } from "../anchors/config.js";

/**
 * The workload of anchor E (GetId, then GetCredentialsForIdentity, the identity id kept in
 * IndexedDB), its requests sent by `transport`.
 * @param {(request: import("@smithy/core/transport").HttpRequest) => Promise<import("@smithy/core/transport").HttpResponse>} transport
 * @returns {(logins?: Record<string, string>) => Promise<object>}
 */
export function schemaWorkload(transport) {
  const { protocol: scheme, hostname, port, pathname } = new URL(`https://cognito-identity.${REGION}.amazonaws.com/`);
  const context = {
    utf8Decoder: fromUtf8,
    utf8Encoder: toUtf8,
    base64Decoder: fromBase64,
    base64Encoder: toBase64,
    streamCollector,
    endpoint: async () => ({ protocol: scheme, hostname, port: port ? Number(port) : undefined, path: pathname }),
  };
  const protocol = new AwsJson1_1Protocol({
    defaultNamespace: "com.amazonaws.cognitoidentity",
    serviceTarget: "AWSCognitoIdentityService",
    errorTypeRegistries,
    awsQueryCompatible: false,
  });
  protocol.setSerdeContext(context);
  const send = async ([, namespace, name, traits, input, output], values) => {
    const op = operation(namespace, name, traits, input, output);
    const response = await transport(await protocol.serializeRequest(op, values, context));
    return protocol.deserializeResponse(op, context, response);
  };
  const idKey = `cognito-identity-id:${IDENTITY_POOL_ID}`;

  return async (logins) => {
    let identityId = await get(idKey);
    if (!identityId) {
      ({ IdentityId: identityId } = await send(GetId$, { IdentityPoolId: IDENTITY_POOL_ID, Logins: logins }));
      await set(idKey, identityId);
    }
    const { Credentials: c } = await send(GetCredentialsForIdentity$, { IdentityId: identityId, Logins: logins });
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: c.Expiration, identityId };
  };
}
