import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from "@aws-sdk/client-cognito-identity";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { DATE_HEADER_MIDDLEWARE, dateHeaderMiddleware } from "../core/server-clock.js";
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
 * The identity-pool client on `@aws-sdk/client-cognito-identity`, loading only the two commands.
 * Retries are off in the SDK (`maxAttempts: 1`): the refresh scheduler owns backoff, on an
 * injectable clock, so one policy applies and tests never wait on the SDK's own timers.
 */
export function createIdentityPoolApi(config: IdentityPoolApiConfig): IdentityPoolApi {
  const client = new CognitoIdentityClient({
    region: config.region,
    maxAttempts: 1,
    // Fetch in every environment (Node 20 has it), so the injected `fetch` seam reaches the wire.
    requestHandler: new FetchHttpHandler({
      requestTimeout: config.requestTimeoutMs,
      ...(config.fetch ? { customFetch: config.fetch } : {}),
    }),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
  });
  client.middlewareStack.add(dateHeaderMiddleware(config.observeServerDate), DATE_HEADER_MIDDLEWARE);

  const call = async <T>(loginKeys: string[], send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw toIdpoolError(error, { identityPoolId: config.identityPoolId, loginKeys });
    }
  };

  return {
    async getId(logins) {
      const output = await call(Object.keys(logins ?? {}), () =>
        client.send(new GetIdCommand({ IdentityPoolId: config.identityPoolId, ...(logins ? { Logins: logins } : {}) })),
      );
      if (!output.IdentityId) throw missing("IdentityId");
      return output.IdentityId;
    },
    async getCredentialsForIdentity(identityId, logins) {
      const output = await call(Object.keys(logins ?? {}), () =>
        client.send(
          new GetCredentialsForIdentityCommand({
            IdentityId: identityId,
            ...(logins ? { Logins: logins } : {}),
            ...(config.customRoleArn ? { CustomRoleArn: config.customRoleArn } : {}),
          }),
        ),
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
