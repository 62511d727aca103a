/**
 * The seam between the credential core (always loaded) and user-pool sign-in (loaded on first use
 * with a dynamic import, so guest-only pages never download it). Types only: storage keys come
 * from `storage/keys.ts` through the host.
 */
import type { createJsonRpcSend } from "../aws/json-rpc.js";
import type { KeyValueStore, LockManager, Logger, Timers } from "../platform/types.js";
import type { RefreshScheduler } from "../refresh/scheduler.js";
import type { LoginValue, SignOutCause } from "../types.js";

export type { LoginValue };

/**
 * `userPool` option of `createAuth`: enables `signIn`, `signUp` and the other user-pool calls.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId, userPool: { userPoolId: "eu-west-1_AbCdEf123", clientId: "1example23456789" } });
 * ```
 */
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
  /** Sign-in through the user pool's managed login pages (`signInWithRedirect`, `signInWithPopup`). */
  oauth?: UserPoolOAuthOptions;
}

/**
 * The `userPool.oauth` option: where the user pool's managed login pages are, and where they send
 * the user back. The app client must list `redirectUri` among its callback URLs (and `logoutUri`
 * among its sign-out URLs), allow the authorization code grant and the scopes.
 *
 * @example
 * ```ts
 * const oauth: UserPoolOAuthOptions = {
 *   domain: "myapp.auth.eu-west-1.amazoncognito.com",
 *   redirectUri: "https://app.example.com/callback",
 *   logoutUri: "https://app.example.com/",
 * };
 * ```
 */
export interface UserPoolOAuthOptions {
  /** The user-pool domain as a host name (`myapp.auth.eu-west-1.amazoncognito.com`, or a custom domain), or a full base URL (the emulator, a proxy). */
  domain: string;
  /** Where the login pages send the user back with the answer: the page that calls `handleRedirect()`. */
  redirectUri: string;
  /** Where `signOut({ redirect: true })` ends up after the login pages' own session is ended. */
  logoutUri?: string;
  /** @default ["openid", "email", "profile"] */
  scopes?: string[];
}

/**
 * What `signInWithRedirect` and `signInWithPopup` take.
 *
 * @example
 * ```ts
 * await auth.signInWithRedirect({ provider: "Google", state: location.pathname });
 * ```
 */
export interface OAuthSignInInput {
  /**
   * `"COGNITO"` (the login page itself, the default), `"Google"`, `"Facebook"`, `"SignInWithApple"`,
   * `"LoginWithAmazon"`, or the name of an OpenID Connect or SAML provider of the user pool: the
   * login page then sends the user straight to it.
   */
  provider?: string;
  /** An identifier of a provider of the user pool (such as an email domain) instead of its name. */
  idpIdentifier?: string;
  /** Pre-fills the user name on the login page. */
  loginHint?: string;
  /** The login page's language (`"en"`, `"de"`, …). */
  lang?: string;
  /** The app's own string, handed back by `handleRedirect()` (where to go after signing in, say). */
  state?: string;
}

/**
 * What `handleRedirect()` and `signInWithPopup()` resolve to.
 *
 * @example
 * ```ts
 * const result = await auth.handleRedirect();
 * if (result.status === "signedIn" && result.state) history.replaceState(null, "", result.state);
 * ```
 */
export type SignInWithRedirectResult =
  | {
      /** Signed in: the credentials now belong to the user's authenticated identity. */
      status: "signedIn";
      /** The `state` given to `signInWithRedirect`/`signInWithPopup`, if any. */
      state?: string;
    }
  | {
      /** The address carries no answer of the login pages (a normal page load). */
      status: "none";
    };

