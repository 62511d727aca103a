/**
 * The one place that maps what the user pool answered (or did not) to {@link CognitoIdpoolError}
 * codes. The AWS SDK error is kept as `cause`; our messages are our own words plus, where it helps
 * the user, Cognito's message with anything that looks like a token removed (Cognito never echoes
 * passwords).
 */
import { classify } from "../aws/outcome.js";
import { CognitoIdpoolError, type ErrorCode } from "../errors.js";

/** `refresh`: a renewal with the refresh token, where any refusal means the session is over. */
export type ErrorContext = "refresh" | "default";

/**
 * Maps an error thrown by the user-pool client.
 */
export function fromUserPoolError(error: unknown, context: ErrorContext = "default"): CognitoIdpoolError {
  if (error instanceof CognitoIdpoolError) return error;
  const { status, type: name, message } = classify(error);
  const awsMessage = redact(message);
  const make = (code: ErrorCode, message: string, retryable?: boolean) =>
    new CognitoIdpoolError(code, message, retryable === undefined ? { cause: error } : { cause: error, retryable });
  // Only our own deadline's message is quoted: a transport's own message may echo anything.
  if (status === undefined) return make("network-error", `The user pool could not be reached${name === "TimeoutError" ? ` (${awsMessage})` : ""}.`);

  if (name === "TooManyRequestsException") return make("throttled", "The user pool is throttling requests; try again shortly.");
  if (name === "LimitExceededException" || name === "TooManyFailedAttemptsException" || /password attempts exceeded/i.test(awsMessage)) {
    return make("too-many-attempts", `Too many attempts; wait before trying again. (${awsMessage})`);
  }

  // RefreshTokenReuseException: a rotated refresh token used again after the app client's grace period.
  if (context === "refresh" && /^(NotAuthorized|UserNotFound|RefreshTokenReuse)Exception$/.test(name)) {
    return make("session-expired", `The session ended: the refresh token was refused (${awsMessage}). Sign in again.`);
  }

  // The user pool refused a passkey or its registration (origin, relying party, not enabled, …).
  if (name.startsWith("WebAuthn")) return make("passkey-failed", `The user pool refused the passkey: ${name}: ${awsMessage}`);

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
    // VerifySoftwareToken's answer to a wrong authenticator code.
    case "EnableSoftwareTokenMFAException":
    case "CodeMismatchException":
      return make("code-mismatch", "The code is wrong.");
    case "ExpiredCodeException":
      return make("code-expired", "The code has expired; request a new one.");
    case "ResourceNotFoundException":
      return make("invalid-options", `The user pool or app client named in the \`userPool\` option does not exist: ${awsMessage}`);
    case "InvalidParameterException":
      return make("invalid-argument", `The user pool rejected a parameter: ${awsMessage}`);
    case "":
      // No error the user pool named: a body that could not be read, or a proxy's page. A 2xx or 5xx may pass on retry.
      return make("service-error", `The user pool's answer could not be read (HTTP ${status}).`, status < 400 || status >= 500 || status === 429);
  }
  return make("service-error", `The user pool ${status >= 500 ? "failed" : "returned"} ${name}: ${awsMessage}`, status >= 500);
}

/** Drops anything shaped like a JWT, in case a message ever carries one. */
function redact(message: string): string {
  return message.replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, "[token]");
}

/** An answer that arrived and parsed but is not what the user pool sends: retryable, like the pool's own failures. */
export function malformedAnswer(what: string): CognitoIdpoolError {
  return new CognitoIdpoolError("service-error", `The user pool's answer has ${what}.`, { retryable: true });
}
