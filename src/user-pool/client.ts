/**
 * The user-pool wire client: the AWS SDK's CognitoIdentityProviderClient pointed at the host's
 * endpoint, reporting each response's `Date` header to the host (its server clock) and turning
 * every failure into a {@link CognitoIdpoolError}.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DATE_HEADER_MIDDLEWARE, dateHeaderMiddleware } from "../core/server-clock.js";
import type { UserPoolHost } from "./contract.js";
import { toCognitoIdpoolError, type ErrorContext } from "./errors.js";

/** The one method of the client the session uses, so tests can script the user pool. */
export interface UserPoolApi {
  send: CognitoIdentityProviderClient["send"];
}

/**
 * Builds the client for a host. Every operation the session calls is unsigned, so no AWS
 * credentials are configured or looked for.
 *
 * @example
 * ```ts
 * const api = createUserPoolApi(host);
 * const out = await call(() => api.send(new GetUserCommand({ AccessToken })));
 * ```
 */
export function createUserPoolApi(host: UserPoolHost): UserPoolApi {
  const endpoint = host.options.endpoint ?? host.endpoint;
  const client = new CognitoIdentityProviderClient({ region: host.region, ...(endpoint ? { endpoint } : {}) });
  client.middlewareStack.add(dateHeaderMiddleware((date) => host.observeServerDate(date)), DATE_HEADER_MIDDLEWARE);
  return client;
}

/**
 * Sends a command and maps any failure.
 *
 * @example
 * ```ts
 * await call(() => api.send(new RevokeTokenCommand({ Token, ClientId })));
 * ```
 */
export async function call<T>(send: () => Promise<T>, context: ErrorContext = "default"): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toCognitoIdpoolError(error, context);
  }
}