/** What the core hands to the user-pool module. */
export interface UserPoolHost {
  options: UserPoolOptions;
  region: string;
  /** One base URL for every Cognito call (the emulator's), if set. */
  endpoint: string | undefined;
  /**
   * The store the core uses. `degraded`: it answers from memory since storage failed, so "not
   * found" no longer means "deleted" (never read as another tab's sign-out).
   */
  storage: KeyValueStore & { readonly degraded?: boolean };
  /** Where this app client's tokens are stored: namespaced by identity pool, user pool and app client. */
  tokensKey: string;
  /** Where this browser's remembered device of `username` is stored (kept through sign-outs). */
  deviceKey(username: string): string;
  /** Where a redirect or popup sign-in attempt named by its `state` is kept in `sessionStorage`. */
  oauthKey(state: string): string;
  /** Serializes token renewals across tabs under the name `tokensKey` (Web Locks; an in-page queue without them). */
  lock: LockManager;
  /** The tokens held changed (signed in, renewed, adopted from another tab, ended): their expiry in server time, or undefined. */
  tokensChanged(expiresAt: number | undefined): void;
  /** Server time (epoch ms), from the core's one server clock: token expiry, SRP timestamps. */
  serverNow(): number;
  /** A server-clock instant (epoch ms) on the device clock, for expirations handed to the app. */
  toDeviceTime(serverMs: number): number;
  /** The `random` option, in [0, 1): jitter. */
  random(): number;
  /** A retry schedule on the core's clock and backoff, woken with the page (visible, online) and stopped by `dispose()`. */
  scheduler(refresh: () => Promise<unknown>): RefreshScheduler;
  timers: Timers;
  logger: Logger;
  /** The `fetch` option, for user-pool calls as for identity-pool calls. */
  fetch: typeof globalThis.fetch | undefined;
  /**
   * The core's wire code for Cognito's JSON protocol (`createJsonRpcSend`), handed over rather than
   * imported: the page has it already, and a second importer would make bundlers split the AWS SDK
   * code it shares with the app's own clients into extra chunks.
   */
  jsonRpc: typeof createJsonRpcSend;
  /** A call not answered after this long fails as a network error (and is retried). */
  requestTimeoutMs: number;
  /** Learn server time from a response `Date` header value. */
  observeServerDate(dateHeader: string | undefined): void;
  /** Makes these the identity-pool logins; the cached guest is linked or merged. Resolves once credentials for them are in. */
  setLogins(logins: Record<string, LoginValue>): Promise<void>;
  /**
   * Ends the identity-pool side of a session that ended without this page's `signOut()`:
   * `sessionExpired` when the refresh token was refused, `signOut` when storage shows another tab
   * signed out or signed in as someone else. `local`: in this page only, storage and the other
   * tabs left alone (the change was another tab's, or storage could not confirm the tokens were
   * this session's); otherwise as a sign-out (storage cleared, the other tabs told).
   */
  endSession(cause: SignOutCause, local: boolean): Promise<void>;
}

/**
 * How `signIn` proves who the user is: the password by SRP (it never leaves the page) or sent over
 * TLS (`USER_PASSWORD_AUTH`, which the app client must allow), the user pool's own challenges
 * (`CUSTOM_AUTH`, from its Lambda triggers; `CUSTOM_WITH_SRP` proves the password by SRP first),
 * or choice-based sign-in (`USER_AUTH`: a passkey, a one-time code or the password, as the pool's
 * sign-in policy allows; see {@link FirstFactor}).
 *
 * @example
 * ```ts
 * const authFlow: AuthFlow = "USER_PASSWORD_AUTH";
 * await auth.signIn({ username, password, authFlow });
 * ```
 */
export type AuthFlow = "USER_SRP_AUTH" | "USER_PASSWORD_AUTH" | "CUSTOM_AUTH" | "CUSTOM_WITH_SRP" | "USER_AUTH";

/**
 * The first factors of choice-based sign-in (`authFlow: "USER_AUTH"`): the password sent over TLS
 * (`PASSWORD`) or proved by SRP (`PASSWORD_SRP`), a one-time code by email or text message, or a
 * passkey (`WEB_AUTHN`: the browser's passkey prompt, run by the SDK).
 *
 * @example
 * ```ts
 * const preferredChallenge: FirstFactor = "EMAIL_OTP";
 * await auth.signIn({ username: "alice@example.com", authFlow: "USER_AUTH", preferredChallenge });
 * ```
 */
export type FirstFactor = "PASSWORD" | "PASSWORD_SRP" | "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN";

/**
 * What `signIn` takes.
 *
 * @example
 * ```ts
 * const input: SignInInput = { username: "alice", password };
 * ```
 */
export interface SignInInput {
  /** The user's name in the pool, or an alias the pool accepts for signing in (such as the email address). */
  username: string;
  /** The user's password; not used by `CUSTOM_AUTH`, and by `USER_AUTH` only with `preferredChallenge` `PASSWORD` or `PASSWORD_SRP`. */
  password?: string;
  /** Default `USER_SRP_AUTH`: the password never leaves the page. */
  authFlow?: AuthFlow;
  /**
   * `USER_AUTH` only: the first factor to use when the pool offers it to this user. Without it
   * (or when it is not offered) the result is the challenge `SELECT_CHALLENGE` with `availableChallenges`.
   */
  preferredChallenge?: FirstFactor;
  /** Passed to the user pool's Lambda triggers as `clientMetadata`. */
  clientMetadata?: Record<string, string>;
}

