import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { EXPIRY_GRACE_SECONDS, invalid, notSupported } from "./login-errors.js";
import type { VerifiedLogin } from "./verified-login.js";
import type { SocialProvider } from "./social-providers.js";
import { signingKeys, socialState } from "./social-tokens.js";

/**
 * Checks a social login against the stand-in that issued it, as Cognito checks it against the real
 * provider: ID tokens by signature, issuer, audience (the app id the pool lists for the provider)
 * and expiry; access tokens by asking the provider, which here means looking them up.
 */
export async function verifySocialLogin(ctx: ServiceContext, appId: string, provider: SocialProvider, token: string): Promise<VerifiedLogin> {
  const { subject, claims } = provider.kind === "jwt" ? await verifyIdToken(ctx, appId, provider, token) : verifyAccessToken(ctx, appId, provider, token);
  return { provider: provider.loginKey, subject, claims, amr: [provider.loginKey, `${provider.loginKey}:${subject}`], mappingKeys: [provider.loginKey] };
}

/**
 * A token the stand-in did not issue may be a real one, which only the real provider could vouch for.
 * Offline the provider cannot be asked, so the answer is the one AWS gives when a provider does not answer.
 */
function notIssuedHere(provider: SocialProvider): AwsError {
  return new AwsError(
    "ExternalServiceException",
    `The emulator cannot verify this ${provider.loginKey} token: it was not issued by the emulator's ${provider.name} stand-in, and the emulator does not contact social identity providers.`,
  );
}

async function verifyIdToken(ctx: ServiceContext, appId: string, provider: SocialProvider, token: string) {
  let claims: JWTPayload;
  let kid: string | undefined;
  try {
    claims = decodeJwt(token);
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw invalid("Invalid login token. Not a valid OpenId Connect identity token.");
  }
  // Google's older tokens carry the issuer without the scheme; Google documents both forms as valid.
  const issuers = provider.name === "google" ? [provider.issuer, "accounts.google.com"] : [provider.issuer];
  if (!issuers.includes(claims.iss)) throw invalid("Invalid login token. Issuer doesn't match providerName");
  const audiences = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (audiences.length === 0) throw invalid("Invalid login token. Missing a required claim: aud");
  if (!audiences.includes(appId)) throw notSupported();

  const keys = signingKeys(ctx.state.cognitoIdentity, provider);
  if (kid !== keys.kid) throw notIssuedHere(provider);
  try {
    await jwtVerify(token, keys.publicKey, { algorithms: ["RS256"], currentDate: ctx.clock.date(), clockTolerance: EXPIRY_GRACE_SECONDS });
  } catch (error) {
    const { code, payload } = error as { code?: string; payload?: JWTPayload };
    if (code === "ERR_JWT_EXPIRED") throw invalid(`Invalid login token. Token expired: ${ctx.clock.nowSeconds()} >= ${payload?.exp}`);
    if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") throw invalid("Invalid login token. Token is not valid yet.");
    throw invalid("Invalid login token. Couldn't verify signed token.");
  }
  if (typeof claims.sub !== "string" || claims.sub === "") throw invalid("Invalid login token. Missing a required claim: sub");
  return { subject: claims.sub, claims: claims as Record<string, unknown> };
}

/**
 * Facebook, Login with Amazon and Twitter tokens: the provider's answer decides. Twitter's login is
 * `accessToken;accessTokenSecret`, checked against the consumer `key;secret` the pool lists.
 */
function verifyAccessToken(ctx: ServiceContext, appId: string, provider: SocialProvider, token: string) {
  const [key, secret] = provider.kind === "pair" ? token.split(";", 2) : [token, undefined];
  const tokens = socialState(ctx.state.cognitoIdentity).accessTokens;
  const issued = Object.hasOwn(tokens, key!) ? tokens[key!] : undefined;
  if (!issued || issued.provider !== provider.loginKey) throw notIssuedHere(provider);
  if (provider.kind === "pair" && secret !== issued.secret) throw invalid("Invalid login token. Couldn't verify signed token.");
  if (issued.audience !== appId) throw notSupported();
  // The provider itself says whether its token is still valid: no clock-skew allowance here.
  const now = ctx.clock.nowSeconds();
  if (issued.exp !== undefined && now >= issued.exp) throw invalid(`Invalid login token. Token expired: ${now} >= ${issued.exp}`);
  // Amazon names its users `user_id` (principal-tag defaults read it); the others `sub`. Twitter's
  // audience is only the consumer key: the consumer secret must not reach rule matching or logs.
  const aud = provider.kind === "pair" ? appId.split(";")[0]! : appId;
  const claims = provider.name === "amazon" ? { user_id: issued.subject, aud } : { sub: issued.subject, aud };
  return { subject: issued.subject, claims };
}
