/**
 * The user-pool tokens as stored, and what we read from the ID token. Tokens are decoded, not
 * verified: they come straight from the user pool over TLS, and the identity pool verifies the
 * ID token itself before it hands out credentials.
 */
import { decodeJwt } from "jose";
import type { UserPoolOptions } from "./contract.js";
import { malformedAnswer } from "./errors.js";

/** What is kept in storage under `USER_POOL_TOKENS_KEY`. */
export interface StoredTokens {
  version: 1;
  userPoolId: string;
  clientId: string;
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

/** Stored tokens plus the ID-token claims we act on. */
export interface Tokens extends StoredTokens {
  claims: Record<string, unknown>;
  /** When the first of the ID and access tokens expires (their `exp`), and the ID token's `iat`: epoch ms in server time. */
  expiresAt: number;
  issuedAt: number;
  sub: string;
  username: string;
  /** The identity-pool login key: the issuer without its scheme. */
  loginKey: string;
  /** The access token's `device_key`: the remembered device these tokens were issued to, which renewals name. */
  deviceKey?: string;
}

/**
 * Reads a stored value; undefined when it is missing, corrupt, or from another pool or app client.
 */
export function parseStoredTokens(value: unknown, options: UserPoolOptions): Tokens | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Partial<StoredTokens>;
  if (v.version !== 1 || v.userPoolId !== options.userPoolId || v.clientId !== options.clientId) return undefined;
  if (typeof v.idToken !== "string" || typeof v.accessToken !== "string" || typeof v.refreshToken !== "string" || !v.refreshToken) return undefined;
  try {
    return withClaims({
      version: 1,
      userPoolId: v.userPoolId,
      clientId: v.clientId,
      idToken: v.idToken,
      accessToken: v.accessToken,
      refreshToken: v.refreshToken,
    });
  } catch {
    return undefined;
  }
}

/**
 * Decodes the ID token; throws a retryable `service-error` when it is not a user-pool ID token we
 * can use (the user pool answered with something else), never jose's or the JSON parser's error.
 */
export function withClaims(stored: StoredTokens): Tokens {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(stored.idToken);
  } catch {
    throw malformedAnswer("an ID token that is not a JWT");
  }
  const { exp, iat, iss, sub } = claims;
  if (typeof exp !== "number" || !Number.isFinite(exp) || typeof iss !== "string" || typeof sub !== "string" || !sub)
    throw malformedAnswer("an ID token without exp, iss or sub");
  const username = typeof claims["cognito:username"] === "string" ? claims["cognito:username"] : sub;
  // The access token is what getTokens() and the account calls hand out: it must not expire unseen.
  let access: Record<string, unknown> = {};
  try {
    access = decodeJwt(stored.accessToken);
  } catch {
    // Not a JWT: the user pool's business; the ID token's expiry stands.
  }
  const { exp: accessExp, device_key: deviceKey } = access;
  return {
    ...(typeof deviceKey === "string" ? { deviceKey } : {}),
    ...stored,
    claims,
    expiresAt: Math.min(exp, typeof accessExp === "number" ? accessExp : exp) * 1000,
    issuedAt: typeof iat === "number" ? iat * 1000 : exp * 1000 - 3_600_000,
    sub,
    username,
    loginKey: iss.replace(/^[a-z]+:\/\//i, ""),
  };
}

/**
 * Only the fields that are written to storage.
 */
export function toStored(tokens: Tokens): StoredTokens {
  const { version, userPoolId, clientId, idToken, accessToken, refreshToken } = tokens;
  return { version, userPoolId, clientId, idToken, accessToken, refreshToken };
}

/**
 * How long before expiry the ID token is renewed: five minutes, or a quarter of its lifetime when
 * that is shorter (pools configured with very short ID tokens, as tests do).
 */
export function renewalMarginMs(tokens: Tokens): number {
  return Math.min(300_000, Math.max(0, tokens.expiresAt - tokens.issuedAt) / 4);
}