/**
 * The sign-in challenges `confirmSignIn` answers: a new password (users an admin created), a TOTP
 * code from an authenticator app, a code sent by SMS or email (`SMS_MFA`, `EMAIL_OTP`, and
 * `SMS_OTP` as a first factor), which MFA method to use (`SELECT_MFA_TYPE`), setting MFA up in a
 * pool that requires it (`MFA_SETUP`), the user pool's own question (`CUSTOM_CHALLENGE`), which
 * first factor to use (`SELECT_CHALLENGE`), the password once `PASSWORD` or `PASSWORD_SRP` was
 * chosen, or `WEB_AUTHN` after a passkey prompt was dismissed (answer `"WEB_AUTHN"` to ask again).
 *
 * @example
 * ```ts
 * const prompts: Record<ChallengeName, string> = {
 *   NEW_PASSWORD_REQUIRED: "Choose a new password",
 *   SOFTWARE_TOKEN_MFA: "Code from your authenticator app",
 *   SMS_MFA: "Code we texted you",
 *   EMAIL_OTP: "Code we emailed you",
 *   SELECT_MFA_TYPE: "How do you want to confirm it is you?",
 *   MFA_SETUP: "Set up a second factor",
 *   CUSTOM_CHALLENGE: "Answer the question",
 *   SELECT_CHALLENGE: "How do you want to sign in?",
 *   SMS_OTP: "Code we texted you",
 *   PASSWORD: "Your password",
 *   PASSWORD_SRP: "Your password",
 *   WEB_AUTHN: "Try your passkey again",
 * };
 * ```
 */
export type ChallengeName =
  | "NEW_PASSWORD_REQUIRED"
  | "SOFTWARE_TOKEN_MFA"
  | "SMS_MFA"
  | "EMAIL_OTP"
  | "SELECT_MFA_TYPE"
  | "MFA_SETUP"
  | "CUSTOM_CHALLENGE"
  | "SELECT_CHALLENGE"
  | "SMS_OTP"
  | "PASSWORD"
  | "PASSWORD_SRP"
  | "WEB_AUTHN";

/**
 * What `signIn` and `confirmSignIn` resolve to: signed in, or one more challenge to answer.
 *
 * @example
 * ```ts
 * let result: SignInResult = await auth.signIn({ username, password });
 * while (result.status === "challenge") result = await auth.confirmSignIn({ answer: await ask(result.challenge) });
 * ```
 */
export type SignInResult =
  | {
      /** Signed in: the credentials now belong to the user's authenticated identity. */
      status: "signedIn";
    }
  | {
      /** One more step: answer the `challenge` with `confirmSignIn`. */
      status: "challenge";
      /** What the user must provide next. */
      challenge: ChallengeName;
      /** Where a code was sent (SMS_MFA, EMAIL_OTP), masked as Cognito returns it. */
      codeDeliveryDestination?: string;
      /** For NEW_PASSWORD_REQUIRED: the attributes Cognito requires with the new password. */
      requiredAttributes?: string[];
      /** For NEW_PASSWORD_REQUIRED: the user's current attributes. */
      userAttributes?: Record<string, string>;
      /** For SELECT_MFA_TYPE: the methods to choose from; for MFA_SETUP: the methods that may be set up. Answer with one of them. */
      mfaTypes?: MfaMethod[];
      /**
       * For MFA_SETUP once a method is chosen: `"totp"`, answer with the first code of the
       * authenticator app set up from `totpSetup`; `"email"`, answer with the email address, then
       * with the code sent to it (an `EMAIL_OTP` challenge follows).
       */
      setup?: "totp" | "email";
      /** For MFA_SETUP with `setup: "totp"`: the secret to show as a QR code. */
      totpSetup?: TotpSetup;
      /** For CUSTOM_CHALLENGE: the public challenge parameters the user pool's trigger set. */
      parameters?: Record<string, string>;
      /** For SELECT_CHALLENGE: the first factors this user may use; answer with one of them. */
      availableChallenges?: FirstFactor[];
    };

/**
 * What `confirmSignIn` takes.
 *
 * @example
 * ```ts
 * await auth.confirmSignIn({ answer: newPassword, userAttributes: { given_name: "Alice" } });
 * ```
 */
export interface ConfirmSignInInput {
  /**
   * The new password for NEW_PASSWORD_REQUIRED, the code for the MFA challenges and one-time codes,
   * a method (`"totp"`, `"sms"`, `"email"`) for SELECT_MFA_TYPE and MFA_SETUP, then the code or
   * email address MFA_SETUP asks for, any answer to a CUSTOM_CHALLENGE, a first factor for
   * SELECT_CHALLENGE, the password for PASSWORD and PASSWORD_SRP, `"WEB_AUTHN"` for WEB_AUTHN.
   */
  answer: string;
  /** NEW_PASSWORD_REQUIRED only: values for required attributes. */
  userAttributes?: Record<string, string>;
  /** MFA_SETUP with TOTP only: the name the user gives the authenticator. */
  deviceName?: string;
  /** Passed to the user pool's Lambda triggers as `clientMetadata`. */
  clientMetadata?: Record<string, string>;
}

