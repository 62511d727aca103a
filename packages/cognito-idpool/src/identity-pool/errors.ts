import { classify } from "../aws/outcome.js";
import { CognitoIdpoolError, type ErrorCode } from "../errors.js";

/**
 * The one place that maps what the identity pool answered (or did not) to a {@link CognitoIdpoolError}.
 * Cognito reuses an exception name for different causes (NotAuthorizedException means guests
 * disabled, a foreign identity or a bad token), so the cases below also match the start of the
 * message, as the service words it.
 */
export function fromIdentityPoolError(error: unknown, context: { identityPoolId: string; loginKeys: string[] }): CognitoIdpoolError {
  if (error instanceof CognitoIdpoolError) return error;
  const { status, type, message } = classify(error);
  const fail = (code: ErrorCode, text = message, retryable?: boolean) => new CognitoIdpoolError(code, text, { cause: error, retryable });
  // Only our own deadline's message is quoted: a transport's own message may echo anything.
  if (status === undefined) return fail("network-error", `Could not reach Amazon Cognito${type == "TimeoutError" ? `: ${message}` : "."}`);
  const pool = `Identity pool ${context.identityPoolId}`;
  const logins = context.loginKeys.map((k) => `"${k}"`).join(", ") || "(none)";
  const starts = (prefix: string) => message.startsWith(prefix);

  switch (type) {
    case "TooManyRequestsException":
    case "LimitExceededException":
      return fail("throttled", `Amazon Cognito throttled the request: ${message}`);
    case "InternalErrorException":
    case "ExternalServiceException":
      return fail("service-error", `Amazon Cognito failed: ${message}`, true);
    case "InvalidIdentityPoolConfigurationException":
      return fail("identity-pool-misconfigured", `${pool} has no usable role for this identity: ${message}`);
    case "ResourceNotFoundException":
      return starts("IdentityPool") ? fail("identity-pool-not-found", `${pool} does not exist in this region: ${message}`) : fail("identity-rejected");
    case "NotAuthorizedException":
      return starts("Unauthenticated access is not supported")
        ? fail("guests-disabled", `${pool} does not allow guests: sign in or call setLogins() first.`)
        : starts("Access to Identity") || starts("Logins don't match")
          ? fail("identity-rejected")
          : starts("Token is not from a supported provider")
            ? fail("unsupported-login-provider", `${pool} does not accept the login ${logins}: ${message}`)
            : starts("Invalid login token")
              ? fail("login-rejected", `Amazon Cognito rejected the login token for ${logins}: ${message}`)
              : fail("not-authorized");
    case "ResourceConflictException":
      return fail("login-rejected", `The login ${logins} conflicts with another identity: ${message}`);
    case "":
      // No error Cognito named: a body that could not be read, or a proxy's page. A 2xx or 5xx may pass on retry.
      return fail("service-error", `Amazon Cognito's answer could not be read (HTTP ${status}).`, status < 400 || status >= 500 || status == 429);
    default:
      return fail("service-error", `${type}: ${message}`, status >= 500);
  }
}

/** An answer that arrived and parsed but is not what the service sends: retried like its own failures. */
export function malformedAnswer(member: string, service = "Amazon Cognito"): CognitoIdpoolError {
  return new CognitoIdpoolError("service-error", `${service}'s answer has no valid ${member}.`, { retryable: true });
}
