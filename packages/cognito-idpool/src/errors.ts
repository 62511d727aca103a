/**
 * Stable error codes. Switch on `error.code`; messages may change, codes do not.
 *
 * @example
 * ```ts
 * function message(code: ErrorCode): string {
 *   return code === "incorrect-username-or-password" ? "Wrong username or password." : "Something went wrong.";
 * }
 * ```
 */
export type ErrorCode =
  // configuration and usage
  | "invalid-options"
  | "invalid-argument"
  | "user-pool-not-configured"
  // transport
  | "network-error"
  | "throttled"
  // identity pool
  | "guests-disabled"
  | "identity-pool-not-found"
  | "identity-rejected"
  | "login-rejected"
  | "unsupported-login-provider"
  | "identity-pool-misconfigured"
  | "not-authorized"
  // user pool
  | "incorrect-username-or-password"
  | "user-not-found"
  | "user-not-confirmed"
  | "password-reset-required"
  | "invalid-password"
  | "username-exists"
  | "code-mismatch"
  | "code-expired"
  | "too-many-attempts"
  | "no-pending-challenge"
  | "not-signed-in"
  | "session-expired"
  | "passkey-cancelled"
  | "passkey-failed"
  | "passkey-unsupported"
  | "oauth-error"
  | "state-mismatch"
  | "redirect-expired"
  | "popup-blocked"
  | "popup-closed"
  // other
  | "storage-unavailable"
  | "cancelled"
  | "service-error";

/**
 * The one error class this library throws. `code` is stable, `retryable` says whether the same
 * call may succeed later unchanged, `cause` holds the underlying AWS SDK error when there is one.
 *
 * @example
 * ```ts
 * import { CognitoIdpoolError } from "cognito-idpool";
 * try {
 *   await auth.signIn({ username, password });
 * } catch (error) {
 *   if (error instanceof CognitoIdpoolError && error.code === "incorrect-username-or-password") showFormError();
 *   else throw error;
 * }
 * ```
 */
export class CognitoIdpoolError extends Error {
  /** Always `"CognitoIdpoolError"`; what {@link isCognitoIdpoolError} checks across realms. */
  override readonly name = "CognitoIdpoolError";
  /** What went wrong, as a stable {@link ErrorCode}: branch on this, not on the message. */
  readonly code: ErrorCode;
  /** Whether the same call may succeed later unchanged (network errors, throttling, some service errors). */
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? (code === "network-error" || code === "throttled");
  }

  /**
   * `instanceof CognitoIdpoolError` is {@link isCognitoIdpoolError}: true for this library's errors
   * from any copy of the class, those of the lazily loaded chunks (which carry their own), of another
   * realm (an iframe) or of a second copy of the package in an app.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isCognitoIdpoolError(value);
  }
}

/**
 * True for a {@link CognitoIdpoolError}, optionally of one code. Works across realms (iframes),
 * where `instanceof` does not.
 *
 * @example
 * ```ts
 * if (isCognitoIdpoolError(error, "network-error")) retryLater();
 * ```
 */
export function isCognitoIdpoolError(error: unknown, code?: ErrorCode): error is CognitoIdpoolError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "CognitoIdpoolError" &&
    (code === undefined || (error as { code?: unknown }).code === code)
  );
}

/** The message of an `Error`, or the thrown value as a string: for logs of failures that are not ours (storage, listeners). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A loggable name for any failure: the code of ours, the name of other errors. Never the message, which may quote input. */
export function errorCode(error: unknown): string {
  return isCognitoIdpoolError(error) ? error.code : error instanceof Error ? error.name : "unknown";
}

/** The `invalid-options` error for one option: its name, what it must be, and what it got (never more than 80 characters of it). */
export function invalidOption(name: string, expected: string, value: unknown): CognitoIdpoolError {
  return new CognitoIdpoolError("invalid-options", `Option "${name}" ${expected}; got ${show(value)}.`);
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
