/** Identity-pool state. Owned by emulator/cognito-identity. Plain JSON so `--data` can persist it. */

export interface CognitoIdentityProviderConfig {
  ProviderName: string;
  ClientId: string;
  ServerSideTokenCheck?: boolean;
}

/** One rule of a `Rules` role mapping, as SetIdentityPoolRoles takes it. */
export interface MappingRule {
  Claim: string;
  MatchType: "Equals" | "Contains" | "StartsWith" | "NotEqual";
  Value: string;
  RoleARN: string;
}

/** How an identity pool picks the role for one login provider (`Token` or `Rules`), as SetIdentityPoolRoles takes it. */
export interface RoleMapping {
  Type: "Token" | "Rules";
  AmbiguousRoleResolution?: "AuthenticatedRole" | "Deny";
  RulesConfiguration?: { Rules: MappingRule[] };
}

/** The IdentityPool structure of the API, plus what Set/GetIdentityPoolRoles hold. */
export interface IdentityPoolRecord {
  IdentityPoolId: string;
  IdentityPoolName: string;
  AllowUnauthenticatedIdentities: boolean;
  /** Absent means "not given": such pools allow the classic flow (an AWS quirk: only an explicit false refuses it). */
  AllowClassicFlow?: boolean;
  SupportedLoginProviders?: Record<string, string>;
  DeveloperProviderName?: string;
  OpenIdConnectProviderARNs?: string[];
  CognitoIdentityProviders?: CognitoIdentityProviderConfig[];
  SamlProviderARNs?: string[];
  IdentityPoolTags?: Record<string, string>;
  /** `authenticated` / `unauthenticated` → role ARN. */
  Roles: Record<string, string>;
  RoleMappings?: Record<string, RoleMapping>;
  /** SetPrincipalTagAttributeMap, by IdentityProviderName. A provider without an entry gets no principal tags. */
  PrincipalTagMaps?: Record<string, PrincipalTagMap>;
  /** Epoch milliseconds. */
  CreationDate: number;
}

/** Which claims (or SAML attributes) become which session tags for one provider. */
export interface PrincipalTagMap {
  UseDefaults: boolean;
  /** Tag key → claim name; with UseDefaults, the provider's default map. */
  PrincipalTags: Record<string, string>;
}

/** A login linked to an identity: the provider name (the `Logins` key) and the user it names there. */
export interface LinkedLogin {
  provider: string;
  subject: string;
}

export interface IdentityRecord {
  IdentityId: string;
  IdentityPoolId: string;
  logins: LinkedLogin[];
  /**
   * True once any login was linked. Stays true when every login is unlinked again: such an identity
   * is unusable rather than a guest (AWS: "removing the last login makes the identity unusable").
   */
  authenticated: boolean;
  /** Lost a merge: kept (ListIdentities shows it unless HideDisabled) but refused. */
  disabled: boolean;
  /** The identity that won the merge. */
  mergedInto?: string;
  /** Epoch milliseconds. */
  CreationDate: number;
  LastModifiedDate: number;
}

export interface CognitoIdentityState {
  pools: Record<string, IdentityPoolRecord>;
  identities: Record<string, IdentityRecord>;
  /** `loginKey(pool, provider, subject)` → identity id. Only enabled identities hold logins. */
  logins: Record<string, string>;
  /** RS256 private key (JWK) the emulator signs its own OpenID tokens with; made on first use. */
  openIdSigningKey?: { kid: string; jwk: Record<string, unknown> };
  /** The social provider stand-ins: their users, signing keys and the access tokens they issued. Absent until first used. */
  social?: SocialState;
  /** The SAML IdP stand-ins, by name: their signing keys and certificates. Absent until first used. */
  samlIdps?: Record<string, SamlIdpRecord>;
}

/** A SAML IdP stand-in: who it says it is and what it signs with. */
export interface SamlIdpRecord {
  /** The `entityID` of its metadata and the Issuer of its assertions. */
  entityId: string;
  /** RSA private key, PKCS#8 PEM. */
  privateKey: string;
  /** Its self-signed certificate, base64 DER (as metadata carries it). */
  certificate: string;
}

/** A user of a social provider stand-in (seeded, or made when a token is minted for a new `sub`). */
export interface SocialUser {
  email?: string;
  name?: string;
}

/** An opaque access token a stand-in issued (Facebook, Login with Amazon, Twitter): who it names and which app it was issued to. */
export interface SocialAccessToken {
  /** The provider's login key, e.g. `graph.facebook.com`. */
  provider: string;
  /** The provider's user id. */
  subject: string;
  /** The app id (Twitter: `consumerKey;consumerSecret`) the token was issued to. */
  audience: string;
  /** Epoch seconds; absent: does not expire. */
  exp?: number;
  /** Twitter only: the access token secret that must follow the `;`. */
  secret?: string;
}

export interface SocialState {
  /** Login key → user id → profile. */
  users: Record<string, Record<string, SocialUser>>;
  /** Login key of a JWT provider (Google, Apple) → its RS256 private key (JWK). */
  signingKeys: Record<string, { kid: string; jwk: Record<string, unknown> }>;
  /** Access token (Twitter: the token part before `;`) → what it grants. */
  accessTokens: Record<string, SocialAccessToken>;
}

export function emptyCognitoIdentityState(): CognitoIdentityState {
  return { pools: {}, identities: {}, logins: {} };
}

export function loginKey(poolId: string, provider: string, subject: string): string {
  return JSON.stringify([poolId, provider, subject]);
}