/**
 * What `signUp` takes.
 *
 * @example
 * ```ts
 * await auth.signUp({ username: "alice", password, userAttributes: { email: "alice@example.com" } });
 * ```
 */
export interface SignUpInput {
  /** The name to register, unique in the pool. */
  username: string;
  /**
   * The password, which must meet the pool's password policy. Optional where the pool lets users
   * sign in without one (passkeys or one-time codes as first factors).
   */
  password?: string;
  /** e.g. `{ email: "a@example.com" }`. */
  userAttributes?: Record<string, string>;
  /** Passed to the user pool's Lambda triggers as `clientMetadata`. */
  clientMetadata?: Record<string, string>;
}

/**
 * What `confirmSignUp` takes.
 *
 * @example
 * ```ts
 * const input: ConfirmSignUpInput = { username: "alice", code: "123456", signIn: true };
 * ```
 */
export interface ConfirmSignUpInput {
  /** The name the user signed up with. */
  username: string;
  /** The code sent to the user. */
  code: string;
  /** Sign the user in right after confirming (see `confirmSignUp`). */
  signIn?: boolean;
  /** Passed to the user pool's Lambda triggers as `clientMetadata`. */
  clientMetadata?: Record<string, string>;
}

/**
 * Where the user pool sent a code, masked as Cognito returns it.
 *
 * @example
 * ```ts
 * const { destination, deliveryMedium } = await auth.forgotPassword({ username: "alice" });
 * show(`We sent a code by ${deliveryMedium} to ${destination}`); // "EMAIL", "a***@e***"
 * ```
 */
export interface CodeDelivery {
  /** Where the code went, masked (e.g. `a***@e***`). */
  destination?: string;
  /** How the code was sent. */
  deliveryMedium?: "SMS" | "EMAIL";
  /** The user attribute the destination came from (e.g. `email`). */
  attributeName?: string;
}

/**
 * What `signUp` resolves to.
 *
 * @example
 * ```ts
 * const { userConfirmed, codeDelivery } = await auth.signUp({ username, password, userAttributes: { email } });
 * if (!userConfirmed) askForCode(codeDelivery?.destination);
 * ```
 */
export interface SignUpResult {
  /** True when the user can sign in right away; false when a code must first be confirmed with `confirmSignUp`. */
  userConfirmed: boolean;
  /** The new user's `sub`: its permanent id in the pool. */
  userSub: string;
  /** Where the confirmation code went, when one was sent. */
  codeDelivery?: CodeDelivery;
}

/**
 * The signed-in user, from the ID token.
 *
 * @example
 * ```ts
 * const user = await auth.getUser();
 * console.log(user?.username, user?.sub, user?.claims.email);
 * ```
 */
export interface UserInfo {
  /** The user's name in the pool (the ID token's `cognito:username`). */
  username: string;
  /** The user's permanent id in the pool (the ID token's `sub`). */
  sub: string;
  /** All ID-token claims. */
  claims: Record<string, unknown>;
}

/**
 * The signed-in user's tokens, for calling your own APIs as the user (API Gateway JWT
 * authorizers, AppSync, your backend). Any script running in the page can read what page
 * JavaScript holds: see the README's "Tokens in the page" for what that means and how to limit it.
 *
 * @example
 * ```ts
 * const { accessToken } = await auth.getTokens();
 * await fetch("/api/orders", { headers: { authorization: `Bearer ${accessToken}` } });
 * ```
 */
export interface UserPoolTokens {
  /** The ID token (a JWT): who the user is, with their attributes as claims; its `aud` is the app client. */
  idToken: string;
  /** The access token (a JWT): what API Gateway and the user-pool API accept as the user's. */
  accessToken: string;
  /** When the first of the two expires, on the device clock (right even when the device clock is off). */
  expiration: Date;
}

/**
 * What became of one attribute given to `updateUserAttributes`: changed, or a code was sent that
 * `confirmUserAttribute` must confirm (an email address or phone number; where the user pool keeps
 * the old value until the new one is verified, the change takes effect then).
 *
 * @example
 * ```ts
 * const { email } = await auth.updateUserAttributes({ email: "new@example.com" });
 * if (email?.status === "codeSent") askForCode(email.codeDelivery.destination);
 * ```
 */
export type AttributeUpdate =
  | {
      /** The attribute has its new value. */
      status: "done";
    }
  | {
      /** A code was sent to verify the new value: confirm it with `confirmUserAttribute`. */
      status: "codeSent";
      /** Where the code went. */
      codeDelivery: CodeDelivery;
    };

/**
 * A second factor: an authenticator app (`totp`), a code by text message (`sms`) or by email (`email`).
 *
 * @example
 * ```ts
 * const { enabled } = await auth.mfa.getPreference();
 * const hasApp = enabled.includes("totp" satisfies MfaMethod);
 * ```
 */
