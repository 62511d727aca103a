import { decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { EmulatorClock } from "../core/clock.js";
import { importSigningKey, newStoredSigningKey, type SigningKeys } from "./signing-keys.js";
import type { CognitoIdentityState } from "./state.js";

/** The issuer of Cognito's own OpenID tokens, and the `Logins` key devices send them under. */
export const COGNITO_ISSUER = "https://cognito-identity.amazonaws.com";
export const COGNITO_LOGIN_KEY = "cognito-identity.amazonaws.com";

export interface OpenIdTokenClaims extends JWTPayload {
  sub: string;
  aud: string;
  amr: string[];
  exp: number;
}

/** The public key of {@link signingKeys} as a JWKS, as AWS publishes it at `https://cognito-identity.amazonaws.com/.well-known/jwks_uri`. */
export function openIdJwks(slice: CognitoIdentityState): { keys: Record<string, unknown>[] } {
  const keys = signingKeys(slice);
  return { keys: [{ ...(keys.publicKey.export({ format: "jwk" }) as Record<string, unknown>), kid: keys.kid, alg: "RS256", use: "sig" }] };
}

/** The RS256 key pair the emulator signs OpenID tokens with, made on first use and kept in state. */
function signingKeys(slice: CognitoIdentityState): SigningKeys {
  return importSigningKey((slice.openIdSigningKey ??= newStoredSigningKey()));
}

export interface OpenIdTokenRequest {
  identityId: string;
  poolId: string;
  amr: string[];
  lifetimeSeconds: number;
  /** Developer-supplied principal tags (GetOpenIdTokenForDeveloperIdentity). */
  principalTags?: Record<string, string>;
}

/** Signs an OpenID token as GetOpenIdToken / GetOpenIdTokenForDeveloperIdentity return it. */
export async function issueOpenIdToken(slice: CognitoIdentityState, clock: EmulatorClock, request: OpenIdTokenRequest): Promise<string> {
  const keys = signingKeys(slice);
  const now = clock.nowSeconds();
  const payload: JWTPayload = { amr: request.amr };
  if (request.principalTags && Object.keys(request.principalTags).length) {
    payload["https://aws.amazon.com/tags"] = { principal_tags: Object.fromEntries(Object.entries(request.principalTags).map(([k, v]) => [k, [v]])) };
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid: keys.kid, typ: "JWS" })
    .setIssuer(COGNITO_ISSUER)
    .setSubject(request.identityId)
    .setAudience(request.poolId)
    .setIssuedAt(now)
    .setExpirationTime(now + request.lifetimeSeconds)
    .sign(keys.privateKey);
}

export type OpenIdTokenFailure = { kind: "malformed" } | { kind: "signature" } | { kind: "expired"; now: number; exp: number };

/**
 * Verifies a token this emulator issued: signature with the stored key, then expiry on the emulator
 * clock with `graceSeconds` of tolerance. Audience and identity checks are the caller's.
 */
export async function verifyOpenIdToken(
  slice: CognitoIdentityState,
  clock: EmulatorClock,
  token: string,
  graceSeconds: number,
): Promise<{ ok: true; claims: OpenIdTokenClaims } | { ok: false; failure: OpenIdTokenFailure }> {
  try {
    decodeProtectedHeader(token);
  } catch {
    return { ok: false, failure: { kind: "malformed" } };
  }
  const keys = signingKeys(slice);
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      issuer: COGNITO_ISSUER,
      algorithms: ["RS256"],
      currentDate: clock.date(),
      clockTolerance: graceSeconds,
    });
    if (typeof payload.sub !== "string" || typeof payload.aud !== "string" || !Array.isArray(payload.amr) || typeof payload.exp !== "number") {
      return { ok: false, failure: { kind: "malformed" } };
    }
    return { ok: true, claims: payload as OpenIdTokenClaims };
  } catch (error) {
    const { code, payload } = error as { code?: string; payload?: JWTPayload };
    if (code === "ERR_JWT_EXPIRED" && typeof payload?.exp === "number")
      return { ok: false, failure: { kind: "expired", now: clock.nowSeconds(), exp: payload.exp } };
    return { ok: false, failure: { kind: "signature" } };
  }
}
