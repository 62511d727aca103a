import {
  errorTypeRegistries,
  GetCredentialsForIdentity$,
  GetId$,
  type GetCredentialsForIdentityResponse,
  type GetIdResponse,
} from "@aws-sdk/client-cognito-identity";
import { createJsonRpcSend, serviceUrl } from "../aws/json-rpc.js";
import { CognitoIdpoolError } from "../errors.js";
import { toIdpoolError } from "./errors.js";

/** Credentials as Cognito issued them; `expiration` is on the server's clock. */
export interface IssuedCredentials {
  identityId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expirationServerMs: number;
}

/** The two unsigned identity-pool calls of the enhanced flow. Errors are {@link CognitoIdpoolError}s. */
export interface IdentityPoolApi {
  getId(logins?: Record<string, string>): Promise<string>;
  getCredentialsForIdentity(identityId: string, logins?: Record<string, string>): Promise<IssuedCredentials>;
}

export interface IdentityPoolApiConfig {
  identityPoolId: string;
  region: string;
  endpoint: string | undefined;
  customRoleArn: string | undefined;
  fetch: typeof globalThis.fetch | undefined;
  requestTimeoutMs: number;
  /** Called with the `Date` header of every response, errors included. */
  observeServerDate(dateHeader: string | undefined): void;
}

/**
 * The identity-pool client: `@aws-sdk/client-cognito-identity`'s operation schemas sent through the
 * SDK's awsJson1_1 protocol (see ../aws/json-rpc.ts), through the injected `fetch`. No retries
 * here: the refresh scheduler owns backoff, on an injectable clock, so one policy applies and
 * tests never wait on other timers.
 */
export function createIdentityPoolApi(config: IdentityPoolApiConfig): IdentityPoolApi {
  const send = createJsonRpcSend({
    url: config.endpoint ?? serviceUrl("cognito-identity", config.region),
    serviceTarget: "AWSCognitoIdentityService",
    defaultNamespace: "com.amazonaws.cognitoidentity",
    errorTypeRegistries,
    requestTimeoutMs: config.requestTimeoutMs,
    fetch: config.fetch,
    observeServerDate: config.observeServerDate,
  });

  const call = async <T>(loginKeys: string[], run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toIdpoolError(error, { identityPoolId: config.identityPoolId, loginKeys });
    }
  };

  return {
    async getId(logins) {
      const output = await call(Object.keys(logins ?? {}), () =>
        send<GetIdResponse>(GetId$, { IdentityPoolId: config.identityPoolId, ...(logins ? { Logins: logins } : {}) }),
      );
      if (!output.IdentityId) throw missing("IdentityId");
      return output.IdentityId;
    },
    async getCredentialsForIdentity(identityId, logins) {
      const output = await call(Object.keys(logins ?? {}), () =>
        send<GetCredentialsForIdentityResponse>(GetCredentialsForIdentity$, {
          IdentityId: identityId,
          ...(logins ? { Logins: logins } : {}),
          ...(config.customRoleArn ? { CustomRoleArn: config.customRoleArn } : {}),
        }),
      );
      const c = output.Credentials;
      if (!c?.AccessKeyId || !c.SecretKey || !c.SessionToken || !c.Expiration) throw missing("Credentials");
      return {
        identityId: output.IdentityId ?? identityId,
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretKey,
        sessionToken: c.SessionToken,
        expirationServerMs: c.Expiration.getTime(),
      };
    },
  };
}

function missing(member: string): CognitoIdpoolError {
  return new CognitoIdpoolError("service-error", `Amazon Cognito's response has no ${member}.`, { retryable: true });
}
