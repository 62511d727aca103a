import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import {
  calculateJwkThumbprint,
  decodeJwt,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from "jose";
import { idpErrors } from "./errors.js";
import type { PoolUser, SigningKey, TokenFamily, UserPool, UserPoolClient } from "./state.js";
import { own } from "../core/records.js";

/**
 * User-pool tokens: RS256 JWTs signed with jose under the issuer AWS uses, and opaque refresh tokens
 * of which only a hash is stored.
 */

export function issuerOf(poolId: string): string {
  return `https://cognito-idp.${poolId.slice(0, poolId.indexOf("_"))}.amazonaws.com/${poolId}`;
}

export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
  const privateJwk = (await exportJWK(privateKey)) as Record<string, unknown>;
  // AWS kids are base64 strings derived from the key; a thumbprint gives the same stability.
  const kid = Buffer.from(await calculateJwkThumbprint(privateJwk as JWK), "base64url").toString("base64");
  return { kid, privateJwk };
}

/** The public halves, as `/<poolId>/.well-known/jwks.json` serves them. */
export function publicJwks(pool: UserPool): { keys: Record<string, unknown>[] } {
  return {
    keys: [pool.keys.id, pool.keys.access].map(({ kid, privateJwk }) => ({
      alg: "RS256",
      e: privateJwk["e"],
      kid,
      kty: "RSA",
      n: privateJwk["n"],
      use: "sig",
    })),
  };
}

// Importing a JWK costs more than signing; keys never change for a kid, so imported ones are kept.
const imported = new Map<string, Promise<CryptoKey>>();
function signingKey(key: SigningKey): Promise<CryptoKey> {
  let found = imported.get(key.kid);
  if (!found) {
    found = importJWK(key.privateJwk as JWK, "RS256") as Promise<CryptoKey>;
    imported.set(key.kid, found);
  }
  return found;
}
function verificationKey(key: SigningKey): Promise<CryptoKey> {
  const cacheKey = `public:${key.kid}`;
  let found = imported.get(cacheKey);
  if (!found) {
    const { e, n } = key.privateJwk;
    found = importJWK({ kty: "RSA", e, n } as JWK, "RS256") as Promise<CryptoKey>;
    imported.set(cacheKey, found);
  }
  return found;
}

/** Claims an ID token carries for each attribute; the `*_verified` flags are booleans in tokens. */
function attributeClaims(user: PoolUser): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    if (name === "sub" || name.startsWith("dev:")) continue;
    // A federated user's `identities` attribute is a JSON string; tokens carry it as the array.
    if (name === "identities") {
      claims[name] = parseIdentities(value);
      continue;
    }
    claims[name] = name === "email_verified" || name === "phone_number_verified" ? value === "true" : value;
  }
  return claims;
}

