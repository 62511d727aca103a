import { createLocalJWKSet, decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { userPoolJwks, userPoolTokenStatus } from "../cognito-idp/queries.js";
import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { issuerWithoutScheme, type IamOidcProvider } from "../iam/state.js";
import { EXPIRY_GRACE_SECONDS, invalid, notSupported } from "./login-errors.js";
import { issuerKeys, unreachable } from "./oidc-keys.js";
import { COGNITO_LOGIN_KEY, verifyOpenIdToken } from "./openid-token.js";
import { SOCIAL_PROVIDERS } from "./pools.js";
import { SAML_PROVIDER_ARN, verifySamlLogin } from "./saml-login.js";
import { verifySocialLogin } from "./social-login.js";
import { socialProvider } from "./social-providers.js";
import type { IdentityPoolRecord } from "./state.js";
import type { VerifiedLogin } from "./verified-login.js";

export type { VerifiedLogin };

const USER_POOL_KEY = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+_[0-9a-zA-Z]+)$/;
const JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"];

/**
 * Checks every token of a `Logins` map against the pool, all before anything changes (R6 of
 * `planResolution`: one bad token fails the whole call). Checks per token, in this order (the
 * first that fails is the error):
 * JWT shape → `iss` vs key → provider configured → `aud`/`azp` → signature → `exp` (+300 s) →
 * ServerSideTokenCheck. SAML responses have their own checks (saml-login.ts).
 */
export async function verifyLogins(ctx: ServiceContext, pool: IdentityPoolRecord, logins: Record<string, string>): Promise<VerifiedLogin[]> {
  const verified: VerifiedLogin[] = [];
  for (const [provider, token] of Object.entries(logins)) verified.push(await verifyLogin(ctx, pool, provider, token));
  return verified;
}

async function verifyLogin(ctx: ServiceContext, pool: IdentityPoolRecord, provider: string, token: string): Promise<VerifiedLogin> {
  if (provider === COGNITO_LOGIN_KEY) return verifyCognitoToken(ctx, pool, token);
  if (provider === pool.DeveloperProviderName) {
    // The developer's own user ids are only trusted from the developer's backend (a signed call).
    throw invalid(
      `Developer provider logins are only accepted by GetOpenIdTokenForDeveloperIdentity; send the OpenID token it returns under ${COGNITO_LOGIN_KEY}.`,
    );
  }
  // SAML logins are keyed by the IAM SAML provider's ARN and carry a base64 SAML response, not a JWT.
  if (SAML_PROVIDER_ARN.test(provider)) return verifySamlLogin(ctx, pool, provider, token);
  const oidc = oidcProviderFor(ctx, pool, provider);
  if (!oidc && SOCIAL_PROVIDERS.includes(provider)) {
    const appId = pool.SupportedLoginProviders?.[provider];
    if (!appId) throw notSupported();
    const standIn = socialProvider(provider);
    // Digits was retired; there is nothing left to stand in for.
    if (!standIn)
      throw new AwsError("ExternalServiceException", `The emulator cannot verify ${provider} tokens: it does not contact social identity providers.`);
    return verifySocialLogin(ctx, appId, standIn, token);
  }
  return verifyJwtLogin(ctx, pool, provider, token, oidc);
}

/** The emulator's own OpenID token (developer-authenticated identities, device side). */
async function verifyCognitoToken(ctx: ServiceContext, pool: IdentityPoolRecord, token: string): Promise<VerifiedLogin> {
  const result = await verifyOpenIdToken(ctx.state.cognitoIdentity, ctx.clock, token, EXPIRY_GRACE_SECONDS);
  if (!result.ok) {
    const failure = result.failure;
    if (failure.kind === "malformed") throw invalid("Invalid login token. Not a valid OpenId Connect identity token.");
    if (failure.kind === "expired") throw invalid(`Invalid login token. Token expired: ${failure.now} >= ${failure.exp}`);
    throw invalid("Invalid login token. Couldn't verify signed token.");
  }
  const { claims } = result;
  if (claims.aud !== pool.IdentityPoolId) throw notSupported();
  if (!claims.amr.includes("authenticated")) throw invalid("Invalid login token. The token is not for an authenticated identity.");
  return {
    provider: COGNITO_LOGIN_KEY,
    subject: claims.sub,
    claims,
    provesIdentity: claims.sub,
    amr: claims.amr.filter((v) => v !== "authenticated"),
    mappingKeys: [],
  };
}

