/**
 * User-pool errors → {@link CognitoIdpoolError} codes. The AWS SDK error is kept as `cause`; our
 * messages are our own words plus, where it helps the user, Cognito's message with anything that
 * looks like a token removed (Cognito never echoes passwords).
 */
import { CognitoIdpoolError, type ErrorCode } from "../errors.js";

/** `refresh`: REFRESH_TOKEN_AUTH, where any refusal means the session is over. */
export type ErrorContext = "refresh" | "default";

interface AwsLikeError {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Maps an error thrown by the user-pool client.
 */
export function toCognitoIdpoolError(error: unknown, context: ErrorContext = "default"): CognitoIdpoolError {
  if (error instanceof CognitoIdpoolError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as AwsLikeError;
  const name = typeof e.name === "string" ? e.name : "";
  const awsMessage = redact(typeof e.message === "string" ? e.message : "");
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
  const make = (code: ErrorCode, message: string, retryable?: boolean) =>
    new CognitoIdpoolError(code, message, retryable === undefined ? { cause: error } : { cause: error, retryable });

  // No HTTP status: the request never got an answer (offline, DNS, reset, timeout).
  if (status === undefined) return make("network-error", `The user pool could not be reached${awsMessage ? ` (${awsMessage})` : ""}.`);

  if (name === "TooManyRequestsException") return make("throttled", "The user pool is throttling requests; try again shortly.");
  if (name === "LimitExceededException" || name === "TooManyFailedAttemptsException" || /password attempts exceeded/i.test(awsMessage)) {
    return make("too-many-attempts", `Too many attempts; wait before trying again. (${awsMessage})`);
  }

  if (context === "refresh" && (name === "NotAuthorizedException" || name === "UserNotFoundException")) {
    return make("session-expired", `The session ended: the refresh token was refused (${awsMessage}). Sign in again.`);
  }

  switch (name) {
    case "NotAuthorizedException":
      if (/incorrect username or password/i.test(awsMessage)) return make("incorrect-username-or-password", "Incorrect username or password.");
      if (/token has (expired|been revoked)|invalid (access|refresh) token|invalid session|session is expired/i.test(awsMessage)) {
        return make("session-expired", `The user-pool session is no longer valid (${awsMessage}). Sign in again.`);
      }
      return make("not-authorized", `The user pool refused the request: ${awsMessage}`);
    case "UserNotFoundException":
      return make("user-not-found", "No such user in this user pool.");
    case "UserNotConfirmedException":
      return make("user-not-confirmed", "The user has not confirmed sign-up yet; call confirmSignUp with the code that was sent.");
    case "PasswordResetRequiredException":
      return make("password-reset-required", "The password must be reset; call forgotPassword, then confirmForgotPassword.");
    case "InvalidPasswordException":
      return make("invalid-password", `The password does not meet the user pool's policy: ${awsMessage}`);
    case "UsernameExistsException":
      return make("username-exists", "A user with that username already exists.");
    case "AliasExistsException":
      return make("username-exists", `Another user already has that email or phone number: ${awsMessage}`);
    case "CodeMismatchException":
      return make("code-mismatch", "The code is wrong.");
    case "ExpiredCodeException":
      return make("code-expired", "The code has expired; request a new one.");
    case "ResourceNotFoundException":
      return make("invalid-options", `The user pool or app client named in the \`userPool\` option does not exist: ${awsMessage}`);
    case "InvalidParameterException":
      return make("invalid-argument", `The user pool rejected a parameter: ${awsMessage}`);
  }
  if (status >= 500) return make("service-error", `The user pool failed (${name || status}): ${awsMessage}`, true);
  return make("service-error", `The user pool returned ${name || `HTTP ${status}`}: ${awsMessage}`);
}

/** Drops anything shaped like a JWT, in case a message ever carries one. */
function redact(message: string): string {
  return message.replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, "[token]");
}
