import { AwsError } from "../core/errors.js";
import { constraint, memberPath, Violations } from "../core/validation.js";

/**
 * The user-pool errors the emulator answers with, worded as Cognito words them. Kept in one place
 * so a message is written once and tests can compare against what AWS sends.
 */
export const idpErrors = {
  notAuthorized: (message: string) => new AwsError("NotAuthorizedException", message),
  incorrectPassword: () => new AwsError("NotAuthorizedException", "Incorrect username or password."),
  invalidParameter: (message: string) => new AwsError("InvalidParameterException", message),
  userNotFound: () => new AwsError("UserNotFoundException", "User does not exist."),
  /** The public (client-id) operations word an unknown user this way when existence errors are not prevented. */
  usernameClientNotFound: () => new AwsError("UserNotFoundException", "Username/client id combination not found."),
  userNotConfirmed: () => new AwsError("UserNotConfirmedException", "User is not confirmed."),
  userDisabled: () => new AwsError("NotAuthorizedException", "User is disabled."),
  passwordResetRequired: () => new AwsError("PasswordResetRequiredException", "Password reset required for the user"),
  poolNotFound: (poolId: string) => new AwsError("ResourceNotFoundException", `User pool ${poolId} does not exist.`),
  clientNotFound: (clientId: string) => new AwsError("ResourceNotFoundException", `User pool client ${clientId} does not exist.`),
  codeMismatch: () => new AwsError("CodeMismatchException", "Invalid verification code provided, please try again."),
  mfaCodeMismatch: () => new AwsError("CodeMismatchException", "Invalid code received for user"),
  expiredCode: () => new AwsError("ExpiredCodeException", "Invalid code provided, please request a code again."),
  attemptLimit: () => new AwsError("LimitExceededException", "Attempt limit exceeded, please try after some time."),
  passwordAttemptsExceeded: () => new AwsError("NotAuthorizedException", "Password attempts exceeded"),
  invalidSession: () => new AwsError("NotAuthorizedException", "Invalid session for the user."),
  sessionExpired: () => new AwsError("NotAuthorizedException", "Invalid session for the user, session is expired."),
  sessionUsed: () => new AwsError("NotAuthorizedException", "Invalid session for the user, session can only be used once."),
  invalidAccessToken: () => new AwsError("NotAuthorizedException", "Invalid Access Token"),
  accessTokenExpired: () => new AwsError("NotAuthorizedException", "Access Token has expired"),
  accessTokenRevoked: () => new AwsError("NotAuthorizedException", "Access Token has been revoked"),
  invalidRefreshToken: () => new AwsError("NotAuthorizedException", "Invalid Refresh Token"),
  refreshTokenExpired: () => new AwsError("NotAuthorizedException", "Refresh Token has expired"),
  refreshTokenRevoked: () => new AwsError("NotAuthorizedException", "Refresh Token has been revoked"),
  /** [INF] AWS documents the exception (a token rotated out, after the grace period) but not its message. */
  refreshTokenReused: () => new AwsError("RefreshTokenReuseException", "Refresh Token has already been used"),
  /** [INF] AWS documents the refusal but not the exception or its message; the other "flow not allowed" answers are InvalidParameterException. */
  refreshTokenAuthWithRotation: () =>
    new AwsError(
      "InvalidParameterException",
      "REFRESH_TOKEN_AUTH is not allowed for app clients with refresh token rotation enabled; use GetTokensFromRefreshToken.",
    ),
  accessTokenScope: () => new AwsError("NotAuthorizedException", "Access Token does not have required scopes"),
  missingParameter: (name: string) => new AwsError("InvalidParameterException", `Missing required parameter ${name}`),
  /** [INF] Worded like the other "flow not enabled" answers; AWS documents the refusal, not its message. */
  userAuthNotEnabled: () => new AwsError("InvalidParameterException", "USER_AUTH flow not enabled for this client"),
  /** As AWS answers a pool whose MFA is required while a one-time-password first factor is allowed. */
  otpFactorWithMfa: () =>
    new AwsError("InvalidParameterException", "Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled"),
  /** As AWS answers UpdateUserPool / CreateUserPool adding WEB_AUTHN while MFA is required and passkeys are a single factor. */
  webAuthnFactorWithMfa: () =>
    new AwsError("InvalidParameterException", "WEB_AUTHN cannot be used as an auth factor when MFA is enabled if not configured for MFA."),
  /** As AWS answers SetUserPoolMfaConfig requiring MFA while WEB_AUTHN is a single-factor first factor. */
  webAuthnSingleFactorWithMfa: () =>
    new AwsError(
      "InvalidParameterException",
      "Cannot set WebAuthn factor configuration to SINGLE_FACTOR if MFA is required and WebAuthn is an allowed first auth factor",
    ),
  // The WebAuthn errors below are AWS's documented exception types; their messages are [INF].
  webAuthnNotEnabled: () =>
    new AwsError("WebAuthnNotEnabledException", "Passkey sign-in is not enabled for this user pool (WEB_AUTHN is not an allowed first auth factor)."),
  webAuthnConfigurationMissing: () =>
    new AwsError("WebAuthnConfigurationMissingException", "The user pool has no passkey relying party id (WebAuthnConfiguration.RelyingPartyId) or domain."),
  webAuthnChallengeNotFound: () => new AwsError("WebAuthnChallengeNotFoundException", "The passkey registration challenge was not found or has expired."),
  webAuthnClientMismatch: () =>
    new AwsError("WebAuthnClientMismatchException", "The access token is for a different app client than the one that started the passkey registration."),
  webAuthnOriginNotAllowed: (origin: string) =>
    new AwsError("WebAuthnOriginNotAllowedException", `The passkey origin ${origin} does not belong to the user pool's relying party id.`),
  webAuthnRelyingPartyMismatch: () =>
    new AwsError("WebAuthnRelyingPartyMismatchException", "The passkey credential is for a different relying party than the user pool's relying party id."),
  webAuthnCredentialNotSupported: (detail: string) =>
    new AwsError("WebAuthnCredentialNotSupportedException", `The passkey credential is not supported: ${detail}`),
  webAuthnCredentialNotFound: () => new AwsError("ResourceNotFoundException", "The passkey credential does not exist for the user."),
};