/** User-pool ID tokens (checked in process against the user pool's keys) and registered OIDC issuers (keys fetched from the issuer). */
async function verifyJwtLogin(
  ctx: ServiceContext,
  pool: IdentityPoolRecord,
  provider: string,
  token: string,
  oidc: IamOidcProvider | undefined,
): Promise<VerifiedLogin> {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw invalid("Invalid login token. Not a valid OpenId Connect identity token.");
  }
  if (typeof claims.iss !== "string" || issuerWithoutScheme(claims.iss) !== provider) throw invalid("Invalid login token. Issuer doesn't match providerName");

  const userPoolId = USER_POOL_KEY.exec(provider)?.[1];
  const userPoolClients = (pool.CognitoIdentityProviders ?? []).filter((p) => p.ProviderName === provider);
  if (userPoolId ? userPoolClients.length === 0 : !oidc) throw notSupported();

  const audiences = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (audiences.length === 0) throw invalid("Invalid login token. Missing a required claim: aud");
  // OIDC: a present `azp` names the client the token was issued to; otherwise one `aud` must be a known client.
  const clientIds = userPoolId ? userPoolClients.map((p) => p.ClientId) : oidc!.ClientIDList;
  const candidates = !userPoolId && typeof claims["azp"] === "string" ? [claims["azp"]] : audiences;
  const client = candidates.find((a) => clientIds.includes(a));
  if (client === undefined) throw notSupported();

  let keys: JWTVerifyGetKey;
  if (userPoolId) {
    const jwks = userPoolJwks(ctx.state, userPoolId);
    if (!jwks) throw invalid("Invalid login token. Couldn't verify signed token.");
    keys = createLocalJWKSet(jwks as never);
  } else {
    keys = await issuerKeys(oidc!.Url);
  }
  await verifySignatureAndTime(ctx, token, keys, userPoolId ? provider : oidc!.Url);

  if (typeof claims.sub !== "string" || claims.sub === "") throw invalid("Invalid login token. Missing a required claim: sub");
  if (userPoolId && userPoolClients.find((p) => p.ClientId === client)?.ServerSideTokenCheck) {
    const status = userPoolTokenStatus(ctx.state, userPoolId, claims as Record<string, unknown>);
    if (status !== "valid") throw invalid(SERVER_SIDE_CHECK_MESSAGES[status]);
  }
  return {
    provider,
    subject: claims.sub,
    claims: claims as Record<string, unknown>,
    amr: [provider, userPoolId ? `${provider}:CognitoSignIn:${claims.sub}` : `${provider}:${claims.sub}`],
    mappingKeys: userPoolId ? [`${provider}:${client}`] : [provider, oidc!.Arn],
  };
}

/** Messages for ServerSideTokenCheck failures. [INF] AWS's wording for these was not captured; ours says what happened. */
const SERVER_SIDE_CHECK_MESSAGES = {
  "signed-out": "Invalid login token. Token has been revoked.",
  "user-deleted": "Invalid login token. User does not exist.",
  disabled: "Invalid login token. User is disabled.",
} as const;

async function verifySignatureAndTime(ctx: ServiceContext, token: string, keys: JWTVerifyGetKey, issuerUrl: string): Promise<void> {
  try {
    await jwtVerify(token, keys, { algorithms: JWT_ALGORITHMS, currentDate: ctx.clock.date(), clockTolerance: EXPIRY_GRACE_SECONDS });
  } catch (error) {
    const { code, payload } = error as { code?: string; payload?: JWTPayload };
    if (code === "ERR_JWT_EXPIRED") throw invalid(`Invalid login token. Token expired: ${ctx.clock.nowSeconds()} >= ${payload?.exp}`);
    if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") throw invalid("Invalid login token. Token is not valid yet.");
    if (code && SIGNATURE_FAILURES.has(code)) throw invalid("Invalid login token. Couldn't verify signed token.");
    if (error instanceof AwsError) throw error;
    throw unreachable(issuerUrl, (error as Error).message);
  }
}

const SIGNATURE_FAILURES = new Set([
  "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
  "ERR_JWKS_NO_MATCHING_KEY",
  "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
  "ERR_JOSE_ALG_NOT_ALLOWED",
  "ERR_JOSE_NOT_SUPPORTED",
  "ERR_JWS_INVALID",
  "ERR_JWT_INVALID",
  "ERR_JWK_INVALID",
]);

/** The IAM OIDC provider this pool lists for a login key (the issuer without scheme). */
function oidcProviderFor(ctx: ServiceContext, pool: IdentityPoolRecord, provider: string): IamOidcProvider | undefined {
  for (const arn of pool.OpenIdConnectProviderARNs ?? []) {
    const registered = ctx.state.iam.oidcProviders[arn];
    if (registered && issuerWithoutScheme(registered.Url) === provider) return registered;
  }
  return undefined;
}
