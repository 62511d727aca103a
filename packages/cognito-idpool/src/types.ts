import type { CognitoIdpoolError } from "./errors.js";

/**
 * Temporary AWS credentials, shaped like the AWS SDK v3's `AwsCredentialIdentity`.
 * `expiration` is on the device's clock (see {@link Auth.getCredentials}).
 *
 * @example
 * ```ts
 * const { accessKeyId, secretAccessKey, sessionToken, expiration } = await auth.getCredentials();
 * ```
 */
export interface AwsCredentials {
  /** The temporary access key id (`ASIA…`). */
  accessKeyId: string;
  /** The secret that signs requests; never logged, stored or sent across tabs. */
  secretAccessKey: string;
  /** The session token every signed request must carry with temporary credentials. */
  sessionToken: string;
  /** When the credentials stop working, converted to the device's clock. */
  expiration: Date;
}

/**
 * {@link AwsCredentials} plus the Cognito identity they belong to.
 *
 * @example
 * ```ts
 * const { identityId } = await auth.getCredentials();
 * const prefix = `private/${identityId}/`; // matches ${cognito-identity.amazonaws.com:sub} in IAM policies
 * ```
 */
export interface IdentityCredentials extends AwsCredentials {
  /** The Cognito identity id (`<region>:<uuid>`) the credentials were issued for. */
  identityId: string;
}

/**
 * An AWS SDK v3 credential provider: pass it as `credentials` to any client.
 *
 * @example
 * ```ts
 * const s3 = new S3Client({ region: "eu-west-1", credentials: auth.credentials });
 * ```
 */
export type CredentialProvider = (options?: { forceRefresh?: boolean }) => Promise<AwsCredentials>;

/**
 * `restoring`: start-up is still looking in storage for a session or identity (a signed-in
 * user-pool session, a guest identity); not known yet, so show neither a sign-in form nor an
 * account. It is the initial status unless `storage` is `"memory"`, and is left for good once
 * {@link Auth.ready} resolves. `guest`: an unauthenticated identity is held. `authenticated`:
 * logins are set and their identity is held. `signedOut`: no identity in this page (nothing stored
 * or fetched yet, or after `signOut()`).
 *
 * @example
 * ```ts
 * auth.subscribe(({ status }) => {
 *   spinner.hidden = status !== "restoring";
 *   signInButton.hidden = status === "restoring" || status === "authenticated";
 * });
 * ```
 */
export type AuthStatus = "restoring" | "guest" | "authenticated" | "signedOut";

/**
 * What {@link Auth.subscribe} listeners receive.
 *
 * @example
 * ```ts
 * auth.subscribe((state) => {
 *   if (state.storage === "memory" && state.storageError) console.warn("identity will not survive a reload");
 *   if (state.refreshError?.code === "network-error") showOfflineBanner();
 * });
 * ```
 */
export interface AuthState {
  /** Who this page is now: see {@link AuthStatus}. */
  status: AuthStatus;
  /** The identity held, for `guest` and `authenticated`. */
  identityId?: string;
  /** When the current credentials expire, on the device clock. */
  expiration?: Date;
  /** With a user-pool session: when its ID or access token expires (the first of the two), on the device clock; it moves at every renewal. */
  tokenExpiration?: Date;
  /** Where identity ids are kept: IndexedDB, memory (asked for, or IndexedDB failed), or a custom store. */
  storage: "indexeddb" | "memory" | "custom";
  /** Why storage fell back to memory (code `storage-unavailable`). */
  storageError?: CognitoIdpoolError;
  /** The last credential refresh failure; cleared by the next success. Network and throttling errors are retried in the background. */
  refreshError?: CognitoIdpoolError;
}

/**
 * Why the identity changed:
 * - `created`: Cognito made a new identity (`GetId`).
 * - `linked`: a login was added to the cached guest; the id stays the same.
 * - `merged`: the login already had an identity; the guest was merged into it and is disabled.
 *   `previousCredentials` (the guest's, while still valid) let the app copy the guest's data.
 * - `recovered`: Cognito rejected the cached identity (deleted, disabled, or another user's); a new one replaced it.
 * - `signedOut`: logins and the authenticated identity were cleared; `cause` says why (see {@link SignOutCause}).
 *
 * @example
 * ```ts
 * auth.onIdentityChange(async (change) => {
 *   if (change.reason === "merged" && change.previousCredentials) {
 *     await copyGuestData(change.previousIdentityId!, change.previousCredentials, change.identityId);
 *   }
 *   if (change.reason === "signedOut" && change.cause === "sessionExpired") showSignIn("Your session expired; please sign in again.");
 * });
 * ```
 */
