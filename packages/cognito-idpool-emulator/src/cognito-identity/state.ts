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
  /** Epoch milliseconds. */
  CreationDate: number;
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
}

export function emptyCognitoIdentityState(): CognitoIdentityState {
  return { pools: {}, identities: {}, logins: {} };
}

export function loginKey(poolId: string, provider: string, subject: string): string {
  return JSON.stringify([poolId, provider, subject]);
}