function parseIdentities(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Group claims: names by precedence (lowest first), and the roles for identity-pool Token role mapping. */
export function groupClaims(pool: UserPool, user: PoolUser): { groups?: string[]; roles?: string[]; preferredRole?: string } {
  const groups = user.groups
    .map((name) => pool.groups[name])
    .filter((g) => g !== undefined)
    .sort((a, b) => (a.Precedence ?? Number.MAX_SAFE_INTEGER) - (b.Precedence ?? Number.MAX_SAFE_INTEGER));
  if (groups.length === 0) return {};
  const roles = [...new Set(groups.flatMap((g) => (g.RoleArn ? [g.RoleArn] : [])))];
  const preferred = groups.find((g) => g.RoleArn && g.Precedence !== undefined);
  return {
    groups: groups.map((g) => g.GroupName),
    ...(roles.length ? { roles } : {}),
    ...(preferred?.RoleArn ? { preferredRole: preferred.RoleArn } : {}),
  };
}

/** The scope of every access token the user-pool API minted; the operations a user makes with their access token require it. */
export const ADMIN_SCOPE = "aws.cognito.signin.user.admin";

/** Whether an access token's `scope` claim (space-separated) grants `scope`. */
export function grantsScope(claims: JWTPayload, scope: string): boolean {
  return typeof claims["scope"] === "string" && claims["scope"].split(" ").includes(scope);
}

export interface IssuedTokens {
  IdToken: string;
  AccessToken: string;
  ExpiresIn: number;
  TokenType: "Bearer";
}

/** What a PreTokenGeneration trigger (V1) changes: ID-token claims, and the group claims of both tokens. */
export interface ClaimsOverride {
  add: Record<string, string>;
  suppress: string[];
  groups?: { groups?: string[]; roles?: string[]; preferredRole?: string | null };
}

/**
 * Claims a PreTokenGeneration trigger may not add, change or suppress (Cognito's list); the group
 * claims change only through groupOverrideDetails. The emulator keeps them as minted.
 */
const PROTECTED_CLAIMS = new Set([
  "acr",
  "amr",
  "at_hash",
  "aud",
  "auth_time",
  "azp",
  "cognito:username",
  "exp",
  "iat",
  "identities",
  "iss",
  "jti",
  "nbf",
  "nonce",
  "origin_jti",
  "sub",
  "token_use",
  "event_id",
  "cognito:groups",
  "cognito:roles",
  "cognito:preferred_role",
]);

function overriddenGroups(pool: UserPool, user: PoolUser, override: ClaimsOverride | undefined): ReturnType<typeof groupClaims> {
  const minted = groupClaims(pool, user);
  const given = override?.groups;
  if (!given) return minted;
  const pick = (value: string[] | undefined, fallback: string[] | undefined) => (value === undefined ? fallback : value.length ? value : undefined);
  const groups = pick(given.groups, minted.groups);
  const roles = pick(given.roles, minted.roles);
  const preferredRole = given.preferredRole === undefined ? minted.preferredRole : (given.preferredRole ?? undefined);
  return { ...(groups ? { groups } : {}), ...(roles ? { roles } : {}), ...(preferredRole ? { preferredRole } : {}) };
}

/**
 * Signs a fresh ID and access token for a sign-in session (`originJti`), with a PreTokenGeneration
 * trigger's changes. A session made on a tracked device puts its key in the access token (`device_key`).
 */
export async function signTokens(
  pool: UserPool,
  client: UserPoolClient,
  user: PoolUser,
  family: { originJti: string; authTime: number; deviceKey?: string | undefined; scopes?: string[] | undefined; nonce?: string | undefined },
  nowSeconds: number,
  override?: ClaimsOverride,
): Promise<IssuedTokens> {
  const iss = issuerOf(pool.Id);
  const groups = overriddenGroups(pool, user, override);
  const eventId = randomUUID();
  const origin = client.enableTokenRevocation ? { origin_jti: family.originJti } : {};
  const id: JWTPayload = {
    sub: user.sub,
    ...(groups.groups ? { "cognito:groups": groups.groups } : {}),
    ...(groups.roles ? { "cognito:roles": groups.roles } : {}),
    ...(groups.preferredRole ? { "cognito:preferred_role": groups.preferredRole } : {}),
    ...attributeClaims(user),
    iss,
    "cognito:username": user.Username,
    ...origin,
    aud: client.ClientId,
    event_id: eventId,
    token_use: "id",
    ...(family.nonce !== undefined ? { nonce: family.nonce } : {}),
    auth_time: family.authTime,
    exp: nowSeconds + client.validity.id,
    iat: nowSeconds,
    jti: randomUUID(),
  };
  for (const [name, value] of Object.entries(override?.add ?? {})) if (!PROTECTED_CLAIMS.has(name)) id[name] = value;
  for (const name of override?.suppress ?? []) if (!PROTECTED_CLAIMS.has(name)) delete id[name];
  const access: JWTPayload = {
    sub: user.sub,
    ...(family.deviceKey !== undefined ? { device_key: family.deviceKey } : {}),
    ...(groups.groups ? { "cognito:groups": groups.groups } : {}),
    iss,
    client_id: client.ClientId,
    ...origin,
    event_id: eventId,
    token_use: "access",
    // A managed-login (OAuth) session carries the scopes the app was granted; the API's, its own.
    scope: family.scopes ? family.scopes.join(" ") : ADMIN_SCOPE,
    auth_time: family.authTime,
    exp: nowSeconds + client.validity.access,
    iat: nowSeconds,
    jti: randomUUID(),
    username: user.Username,
  };
  const AccessToken = await new SignJWT(access).setProtectedHeader({ kid: pool.keys.access.kid, alg: "RS256" }).sign(await signingKey(pool.keys.access));
  // OAuth ID tokens bind their access token (OpenID Connect's at_hash: left half of its SHA-256), as Cognito's do.
  if (family.scopes) id["at_hash"] = createHash("sha256").update(AccessToken).digest().subarray(0, 16).toString("base64url");
  const IdToken = await new SignJWT(id).setProtectedHeader({ kid: pool.keys.id.kid, alg: "RS256" }).sign(await signingKey(pool.keys.id));
  return { IdToken, AccessToken, ExpiresIn: client.validity.access, TokenType: "Bearer" };
}

/**
 * Verifies an access token as the user-pool API does (GetUser, GlobalSignOut, …): signature by the
 * pool's access key, issuer, `token_use`, expiry on the emulator clock. Revocation is the caller's.
 */
export async function verifyAccessToken(pools: Record<string, UserPool>, token: string, now: Date): Promise<{ pool: UserPool; claims: JWTPayload }> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw idpErrors.invalidAccessToken();
  }
  const iss = typeof unverified.iss === "string" ? unverified.iss : "";
  const pool = pools[iss.slice(iss.lastIndexOf("/") + 1)];
  if (!pool || issuerOf(pool.Id) !== iss) throw idpErrors.invalidAccessToken();
  try {
    const { payload } = await jwtVerify(token, await verificationKey(pool.keys.access), { issuer: iss, algorithms: ["RS256"], currentDate: now });
    if (payload["token_use"] !== "access") throw idpErrors.invalidAccessToken();
    return { pool, claims: payload };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw idpErrors.accessTokenExpired();
    throw idpErrors.invalidAccessToken();
  }
}

