import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { COGNITO_LOGIN_KEY } from "./openid-token.js";
import { mappingKeys, requirePool } from "./pools.js";
import { NAME_IDENTIFIER_CLAIM, SAML_PROVIDER_ARN } from "./saml-login.js";
import type { IdentityPoolRecord, PrincipalTagMap } from "./state.js";
import type { VerifiedLogin } from "./verified-login.js";
import { bool, IDENTITY_POOL_ID, map, str, struct, validate } from "./validate.js";

/** Session tag limits: keys 1–128, values up to 256 characters (longer claim values cannot become tags). */
const TAG_VALUE_MAX = 256;

const SET_SHAPE = struct(
  {
    IdentityPoolId: IDENTITY_POOL_ID,
    IdentityProviderName: str({ min: 1, max: 128 }),
    UseDefaults: bool,
    PrincipalTags: map(str({ min: 1, max: 128 }), str({ min: 1, max: 256 }), 50),
  },
  ["IdentityPoolId", "IdentityProviderName"],
);
const GET_SHAPE = struct({ IdentityPoolId: IDENTITY_POOL_ID, IdentityProviderName: str({ min: 1, max: 128 }) }, ["IdentityPoolId", "IdentityProviderName"]);

/**
 * The defaults AWS documents ("username and clientID"): the user and the app the token was issued
 * to. Login with Amazon names its users `user_id`; SAML assertions carry the user as the
 * nameidentifier claim and the app as the name claim.
 */
export function defaultPrincipalTags(providerName: string): Record<string, string> {
  if (providerName === "www.amazon.com") return { username: "user_id", client: "aud" };
  if (SAML_PROVIDER_ARN.test(providerName)) return { username: NAME_IDENTIFIER_CLAIM, client: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name" };
  return { username: "sub", client: "aud" };
}

/**
 * The names SetPrincipalTagAttributeMap takes for a pool's providers: the `Logins` key (user pool
 * `cognito-idp.<region>.amazonaws.com/<poolId>`, social domain, OIDC issuer without scheme, SAML
 * provider ARN) or a RoleMappings key of the same provider (OIDC provider ARN, `<userPool>:<clientId>`).
 */
function knownProvider(pool: IdentityPoolRecord, name: string): boolean {
  if ((pool.CognitoIdentityProviders ?? []).some((p) => p.ProviderName === name)) return true;
  return mappingKeys(pool).has(name);
}

export const principalTagOperations = {
  SetPrincipalTagAttributeMap(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId, IdentityProviderName, UseDefaults, PrincipalTags } = validate<{
      IdentityPoolId: string;
      IdentityProviderName: string;
      UseDefaults?: boolean;
      PrincipalTags?: Record<string, string>;
    }>(input, SET_SHAPE);
    const pool = requirePool(ctx, IdentityPoolId);
    if (IdentityProviderName === pool.DeveloperProviderName || IdentityProviderName === COGNITO_LOGIN_KEY) {
      throw new AwsError(
        "InvalidParameterException",
        "Developer-authenticated identities get their principal tags from GetOpenIdTokenForDeveloperIdentity's PrincipalTags, not from an attribute map.",
      );
    }
    if (!knownProvider(pool, IdentityProviderName))
      throw new AwsError("InvalidParameterException", `${IdentityProviderName} is not a configured provider of this identity pool.`);
    const maps = (pool.PrincipalTagMaps ??= {});
    const useDefaults = UseDefaults === true;
    // With UseDefaults the provider's default map applies, whatever PrincipalTags says.
    const tags = useDefaults ? defaultPrincipalTags(IdentityProviderName) : { ...(PrincipalTags ?? {}) };
    // Neither defaults nor custom tags: the provider's tags are switched off (the console's "Inactive").
    if (!useDefaults && Object.keys(tags).length === 0) delete maps[IdentityProviderName];
    else maps[IdentityProviderName] = { UseDefaults: useDefaults, PrincipalTags: tags };
    return { IdentityPoolId, IdentityProviderName, UseDefaults: useDefaults, PrincipalTags: tags };
  },

  GetPrincipalTagAttributeMap(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId, IdentityProviderName } = validate<{ IdentityPoolId: string; IdentityProviderName: string }>(input, GET_SHAPE);
    const pool = requirePool(ctx, IdentityPoolId);
    if (!knownProvider(pool, IdentityProviderName))
      throw new AwsError("InvalidParameterException", `${IdentityProviderName} is not a configured provider of this identity pool.`);
    const found = pool.PrincipalTagMaps?.[IdentityProviderName];
    return { IdentityPoolId, IdentityProviderName, UseDefaults: found?.UseDefaults ?? false, PrincipalTags: found?.PrincipalTags ?? {} };
  },
};

/**
 * `aws:PrincipalTag/<key>` session keys from the logins' claims (SAML: attributes), per the map the
 * pool has for each provider. A claim the token lacks gives no tag; a list gives its first value.
 */
export function mappedPrincipalTags(pool: IdentityPoolRecord, logins: VerifiedLogin[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const login of logins) {
    const tagMap = tagMapFor(pool, login);
    if (!tagMap) continue;
    for (const [tagKey, claimName] of Object.entries(tagMap.PrincipalTags)) {
      const value = firstValue(Object.hasOwn(login.claims, claimName) ? login.claims[claimName] : undefined);
      if (value !== undefined && value.length <= TAG_VALUE_MAX) context[`aws:PrincipalTag/${tagKey}`] = value;
    }
  }
  return context;
}

function tagMapFor(pool: IdentityPoolRecord, login: VerifiedLogin): PrincipalTagMap | undefined {
  const maps = pool.PrincipalTagMaps ?? {};
  for (const name of [login.provider, ...login.mappingKeys]) if (Object.hasOwn(maps, name)) return maps[name];
  return undefined;
}

function firstValue(claim: unknown): string | undefined {
  const first = Array.isArray(claim) ? claim[0] : claim;
  if (typeof first === "string" && first !== "") return first;
  if (typeof first === "number" || typeof first === "boolean") return String(first);
  return undefined;
}
