import { CognitoIdpoolError, type ErrorCode } from "../errors.js";

/**
 * What Cognito's identity-pool errors mean for the caller. Cognito reuses an exception name for
 * different causes (NotAuthorizedException means guests disabled, a foreign identity or a bad token),
 * so the cases below also match the start of the message, as the service words it.
 */
export function toIdpoolError(error: unknown, context: { identityPoolId: string; loginKeys: string[] }): CognitoIdpoolError {
  if (error instanceof CognitoIdpoolError) return error;
  const e = error as { name?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  // Service errors carry `$fault`; anything else failed before a response was read (offline, DNS, CORS, timeout).
  if (typeof e?.$fault !== "string") {
    return new CognitoIdpoolError("network-error", `Could not reach Amazon Cognito: ${describe(error)}`, { cause: error });
  }
  const type = e.name ?? "";
  const message = e.message ?? "";
  const fail = (code: ErrorCode, text: string, retryable?: boolean) =>
    new CognitoIdpoolError(code, text, { cause: error, ...(retryable === undefined ? {} : { retryable }) });
  const logins = context.loginKeys.length ? context.loginKeys.map((k) => `"${k}"`).join(", ") : "(none)";

  switch (type) {
    case "TooManyRequestsException":
    case "LimitExceededException":
      return fail("throttled", `Amazon Cognito throttled the request: ${message}`);
    case "InternalErrorException":
    case "ExternalServiceException":
      return fail("service-error", `Amazon Cognito failed: ${message}`, true);
    case "InvalidIdentityPoolConfigurationException":
      return fail("identity-pool-misconfigured", `Identity pool ${context.identityPoolId} has no usable role for this identity: ${message}`);
    case "ResourceNotFoundException":
      if (message.startsWith("IdentityPool"))
        return fail("identity-pool-not-found", `Identity pool ${context.identityPoolId} does not exist in this region: ${message}`);
      return fail("identity-rejected", message);
    case "NotAuthorizedException":
      if (message.startsWith("Unauthenticated access is not supported")) {
        return fail("guests-disabled", `Identity pool ${context.identityPoolId} does not allow guests: sign in or call setLogins() first.`);
      }
      if (message.startsWith("Access to Identity") || message.startsWith("Logins don't match")) return fail("identity-rejected", message);
      if (message.startsWith("Token is not from a supported provider")) {
        return fail(
          "unsupported-login-provider",
          `Identity pool ${context.identityPoolId} does not accept the login ${logins}: the key must be a provider configured on the pool and the token's audience one of its client ids. (${message})`,
        );
      }
      if (message.startsWith("Invalid login token")) return fail("login-rejected", `Amazon Cognito rejected the login token for ${logins}: ${message}`);
      return fail("not-authorized", message);
    case "ResourceConflictException":
      return fail("login-rejected", `The login ${logins} conflicts with another identity: ${message}`);
    default:
      return fail("service-error", `${type || "Error"}: ${message}`, (e.$metadata?.httpStatusCode ?? 0) >= 500);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}
