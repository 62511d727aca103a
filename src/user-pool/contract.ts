/**
 * The seam between the credential core (always loaded) and user-pool sign-in (loaded on first use
 * with a dynamic import, so guest-only pages never download it). Types only: no runtime code here.
 */
import type { Clock, KeyValueStore, Logger, Timers } from "../platform/types.js";

/** A login token, or a function that returns a fresh one each time credentials are fetched. */
export type LoginValue = string | (() => Promise<string>);

/** `userPool` option of `createAuth`. */
export interface UserPoolOptions {
  /** e.g. `eu-west-1_AbCdEf123`; the region comes from its prefix. */
  userPoolId: string;
  /** App client id (a public client: no secret). */
  clientId: string;
  /**
   * Base URL of the user pool's API when it is not where the identity pool is (e.g. a separate
   * local user-pool emulator such as cognito-local). Defaults to `createAuth`'s `endpoint`.
   */
  endpoint?: string;
}

/** Storage key, under the core's per-pool prefix, where user-pool tokens live. Shared so the core can tell "was signed in" without loading sign-in code. */
export const USER_POOL_TOKENS_KEY = "userpool-tokens";

/** What the core hands to the user-pool module. */
export interface UserPoolHost {
  options: UserPoolOptions;
  region: string;
  /** One base URL for every Cognito call (the emulator's), if set. */
  endpoint: string | undefined;
  /** The store the core uses (after any fallback to memory). Keys must be built with `storageKey`. */
  storage: KeyValueStore;
  /** Namespaces a key by identity pool: `storageKey(USER_POOL_TOKENS_KEY)`. */
  storageKey(name: string): string;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** Server time minus device time in ms, learned from Cognito `Date` headers (0 until known). */
  clockOffsetMs(): number;
  /** Learn server time from a response `Date` header value. */
  observeServerDate(dateHeader: string | undefined): void;
  /** Makes these the identity-pool logins; the cached guest is linked or merged. Resolves once credentials for them are in. */
  setLogins(logins: Record<string, LoginValue>): Promise<void>;
  /** Ends the identity-pool side of a session that ended (refresh token revoked or expired, or sign-out). */
  endSession(reason: "signedOut" | "sessionExpired"): Promise<void>;
}

export type AuthFlow = "USER_SRP_AUTH" | "USER_PASSWORD_AUTH";

export interface SignInInput {
  username: string;
  password: string;
  /** Default `USER_SRP_AUTH`: the password never leaves the page. */
  authFlow?: AuthFlow;
}

export type ChallengeName = "NEW_PASSWORD_REQUIRED" | "SOFTWARE_TOKEN_MFA" | "SMS_MFA" | "EMAIL_OTP";

export type SignInResult =
  | { status: "signedIn" }
  | {
      status: "challenge";
      challenge: ChallengeName;
      /** Where a code was sent (SMS_MFA, EMAIL_OTP), masked as Cognito returns it. */
      codeDeliveryDestination?: string;
      /** For NEW_PASSWORD_REQUIRED: attributes Cognito requires, and the user's current ones. */
      requiredAttributes?: string[];
      userAttributes?: Record<string, string>;
    };

export interface ConfirmSignInInput {
  /** The new password for NEW_PASSWORD_REQUIRED, or the code for the MFA challenges. */
  answer: string;
  /** NEW_PASSWORD_REQUIRED only: values for required attributes. */
  userAttributes?: Record<string, string>;
}

export interface SignUpInput {
  username: string;
  password: string;
  /** e.g. `{ email: "a@example.com" }`. */
  userAttributes?: Record<string, string>;
}

export interface CodeDelivery {
  destination?: string;
  deliveryMedium?: "SMS" | "EMAIL";
  attributeName?: string;
}

export interface SignUpResult {
  userConfirmed: boolean;
  userSub: string;
  codeDelivery?: CodeDelivery;
}

export interface UserInfo {
  username: string;
  sub: string;
  /** All ID-token claims. */
  claims: Record<string, unknown>;
}

export interface UserPoolSession {
  /**
   * Picks up stored tokens after a reload; true when a session was restored (and logins set).
   * An expired ID token is renewed first. False when nothing usable is stored; when the stored
   * refresh token was refused, the tokens are also forgotten and `endSession("sessionExpired")` is
   * called (not awaited). Offline, the session is kept and `setLogins`' failure is passed on;
   * the tokens stay stored, so a later `restore()` picks them up.
   */
  restore(): Promise<boolean>;
  signIn(input: SignInInput): Promise<SignInResult>;
  confirmSignIn(input: ConfirmSignInInput): Promise<SignInResult>;
  signUp(input: SignUpInput): Promise<SignUpResult>;
  confirmSignUp(input: { username: string; code: string }): Promise<void>;
  resendSignUpCode(input: { username: string }): Promise<CodeDelivery>;
  forgotPassword(input: { username: string }): Promise<CodeDelivery>;
  confirmForgotPassword(input: { username: string; code: string; newPassword: string }): Promise<void>;
  /** From the ID token in memory, or in storage when `restore()` has not run yet; no request. */
  getUser(): Promise<UserInfo | undefined>;
  /**
   * Forgets the tokens (memory and storage) first, then revokes the refresh token (or `global`:
   * GlobalSignOut). If the revocation fails (offline), it rejects with that error, but the user is
   * signed out here regardless. The core clears the identity side.
   */
  signOut(options: { global?: boolean }): Promise<void>;
  /** Stops timers. */
  dispose(): void;
}

/** The export of `src/user-pool/session.ts` the core loads with `import()`. */
export type CreateUserPoolSession = (host: UserPoolHost) => UserPoolSession;