export type MfaMethod = "totp" | "sms" | "email";

/**
 * How a user wants an MFA method: the one asked for at sign-in (`preferred`), available
 * (`enabled`), or off (`disabled`).
 *
 * @example
 * ```ts
 * const totp: MfaSetting = "preferred";
 * await auth.mfa.setPreference({ totp });
 * ```
 */
export type MfaSetting = "preferred" | "enabled" | "disabled";

/**
 * An authenticator-app secret being set up: show `uri(issuer)` as a QR code (or `secret` to type
 * in), then confirm a code from the app with `auth.mfa.verifyTotp`.
 *
 * @example
 * ```ts
 * const setup = await auth.mfa.setUpTotp();
 * showQrCode(setup.uri("Example Corp")); // otpauth://totp/Example%20Corp:alice?secret=...&issuer=Example%20Corp
 * ```
 */
export interface TotpSetup {
  /** The shared secret, base32, as authenticator apps take it typed in. */
  secret: string;
  /** The `otpauth://` URI for a QR code; `issuer` names your app in the authenticator. */
  uri(issuer: string): string;
}

/**
 * What `auth.mfa.getPreference()` resolves to.
 *
 * @example
 * ```ts
 * const { enabled, preferred }: MfaPreference = await auth.mfa.getPreference();
 * ```
 */
export interface MfaPreference {
  /** The methods the user has on. */
  enabled: MfaMethod[];
  /** The one asked for at sign-in, if the user picked one. */
  preferred?: MfaMethod;
}

/**
 * MFA settings of the signed-in user (`auth.mfa`). The user pool must allow the method (its MFA
 * configuration); whether MFA is asked at sign-in is the pool's setting (optional or required).
 *
 * @example
 * ```ts
 * const setup = await auth.mfa.setUpTotp();
 * showQrCode(setup.uri("Example Corp"));
 * await auth.mfa.verifyTotp({ code: await askForCode(), deviceName: "My phone" });
 * await auth.mfa.setPreference({ totp: "preferred" });
 * ```
 */
export interface MfaActions {
  /**
   * Starts setting up an authenticator app: a new secret, not in use until `verifyTotp` accepts a code.
   *
   * @example
   * ```ts
   * const { secret, uri } = await auth.mfa.setUpTotp();
   * ```
   */
  setUpTotp(): Promise<TotpSetup>;
  /**
   * Confirms the authenticator app with a code it shows; rejects `code-mismatch` when the code is wrong.
   *
   * @example
   * ```ts
   * await auth.mfa.verifyTotp({ code: "123456", deviceName: "Work phone" });
   * ```
   */
  verifyTotp(input: { code: string; deviceName?: string }): Promise<void>;
  /**
   * Turns methods on or off and picks the preferred one; methods not named stay as they are.
   *
   * @example
   * ```ts
   * await auth.mfa.setPreference({ totp: "preferred", sms: "disabled" });
   * ```
   */
  setPreference(input: Partial<Record<MfaMethod, MfaSetting>>): Promise<void>;
  /**
   * The methods the user has on, and the preferred one (asked for at sign-in).
   *
   * @example
   * ```ts
   * const { enabled, preferred } = await auth.mfa.getPreference();
   * ```
   */
  getPreference(): Promise<MfaPreference>;
}

/**
 * The signed-in user's tokens and self-service account calls. Each rejects `not-signed-in` without
 * a user-pool session, and sends the access token (renewed first when near expiry).
 *
 * @example
 * ```ts
 * await auth.updatePassword({ oldPassword, newPassword });
 * const attributes = await auth.fetchUserAttributes();
 * ```
 */