export type IdentityChange =
  | {
      /** What happened to the identity (see above). */
      reason: "created" | "linked" | "merged" | "recovered";
      /** The identity held from now on. */
      identityId: string;
      /** The identity held before: the guest that was linked or merged, or the one replaced. */
      previousIdentityId?: string;
      /** With `merged`: the guest's credentials while still valid, to copy its data across. */
      previousCredentials?: AwsCredentials;
    }
  | {
      /** Logins and the authenticated identity were cleared. */
      reason: "signedOut";
      /** Why: see {@link SignOutCause}. */
      cause: SignOutCause;
      /** No identity is held after a sign-out. */
      identityId?: undefined;
      /** The identity that was signed out. */
      previousIdentityId?: string;
    };

/**
 * Why a `signedOut` {@link IdentityChange} happened:
 * - `signOut`: `signOut()` was called, in this tab or another one (or another tab signed in as
 *   someone else).
 * - `sessionExpired`: the user pool refused the refresh token (it expired, was revoked, the user
 *   was signed out everywhere, disabled or deleted). Nobody asked for it: tell the user to sign in
 *   again. Emitted also when this happens while restoring a session after a reload, before any
 *   credentials were served. A network failure never ends a session.
 * - `userDeleted`: `deleteUser()` deleted the user, in this tab or another one.
 *
 * @example
 * ```ts
 * auth.onIdentityChange((change) => {
 *   if (change.reason === "signedOut") banner(change.cause === "sessionExpired" ? "Session expired: sign in again." : "Signed out.");
 * });
 * ```
 */
export type SignOutCause = "signOut" | "sessionExpired" | "userDeleted";

/**
 * A login token, or a function that returns a fresh one each time credentials are fetched.
 *
 * @example
 * ```ts
 * const google: LoginValue = () => googleClient.getIdToken();
 * await auth.setLogins({ "accounts.google.com": google });
 * ```
 */
export type LoginValue = string | (() => Promise<string>);

/**
 * A developer-authenticated identity, as your backend's `GetOpenIdTokenForDeveloperIdentity` returns
 * it: the identity id and its OpenID Connect token.
 *
 * @example
 * ```ts
 * const { identityId, token }: DeveloperIdentity = await (await fetch("/api/cognito-token", { method: "POST" })).json();
 * ```
 */
export interface DeveloperIdentity {
  /** The identity id `GetOpenIdTokenForDeveloperIdentity` answered. */
  identityId: string;
  /** The OpenID Connect token it answered, for that identity. */
  token: string;
}

/**
 * What `getOpenIdToken()` resolves to: the identity's own OpenID Connect token.
 *
 * @example
 * ```ts
 * const { token, expiration }: OpenIdToken = await auth.getOpenIdToken();
 * ```
 */
export interface OpenIdToken {
  /** The identity the token is for (its `sub`). */
  identityId: string;
  /** A JWT issued by `https://cognito-identity.amazonaws.com`, audience the identity pool id. */
  token: string;
  /** When the token expires, on the device clock. */
  expiration: Date;
}

/**
 * What `setDeveloperIdentity` takes: an identity and token, or a function your backend answers,
 * called whenever a new token is needed. It is given the cached guest's identity id, so the backend
 * can pass it to `GetOpenIdTokenForDeveloperIdentity` as `IdentityId` (the guest is then linked,
 * or merged into the user's identity).
 *
 * @example
 * ```ts
 * const source: DeveloperIdentitySource = async ({ guestIdentityId }) =>
 *   (await fetch("/api/cognito-token", { method: "POST", body: JSON.stringify({ guestIdentityId }) })).json();
 * await auth.setDeveloperIdentity(source);
 * ```
 */
export type DeveloperIdentitySource = DeveloperIdentity | ((context: { guestIdentityId?: string }) => Promise<DeveloperIdentity>);
