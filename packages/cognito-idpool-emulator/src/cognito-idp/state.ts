/**
 * User-pool state. Owned by emulator/cognito-idp. Plain JSON only: `--data DIR` writes it to disk.
 * Times are epoch milliseconds on the emulator clock unless a name says otherwise.
 */
export interface CognitoIdpState {
  pools: Record<string, UserPool>;
  /** Open challenge sessions by session string (PASSWORD_VERIFIER: by SECRET_BLOCK). */
  sessions: Record<string, ChallengeSession>;
}

export function emptyCognitoIdpState(): CognitoIdpState {
  return { pools: {}, sessions: {} };
}

export type MfaConfiguration = "OFF" | "ON" | "OPTIONAL";
export type MfaMethod = "SOFTWARE_TOKEN_MFA" | "SMS_MFA" | "EMAIL_OTP";
/** EXTERNAL_PROVIDER: a user made by a federated sign-in (hosted-ui/federation.ts); they have no password. */
export type UserStatus = "UNCONFIRMED" | "CONFIRMED" | "FORCE_CHANGE_PASSWORD" | "RESET_REQUIRED" | "EXTERNAL_PROVIDER";
/** The attributes Cognito verifies with a code. */
export type VerifiedAttribute = "email" | "phone_number";

export interface PasswordPolicy {
  MinimumLength: number;
  RequireUppercase: boolean;
  RequireLowercase: boolean;
  RequireNumbers: boolean;
  RequireSymbols: boolean;
  TemporaryPasswordValidityDays: number;
}

export interface SchemaAttribute {
  Name: string;
  AttributeDataType: "String" | "Number" | "DateTime" | "Boolean";
  DeveloperOnlyAttribute: boolean;
  Mutable: boolean;
  Required: boolean;
  StringAttributeConstraints?: { MinLength?: string; MaxLength?: string };
  NumberAttributeConstraints?: { MinValue?: string; MaxValue?: string };
}

/** One RS256 key; the private JWK stays in state so `--data` restarts keep tokens verifiable. */
export interface SigningKey {
  kid: string;
  privateJwk: Record<string, unknown>;
}

export interface UserPool {
  Id: string;
  Name: string;
  Arn: string;
  CreationDate: number;
  LastModifiedDate: number;
  passwordPolicy: PasswordPolicy;
  mfa: { configuration: MfaConfiguration; softwareToken: boolean; sms: boolean; email: boolean };
  usernameAttributes: string[];
  aliasAttributes: string[];
  autoVerifiedAttributes: string[];
  caseSensitive: boolean;
  allowAdminCreateUserOnly: boolean;
  schema: SchemaAttribute[];
  /**
   * UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate: a change to these is
   * pending (the old value stays in force) until the new value is verified. Absent in state saved
   * before the setting was read.
   */
  verifyBeforeUpdate?: VerifiedAttribute[];
  /** Input members echoed back by DescribeUserPool unchanged (tags, messages, configurations). */
  extra: Record<string, unknown>;
  /** AWS signs ID and access tokens with different keys; both are in the JWKS. */
  keys: { id: SigningKey; access: SigningKey };
  clients: Record<string, UserPoolClient>;
  /** By lookup key: the username, lower-cased when the pool is case-insensitive. */
  users: Record<string, PoolUser>;
  groups: Record<string, PoolGroup>;
  /** Sign-in sessions (refresh token and the tokens minted from it) by origin_jti. */
  families: Record<string, TokenFamily>;
  /** Policies.SignInPolicy.AllowedFirstAuthFactors; absent (state saved before it existed) means PASSWORD only. */
  firstAuthFactors?: FirstAuthFactor[];
  /** SetUserPoolMfaConfig's WebAuthnConfiguration; absent until set. */
  webAuthn?: WebAuthnConfig;
  /**
   * DeviceConfiguration: present when the pool tracks devices (devices.ts). Absent in state saved
   * before it was read, where the input is still in `extra`.
   */
  deviceConfiguration?: DeviceConfiguration;
  /** CreateUserPoolDomain (domains.ts): where the pool's managed login and OAuth endpoints are served. */
  domain?: UserPoolDomain;
  /** CreateIdentityProvider (identity-providers.ts), by ProviderName. */
  identityProviders?: Record<string, PoolIdentityProvider>;
}