// ---- refresh tokens ----

// AWS's refresh tokens are JWEs; ours keep that five-part shape but are opaque random values.
const REFRESH_HEADER = Buffer.from(JSON.stringify({ cty: "JWT", enc: "A256GCM", alg: "RSA-OAEP" })).toString("base64url");

function hash(secret: Buffer): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A new refresh token naming its family; returns the token and the hash to store. */
export function newRefreshToken(originJti: string): { token: string; refreshHash: string } {
  const secret = randomBytes(32);
  const token = [
    REFRESH_HEADER,
    Buffer.from(originJti).toString("base64url"),
    randomBytes(12).toString("base64url"),
    secret.toString("base64url"),
    randomBytes(16).toString("base64url"),
  ].join(".");
  return { token, refreshHash: hash(secret) };
}

/** A refresh token we issued, and where it stands in its session. */
export interface FoundRefreshToken {
  originJti: string;
  family: TokenFamily;
  /** When this token was rotated out (epoch ms); undefined for the session's newest token. */
  rotatedAt?: number;
}

/** Rotated-out refresh tokens a session remembers, to answer their reuse as reuse rather than as unknown. */
const ROTATED_REMEMBERED = 100;

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session a refresh token belongs to, or undefined when it is not one we issued. */
export function findRefreshFamily(pool: UserPool, token: string): FoundRefreshToken | undefined {
  const parts = token.split(".");
  if (parts.length !== 5 || parts[0] !== REFRESH_HEADER) return undefined;
  const originJti = Buffer.from(parts[1]!, "base64url").toString("utf8");
  const family = own(pool.families, originJti);
  if (!family) return undefined;
  const given = hash(Buffer.from(parts[3]!, "base64url"));
  if (sameHash(given, family.refreshHash)) return { originJti, family };
  const old = family.rotated?.find((entry) => sameHash(given, entry.hash));
  return old ? { originJti, family, rotatedAt: old.at } : undefined;
}

/**
 * Refresh-token rotation: the session gets a new newest refresh token, and the one it replaces is
 * rotated out now (a retry with an older token within the grace period rotates the newest out too,
 * so a session always has exactly one newest token). Returns the new token.
 */
export function rotateRefreshToken(found: FoundRefreshToken, now: number): string {
  const { family, originJti } = found;
  const { token, refreshHash } = newRefreshToken(originJti);
  family.rotated = [...(family.rotated ?? []), { hash: family.refreshHash, at: now }].slice(-ROTATED_REMEMBERED);
  family.refreshHash = refreshHash;
  return token;
}

/** Whether a string has the refresh token's shape (RevokeToken tells those from JWTs). */
export function looksLikeRefreshToken(token: string): boolean {
  const parts = token.split(".");
  return parts.length === 5 && parts[0] === REFRESH_HEADER;
}

/** A token is revoked when its sign-in session was, or (without origin_jti) it predates a global sign-out. */
export function tokenRevoked(pool: UserPool, user: PoolUser, claims: JWTPayload): boolean {
  const origin = typeof claims["origin_jti"] === "string" ? claims["origin_jti"] : undefined;
  if (origin !== undefined) return Object.hasOwn(pool.families, origin) && pool.families[origin]!.revoked;
  return typeof claims.iat === "number" && claims.iat < user.tokensValidAfter;
}