export interface AccountActions {
  /**
   * The ID and access tokens, renewed first when near expiry (or now, with `forceRefresh`).
   *
   * @example
   * ```ts
   * const { accessToken } = await auth.getTokens();
   * ```
   */
  getTokens(options?: { forceRefresh?: boolean }): Promise<UserPoolTokens>;
  /**
   * The user's attributes as the user pool has them now (one request).
   *
   * @example
   * ```ts
   * const { email, email_verified } = await auth.fetchUserAttributes();
   * ```
   */
  fetchUserAttributes(): Promise<Record<string, string>>;
  /**
   * Changes attributes; per attribute, done or a code was sent to verify it. The tokens are then
   * renewed, so the ID token's claims (and the identity-pool login) show the change.
   *
   * @example
   * ```ts
   * const result = await auth.updateUserAttributes({ email: "new@example.com", name: "Alice" });
   * ```
   */
  updateUserAttributes(attributes: Record<string, string>): Promise<Record<string, AttributeUpdate>>;
  /**
   * Sends a code to verify an attribute (`email` or `phone_number`).
   *
   * @example
   * ```ts
   * const { destination } = await auth.sendUserAttributeVerificationCode({ name: "email" });
   * ```
   */
  sendUserAttributeVerificationCode(input: { name: string }): Promise<CodeDelivery>;
  /**
   * Verifies an attribute with the code that was sent; the tokens are then renewed.
   *
   * @example
   * ```ts
   * await auth.confirmUserAttribute({ name: "email", code: "123456" });
   * ```
   */
  confirmUserAttribute(input: { name: string; code: string }): Promise<void>;
  /**
   * Removes attributes; the tokens are then renewed.
   *
   * @example
   * ```ts
   * await auth.deleteUserAttributes(["nickname"]);
   * ```
   */
  deleteUserAttributes(names: string[]): Promise<void>;
  /**
   * Changes the password.
   *
   * @example
   * ```ts
   * await auth.updatePassword({ oldPassword, newPassword });
   * ```
   */
  updatePassword(input: { oldPassword: string; newPassword: string }): Promise<void>;
  /**
   * Deletes the user from the user pool, then ends the session everywhere: every tab is
   * `signedOut` with cause `userDeleted`, and the stored tokens and identity records are deleted.
   *
   * @example
   * ```ts
   * if (confirm("Delete your account?")) await auth.deleteUser();
   * ```
   */
  deleteUser(): Promise<void>;
}

/**
 * The user-pool calls of `Auth`, answered by the lazily loaded sign-in module. On `Auth`
 * each needs the `userPool` option (otherwise it rejects with `user-pool-not-configured`) and
 * first waits for a session being restored after a reload.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId, userPool: { userPoolId: "eu-west-1_AbCdEf123", clientId } });
 * await auth.signIn({ username: "alice", password });
 * ```
 */
export interface UserPoolActions extends AccountActions {
  /**
   * Signs in to the user pool (SRP by default). On success the ID token becomes the identity-pool
   * login and the cached guest is linked or merged, as with `setLogins`. Rejects with
   * `invalid-argument` while a user is signed in.
   *
   * @example
   * ```ts
   * const result = await auth.signIn({ username: "alice", password });
   * if (result.status === "challenge") showChallenge(result.challenge);
   * ```
   */
  signIn(input: SignInInput): Promise<SignInResult>;
  /**
   * Answers the pending sign-in challenge (new password or MFA code). A wrong code may be retried.
   *
   * @example
   * ```ts
   * await auth.confirmSignIn({ answer: "123456" });
   * ```
   */
  confirmSignIn(input: ConfirmSignInInput): Promise<SignInResult>;
  /**
   * Registers a user-pool user.
   *
   * @example
   * ```ts
   * const { userConfirmed } = await auth.signUp({ username: "alice", password, userAttributes: { email } });
   * ```
   */
  signUp(input: SignUpInput): Promise<SignUpResult>;
  /**
   * Confirms a sign-up with the code sent to the user. With `signIn: true` the user is then signed
   * in with the session the confirmation returns (choice-based sign-in, `USER_AUTH`, which the app
   * client must allow), resolving as `signIn` does; the session is good for one sign-in, within
   * minutes.
   *
   * @example
   * ```ts
   * await auth.confirmSignUp({ username: "alice", code: "123456" });
   * const result = await auth.confirmSignUp({ username: "bob", code: "654321", signIn: true }); // { status: "signedIn" }
   * ```
   */
  confirmSignUp(input: ConfirmSignUpInput & { signIn: true }): Promise<SignInResult>;
  /**
   * Confirms a sign-up with the code sent to the user (without `signIn: true`, no sign-in follows).
   *
   * @example
   * ```ts
   * await auth.confirmSignUp({ username: "alice", code: "123456" });
   * ```
   */
  confirmSignUp(input: ConfirmSignUpInput): Promise<void>;
  /**
   * Sends the sign-up confirmation code again.
   *
   * @example
   * ```ts
   * const delivery = await auth.resendSignUpCode({ username: "alice" });
   * ```
   */
  resendSignUpCode(input: { username: string }): Promise<CodeDelivery>;
  /**
   * Starts a password reset; a code is sent to the user.
   *
   * @example
   * ```ts
   * await auth.forgotPassword({ username: "alice" });
   * ```
   */
  forgotPassword(input: { username: string; clientMetadata?: Record<string, string> }): Promise<CodeDelivery>;
  /**
   * Sets a new password with the reset code.
   *
   * @example
   * ```ts
   * await auth.confirmForgotPassword({ username: "alice", code: "123456", newPassword });
   * ```
   */
  confirmForgotPassword(input: { username: string; code: string; newPassword: string; clientMetadata?: Record<string, string> }): Promise<void>;
  /**
   * The signed-in user-pool user (from the ID token, no request), or undefined.
   *
   * @example
   * ```ts
   * const user = await auth.getUser();
   * if (user) greet(user.username);
   * ```
   */
  getUser(): Promise<UserInfo | undefined>;
  /** MFA settings of the signed-in user: see {@link MfaActions}. */
  readonly mfa: MfaActions;
  /** Passkeys of the signed-in user: see {@link PasskeyActions}. */
  readonly passkeys: PasskeyActions;
  /** Remembered devices of the signed-in user: see {@link DeviceActions}. */
  readonly devices: DeviceActions;
  /**
   * Leaves the page for the user pool's login page (or, with `provider`, straight for that
   * provider); the user comes back at `userPool.oauth.redirectUri`, where `handleRedirect()`
   * finishes the sign-in. Needs the `userPool.oauth` option.
   *
   * @example
   * ```ts
   * button.onclick = () => auth.signInWithRedirect({ provider: "Google" });
   * ```
   */
  signInWithRedirect(input?: OAuthSignInInput): Promise<void>;
  /**
   * On the page at `redirectUri`: finishes a redirect sign-in from the address (code or error),
   * then removes the answer from the address. `{ status: "none" }` on a page load that carries no
   * answer, so it can run on every load. Rejects `oauth-error` (the provider's `error`, such as
   * `access_denied`, is the `cause`'s `error`), `state-mismatch` or `redirect-expired`.
   *
   * @example
   * ```ts
   * const result = await auth.handleRedirect();
   * if (result.status === "signedIn") showApp();
   * ```
   */
  handleRedirect(): Promise<SignInWithRedirectResult>;
  /**
   * The redirect sign-in in a popup window, finished in this page; call it from a click handler.
   * Rejects `popup-blocked`, `popup-closed` or `oauth-error`.
   *
   * @example
   * ```ts
   * const { status } = await auth.signInWithPopup({ provider: "Google" });
   * ```
   */
  signInWithPopup(input?: OAuthSignInInput): Promise<SignInWithRedirectResult>;
}