/**
 * Cognito reports constraint violations on input members as InvalidParameterException with
 * Coral's message (written by core/validation.ts). Collects every violation of one request, as
 * Coral does, and throws them together.
 */
export class InputCheck {
  private readonly problems = new Violations();

  /** `prefix` places a nested structure's members, e.g. `policies.passwordPolicy.`. */
  constructor(
    private readonly input: Record<string, unknown>,
    private readonly prefix = "",
  ) {}

  private path(member: string): string {
    return this.prefix + memberPath("", member);
  }

  /** A string member; returns undefined when absent (and records the violation when required). */
  string(member: string, rules: { required?: boolean; min?: number; max?: number; pattern?: string } = {}): string | undefined {
    const value = this.input[member];
    const path = this.path(member);
    if (value === undefined || value === null) {
      if (rules.required) this.problems.missing(path);
      return undefined;
    }
    if (typeof value !== "string") throw serialization(member, "a string");
    if (rules.min !== undefined && value.length < rules.min) {
      this.problems.add(value, path, constraint.minLength(rules.min));
    } else if (rules.max !== undefined && value.length > rules.max) {
      this.problems.add(value, path, constraint.maxLength(rules.max));
    } else if (rules.pattern !== undefined && !new RegExp(`^(?:${rules.pattern})$`, "u").test(value)) {
      this.problems.add(value, path, constraint.pattern(rules.pattern));
    }
    return value;
  }

  /** A string member limited to an enum. */
  oneOf<T extends string>(member: string, values: readonly T[], required = false): T | undefined {
    const value = this.string(member, { required });
    if (value !== undefined && !values.includes(value as T)) {
      this.problems.add(value, this.path(member), constraint.oneOf(values));
    }
    return value as T | undefined;
  }

  integer(member: string, rules: { min?: number; max?: number } = {}): number | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) throw serialization(member, "an integer");
    if (rules.min !== undefined && value < rules.min) {
      this.problems.add(value, this.path(member), constraint.minValue(rules.min));
    } else if (rules.max !== undefined && value > rules.max) {
      this.problems.add(value, this.path(member), constraint.maxValue(rules.max));
    }
    return value;
  }

  boolean(member: string): boolean | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") throw serialization(member, "a boolean");
    return value;
  }

  /** A list of strings, each from `values` when given. */
  stringList(member: string, values?: readonly string[]): string[] | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw serialization(member, "a list of strings");
    if (values) {
      value.forEach((v: string, i) => {
        if (!values.includes(v)) {
          this.problems.add(v, `${this.path(member)}.${i + 1}.member`, constraint.oneOf(values));
        }
      });
    }
    return value as string[];
  }

  /** A map of string to string (AuthParameters, ChallengeResponses, ClientMetadata). */
  stringMap(member: string, required = false): Record<string, string> | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) {
      if (required) this.problems.missing(this.path(member));
      return undefined;
    }
    if (typeof value !== "object" || Array.isArray(value) || Object.values(value).some((v) => typeof v !== "string" && v !== null)) {
      throw serialization(member, "a map of strings");
    }
    // Clients send absent entries as null (amazon-cognito-identity-js: `DEVICE_KEY: null`); AWS ignores them.
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as Record<string, string>;
  }

  /** A structure member (validated by the caller). */
  object(member: string): Record<string, unknown> | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) throw serialization(member, "a structure");
    return value as Record<string, unknown>;
  }

  /** `[{Name, Value}]` user attributes. */
  attributes(member: string): { Name: string; Value: string }[] | undefined {
    const value = this.input[member];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw serialization(member, "a list of attributes");
    return value.map((entry: unknown, i) => {
      if (typeof entry !== "object" || entry === null) throw serialization(`${member}.${i + 1}`, "an attribute");
      const { Name, Value } = entry as Record<string, unknown>;
      if (typeof Name !== "string") {
        this.problems.missing(`${this.path(member)}.${i + 1}.member.name`);
      }
      if (Value !== undefined && typeof Value !== "string") throw serialization(`${member}.${i + 1}.Value`, "a string");
      return { Name: String(Name ?? ""), Value: (Value as string | undefined) ?? "" };
    });
  }

  /** Throws the collected violations, if any. */
  done(): void {
    this.problems.throwIfAny("InvalidParameterException");
  }
}

function serialization(member: string, expected: string): AwsError {
  return new AwsError("SerializationException", `${member} must be ${expected}.`);
}

/** Patterns and limits from the Cognito user-pool API model, shared by every operation. */
export const shapes = {
  userPoolId: { min: 1, max: 55, pattern: "[\\w-]+_[0-9a-zA-Z]+" },
  clientId: { min: 1, max: 128, pattern: "[\\w+]+" },
  username: { min: 1, max: 128, pattern: "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+" },
  password: { max: 256, pattern: "[\\S]+(.*[\\S]+)?" },
  code: { min: 1, max: 2048, pattern: "[\\S]+" },
  name: { min: 1, max: 128, pattern: "[\\w\\s+=,.@-]+" },
  groupName: { min: 1, max: 128, pattern: "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+" },
  session: { min: 20, max: 2048 },
  token: { pattern: "[A-Za-z0-9-_=.]+" },
  secretHash: { min: 1, max: 128, pattern: "[\\w+=/]+" },
} as const;
