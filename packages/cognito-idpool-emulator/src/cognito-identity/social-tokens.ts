import { randomBytes, randomUUID } from "node:crypto";
import { SignJWT, type JWK } from "jose";
import type { EmulatorClock } from "../core/clock.js";
import { AwsError } from "../core/errors.js";
import { importSigningKey, newStoredSigningKey, type SigningKeys } from "./signing-keys.js";
import type { SocialProvider } from "./social-providers.js";
import type { CognitoIdentityState, SocialState, SocialUser } from "./state.js";

/** The stand-ins' part of the identity-pool state, made on first use (states saved before it existed lack it). */
export function socialState(slice: CognitoIdentityState): SocialState {
  slice.social ??= { users: {}, signingKeys: {}, accessTokens: {} };
  return slice.social;
}

/** The RS256 key a JWT stand-in signs with, made on first use and kept in state so tokens survive a restart. */
export function signingKeys(slice: CognitoIdentityState, provider: SocialProvider): SigningKeys {
  const social = socialState(slice);
  return importSigningKey((social.signingKeys[provider.loginKey] ??= newStoredSigningKey()));
}

/** The JWK set a JWT stand-in publishes, as Google's and Apple's key endpoints answer. */
export function publishedKeys(slice: CognitoIdentityState, provider: SocialProvider): { keys: JWK[] } {
  const { kid, publicKey } = signingKeys(slice, provider);
  return { keys: [{ ...(publicKey.export({ format: "jwk" }) as JWK), kid, alg: "RS256", use: "sig" }] };
}

export interface MintRequest {
  /** The provider's user id; default a new one in the provider's format. */
  sub?: string;
  email?: string;
  name?: string;
  /** The app the token is issued to: the value the identity pool lists for the provider in SupportedLoginProviders. */
  audience: string;
  /** Default: the provider's usual lifetime (an hour; Twitter tokens do not expire). */
  expiresInSeconds?: number;
}

export interface MintedToken {
  /** What the app puts in `Logins` under the provider's key. */
  token: string;
  /** The user id it names. */
  sub: string;
  /** Epoch seconds; absent when the token does not expire. */
  expiresAt?: number;
}

/** Issues a token as the provider would after a sign-in. A `sub` seen for the first time becomes a user of the stand-in. */
export async function mintSocialToken(slice: CognitoIdentityState, clock: EmulatorClock, provider: SocialProvider, request: MintRequest): Promise<MintedToken> {
  const social = socialState(slice);
  const sub = request.sub ?? provider.newSubject();
  const users = (social.users[provider.loginKey] ??= {});
  const user: SocialUser = (users[sub] ??= {});
  if (request.email !== undefined) user.email = request.email;
  if (request.name !== undefined) user.name = request.name;

  const now = clock.nowSeconds();
  const lifetime = request.expiresInSeconds ?? provider.lifetimeSeconds;
  const exp = lifetime === undefined ? undefined : now + lifetime;
  if (provider.kind === "jwt") {
    if (exp === undefined) throw new AwsError("ValidationException", "ID tokens need an expiry.");
    const token = await signIdToken(slice, provider, { sub, user, audience: request.audience, now, exp });
    return { token, sub, expiresAt: exp };
  }
  const token = provider.name === "facebook" ? `EAA${randomBytes(48).toString("base64url")}` : `Atza|${randomBytes(96).toString("base64url")}`;
  if (provider.kind === "pair") {
    // Twitter's OAuth 1.0a access tokens start with the user id; the app sends `token;secret`.
    const key = `${sub}-${randomBytes(20).toString("base64url")}`;
    const secret = randomBytes(30).toString("base64url");
    social.accessTokens[key] = { provider: provider.loginKey, subject: sub, audience: request.audience, secret, ...(exp === undefined ? {} : { exp }) };
    return { token: `${key};${secret}`, sub, ...(exp === undefined ? {} : { expiresAt: exp }) };
  }
  social.accessTokens[token] = { provider: provider.loginKey, subject: sub, audience: request.audience, ...(exp === undefined ? {} : { exp }) };
  return { token, sub, ...(exp === undefined ? {} : { expiresAt: exp }) };
}

interface IdTokenClaims {
  sub: string;
  user: SocialUser;
  audience: string;
  now: number;
  exp: number;
}

/** The claims Google and Apple put in their ID tokens (those an app or a role-mapping rule might read). */
async function signIdToken(slice: CognitoIdentityState, provider: SocialProvider, claims: IdTokenClaims): Promise<string> {
  const { kid, privateKey } = signingKeys(slice, provider);
  const { user } = claims;
  const payload: Record<string, unknown> = {};
  if (provider.name === "google") payload["azp"] = claims.audience;
  if (user.email !== undefined) Object.assign(payload, { email: user.email, email_verified: true });
  if (provider.name === "google" && user.name !== undefined) payload["name"] = user.name;
  if (provider.name === "apple") Object.assign(payload, { auth_time: claims.now, nonce_supported: true });
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setIssuer(provider.issuer!)
    .setSubject(claims.sub)
    .setAudience(claims.audience)
    .setIssuedAt(claims.now)
    .setExpirationTime(claims.exp)
    .setJti(randomUUID())
    .sign(privateKey);
}
