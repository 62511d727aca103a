/**
 * The user-pool wire client: the AWS SDK's CognitoIdentityProviderClient pointed at the host's
 * endpoint, reporting each response's `Date` header to the host (its server clock) and turning
 * every failure into a {@link CognitoIdpoolError}.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
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
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
      host.observeServerDate(headers?.["date"] ?? headers?.["Date"]);
      return result;
    },
    // Low priority in the deserialize step sits next to the transport: it sees every raw
    // response, errors included, before the deserializer turns them into exceptions.
    { step: "deserialize", priority: "low", name: "cognitoIdpoolServerDate" },
  );
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