/**
 * A passkey registered for the user, as `auth.passkeys.list()` returns it.
 *
 * @example
 * ```ts
 * const passkeys: Passkey[] = await auth.passkeys.list();
 * passkeys.forEach((p) => console.log(p.name, p.createdAt));
 * ```
 */
export interface Passkey {
  /** The credential id (base64url): what `auth.passkeys.delete` takes. */
  credentialId: string;
  /** The name the user pool gives it (from the authenticator), if any. */
  name?: string;
  /** The relying party (a domain) the passkey works for. */
  relyingPartyId: string;
  /** `platform` (built into the device) or `cross-platform` (a security key, a phone). */
  authenticatorAttachment?: string;
  /** How the browser reaches the authenticator (`internal`, `hybrid`, `usb`, …). */
  transports: string[];
  /** When it was registered. */
  createdAt: Date;
}

/**
 * Passkeys of the signed-in user (`auth.passkeys`). The user pool must allow them (its WebAuthn
 * configuration, and `WEB_AUTHN` among its first factors); the relying party id must be this
 * page's domain or a parent of it. A dismissed prompt rejects `passkey-cancelled`, any other
 * browser failure `passkey-failed`, a browser without WebAuthn `passkey-unsupported`; each leaves
 * everything as it was.
 *
 * @example
 * ```ts
 * await auth.passkeys.register();
 * // later, signed out:
 * await auth.signIn({ username: "alice", authFlow: "USER_AUTH", preferredChallenge: "WEB_AUTHN" });
 * ```
 */
export interface PasskeyActions {
  /**
   * Creates a passkey for the user (the browser's prompt) and registers it with the user pool.
   *
   * @example
   * ```ts
   * await auth.passkeys.register();
   * ```
   */
  register(): Promise<void>;
  /**
   * The user's passkeys.
   *
   * @example
   * ```ts
   * const passkeys = await auth.passkeys.list();
   * ```
   */
  list(): Promise<Passkey[]>;
  /**
   * Removes a passkey from the user pool (the authenticator may still show it).
   *
   * @example
   * ```ts
   * await auth.passkeys.delete(passkey.credentialId);
   * ```
   */
  delete(credentialId: string): Promise<void>;
}

/**
 * A device the user signed in from, as `auth.devices.list()` returns it.
 *
 * @example
 * ```ts
 * const devices: Device[] = await auth.devices.list();
 * const others = devices.filter((d) => !d.current);
 * ```
 */