export interface UserPoolDomain {
  /** The prefix, or the full name of a custom domain. */
  Domain: string;
  CustomDomainConfig?: { CertificateArn: string };
  ManagedLoginVersion: number;
  Version: string;
}

export interface PoolIdentityProvider {
  ProviderName: string;
  ProviderType: "SAML" | "Facebook" | "Google" | "LoginWithAmazon" | "SignInWithApple" | "OIDC";
  ProviderDetails: Record<string, string>;
  AttributeMapping: Record<string, string>;
  IdpIdentifiers: string[];
  /** Epoch seconds. */
  CreationDate: number;
  LastModifiedDate: number;
}

/**
 * What an OAuth sign-in (managed login, hosted-ui/) asks of the tokens it ends in: the scopes of
 * the access token and the app's nonce for the ID token.
 */
export interface OAuthGrant {
  scopes: string[];
  nonce?: string;
}

export interface DeviceConfiguration {
  ChallengeRequiredOnNewDevice: boolean;
  DeviceOnlyRememberedOnUserPrompt: boolean;
}

/** A device Cognito handed out in NewDeviceMetadata, by device key under its user. */
export interface UserDevice {
  /** The SRP verifier ConfirmDevice registered (hex); absent until the device is confirmed. */
  confirmed?: { salt: string; verifier: string };
  name?: string;
  remembered: boolean;
  /** Epoch ms. */
  created: number;
  modified: number;
  lastAuthenticated: number;
  lastIp?: string;
}

export type FirstAuthFactor = "PASSWORD" | "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN";

export interface WebAuthnConfig {
  relyingPartyId?: string;
  userVerification: "required" | "preferred";
  factorConfiguration?: "SINGLE_FACTOR" | "MULTI_FACTOR_WITH_USER_VERIFICATION";
}

/** A passkey registered with CompleteWebAuthnRegistration; key and id base64url. */
export interface StoredWebAuthnCredential {
  id: string;
  publicKey: string;
  counter: number;
  rpId: string;
  friendlyName: string;
  attachment?: string;
  transports: string[];
  /** Epoch ms. */
  createdAt: number;
}

export interface TokenValidity {
  /** Seconds. */
  id: number;
  access: number;
  refresh: number;
}

export interface UserPoolClient {
  ClientId: string;
  ClientName: string;
  ClientSecret?: string;
  CreationDate: number;
  LastModifiedDate: number;
  explicitAuthFlows: string[];
  /** Whether ExplicitAuthFlows was given (Describe omits it otherwise). */
  explicitAuthFlowsGiven: boolean;
  validity: TokenValidity;
  /** As given (or AWS's defaults), for Describe. */
  described: {
    IdTokenValidity: number;
    AccessTokenValidity: number;
    RefreshTokenValidity: number;
    TokenValidityUnits: { IdToken: string; AccessToken: string; RefreshToken: string };
  };
  preventUserExistenceErrors: boolean;
  enableTokenRevocation: boolean;
  /** Minutes a challenge session lives. */
  authSessionValidity: number;
  /** RefreshTokenRotation; absent (state saved before it existed) means disabled. */
  rotation?: { enabled: boolean; retryGracePeriodSeconds: number };
  extra: Record<string, unknown>;
}

/** What a code was sent for, as the control API reports it. */
export type CodeKind = "confirmation" | "reset" | "mfa" | "verification" | "sign-in";

export interface PendingCode {
  code: string;
  expiresAt: number;
  failures: number;
}

export interface PoolUser {
  Username: string;
  sub: string;
  attributes: Record<string, string>;
  status: UserStatus;
  enabled: boolean;
  created: number;
  modified: number;
  /** SRP salt and verifier only; the password itself is never kept. */
  password?: { salt: string; verifier: string; setAt: number; temporary: boolean };
  failedSignIns: number;
  lockedUntil: number;
  /** Tokens issued before this (epoch seconds) are signed out (GlobalSignOut). */
  tokensValidAfter: number;
  /** Codes waiting to be entered: sign-up confirmation, password reset, and one per attribute to verify. */
  codes: { confirmation?: PendingCode; reset?: PendingCode } & { [attribute in VerifiedAttribute]?: PendingCode };
  lastCode?: { code: string; kind: CodeKind; sentAt: number };
  /**
   * New values of attributes the pool verifies before updating (`verifyBeforeUpdate`): the old value
   * stays in `attributes`, and signs in, until VerifyUserAttribute confirms the new one.
   */
  pendingAttributes?: { [attribute in VerifiedAttribute]?: string };
  mfa: {
    totp?: { secret: string; verified: boolean; lastUsedStep: number };
    pendingTotpSecret?: string;
    enabled: MfaMethod[];
    preferred?: MfaMethod;
  };
  groups: string[];
  /** Passkeys, and the registration StartWebAuthnRegistration opened; absent for users without any. */
  webAuthn?: {
    credentials: StoredWebAuthnCredential[];
    pending?: { challenge: string; clientId: string; expiresAt: number };
  };
  /** Device tracking: the user's DeviceGroupKey and devices (absent until the first device). */
  deviceGroupKey?: string;
  devices?: Record<string, UserDevice>;
}