export interface Device {
  /** The user pool's key for the device: what `auth.devices.forget` takes. */
  deviceKey: string;
  /** The name it was confirmed with (this SDK uses the browser's user agent). */
  name?: string;
  /** Remembered devices skip MFA at sign-in, as the user pool's device settings allow. */
  remembered: boolean;
  /** This browser. */
  current: boolean;
  /** When the device was first confirmed. */
  createdAt?: Date;
  /** When it last signed in. */
  lastAuthenticatedAt?: Date;
  /** Every attribute the user pool keeps for the device (`device_status`, `last_ip_used`, …). */
  attributes: Record<string, string>;
}

/**
 * Remembered devices (`auth.devices`), where the user pool tracks devices. After each sign-in from
 * a new browser the SDK confirms the device with the pool (its key and a secret kept in storage
 * under the user's name, surviving sign-out); later sign-ins prove the device with that secret, so
 * a remembered device skips MFA. Pools that remember devices only when the user agrees leave the
 * device unremembered until `remember()`.
 *
 * @example
 * ```ts
 * if (userTicked("Remember this browser")) await auth.devices.remember();
 * ```
 */
export interface DeviceActions {
  /**
   * Remembers this browser: later sign-ins from it skip MFA (as the pool allows).
   *
   * @example
   * ```ts
   * await auth.devices.remember();
   * ```
   */
  remember(): Promise<void>;
  /**
   * Forgets a device (this browser when no key is given, and then its stored secret too).
   *
   * @example
   * ```ts
   * await auth.devices.forget(); // this browser
   * ```
   */
  forget(deviceKey?: string): Promise<void>;
  /**
   * The user's devices, this browser marked `current`.
   *
   * @example
   * ```ts
   * const devices = await auth.devices.list();
   * ```
   */
  list(): Promise<Device[]>;
}

/** What the lazily loaded module gives the core. */
export interface UserPoolSession extends UserPoolActions {
  /**
   * Picks up stored tokens after a reload; true when a session was restored (and logins set).
   * An expired ID token is renewed first, and so is one the identity pool refuses (it may have
   * been revoked with its refresh token). False when nothing usable is stored; when the stored
   * refresh token was refused, the tokens are also forgotten and `endSession("sessionExpired")` is
   * called (not awaited). Offline, the session is kept and `setLogins`' failure is passed on;
   * the tokens stay stored, so a later `restore()` picks them up. Any other failure forgets the
   * tokens (as a failed sign-in does) and is passed on.
   */
  restore(): Promise<boolean>;
  /**
   * Ends the session in this page before returning: sign-ins, restores and renewals under way
   * reject `cancelled` (or end silently) and write nothing more; the tokens are forgotten in
   * memory. Storage is the core's to clear. Returns the revocation of the tokens held (else of
   * `stored`, the value the core read under `tokensKey` before deleting it): RevokeToken, or with
   * `global` GlobalSignOut; undefined when there is nothing to revoke.
   */
  end(stored?: unknown): ((global: boolean) => Promise<void>) | undefined;
  /** `end`, then deletes the stored tokens, then revokes: the whole sign-out of the user-pool side, for use without the core. */
  signOut(options: { global?: boolean }): Promise<void>;
  /** Ends the session in this page (as `end`, nothing revoked) and stops its timers for good. */
  dispose(): void;
  /** The login pages' `/logout` for `userPool.oauth` (`signOut({ redirect: true })`); throws `invalid-argument` without a `logoutUri`. */
  logoutUrl(): string;
}

/** The export of `src/user-pool/session.ts` for a given host (tests, and {@link StartUserPoolSession}). */
export type CreateUserPoolSession = (host: UserPoolHost) => UserPoolSession;

/**
 * What the core hands to the lazily loaded module: its parts as they are. The module makes its
 * {@link UserPoolHost} from them itself, so a guest-only page never downloads that wiring.
 */
export interface UserPoolCore extends Pick<
  UserPoolHost,
  | "endpoint"
  | "storage"
  | "tokensKey"
  | "deviceKey"
  | "oauthKey"
  | "lock"
  | "timers"
  | "logger"
  | "random"
  | "fetch"
  | "jsonRpc"
  | "requestTimeoutMs"
  | "scheduler"
> {
  /** The checked `userPool` option, with the region from its id. */
  options: UserPoolOptions & { region: string };
  /** The core's one server clock. */
  clock: { now(): number; toDevice(serverMs: number): number; observe(dateHeader: string | undefined): void };
  /** The credential engine: logins, sign-outs, the state. */
  engine: {
    setLogins(logins: Record<string, LoginValue>): Promise<void>;
    signOut(options: { cause: SignOutCause; local: boolean }): Promise<void>;
    tokensChanged(expiresAt: number | undefined): void;
  };
}

/** The export of `src/user-pool/session.ts` the core loads with `import()`. */
export type StartUserPoolSession = (core: UserPoolCore) => UserPoolSession;