export interface PoolGroup {
  GroupName: string;
  Description?: string;
  RoleArn?: string;
  Precedence?: number;
  CreationDate: number;
  LastModifiedDate: number;
}

export interface TokenFamily {
  clientId: string;
  userKey: string;
  sub: string;
  /** Hash of the newest refresh token of the session. */
  refreshHash: string;
  /**
   * Refresh tokens rotated out (GetTokensFromRefreshToken on a rotating client), oldest first: the
   * hash and when it was rotated out (epoch ms). Remembered so reuse is told apart from a token
   * that was never issued; bounded, the oldest are forgotten.
   */
  rotated?: { hash: string; at: number }[];
  refreshExpiresAt: number;
  /** Epoch seconds of the sign-in that started the family (`auth_time`). */
  authTime: number;
  revoked: boolean;
  /** The device the sign-in was made on: its refresh token works only with this DEVICE_KEY. */
  deviceKey?: string;
  /** The OAuth scopes of a managed-login sign-in; its refreshed access tokens keep them. Absent: the API's scope. */
  scopes?: string[];
}

export type ChallengeName =
  | "PASSWORD_VERIFIER"
  | "NEW_PASSWORD_REQUIRED"
  | MfaMethod
  | "SELECT_MFA_TYPE"
  | "MFA_SETUP"
  | "CUSTOM_CHALLENGE"
  | "SELECT_CHALLENGE"
  | "SMS_OTP"
  | "WEB_AUTHN"
  /** Not a challenge: the Session ConfirmSignUp returns, good for one USER_AUTH sign-in. */
  | "SIGN_UP"
  | "DEVICE_SRP_AUTH"
  | "DEVICE_PASSWORD_VERIFIER";

/** One step of a custom authentication, as the Define/Create/Verify triggers see it in `request.session`. */
export interface CustomAuthStep {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

/** A CUSTOM_AUTH sign-in in progress, carried from one challenge session to the next. */
export interface CustomAuthState {
  history: CustomAuthStep[];
  /** The CreateAuthChallenge answer of the challenge now open; never sent to the client. */
  privateChallengeParameters?: Record<string, string>;
  challengeMetadata?: string;
}

export interface ChallengeSession {
  poolId: string;
  clientId: string;
  /** undefined for the simulated challenge of an unknown user (PreventUserExistenceErrors). */
  userKey?: string;
  challenge: ChallengeName;
  expiresAt: number;
  used: boolean;
  failures: number;
  srp?: { A: string; b: string; B: string; salt: string; verifier: string };
  /** Code sent by SMS or email for SMS_MFA / EMAIL_OTP. */
  code?: string;
  /** MFA_SETUP: the next step of the flow AssociateSoftwareToken/VerifySoftwareToken moved to. */
  setup?: "associated" | "verified";
  /** EMAIL_OTP opened by MFA_SETUP with an address: the right code verifies it and enrols email MFA. */
  enrolEmail?: boolean;
  /** CUSTOM_AUTH (and the SRP step of CUSTOM_WITH_SRP): the custom sign-in this session belongs to. */
  custom?: CustomAuthState;
  /** USER_AUTH: the session is for the first factor (EMAIL_OTP / SMS_OTP / WEB_AUTHN), not for MFA. */
  firstFactor?: boolean;
  /** WEB_AUTHN: the base64url challenge the assertion must sign. */
  webAuthnChallenge?: string;
  /** The DEVICE_KEY the sign-in names (devices.ts), carried through its later challenges. */
  deviceKey?: string;
  /** A managed-login sign-in (hosted-ui/): what its tokens are to carry, kept through its challenges. */
  oauth?: OAuthGrant;
}
