import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { AwsError } from "../core/errors.js";

/**
 * Verification keys of registered OpenID Connect issuers: `<issuer>/.well-known/openid-configuration`
 * names the `jwks_uri`, which jose fetches and caches (refetching when it meets an unknown `kid`).
 * Cached per issuer for the life of the process: a cache, not state, so it is not persisted.
 */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;
const FETCH_TIMEOUT_MS = 5000;

const cache = new Map<string, { keys: JWTVerifyGetKey; expires: number }>();

export async function issuerKeys(issuerUrl: string): Promise<JWTVerifyGetKey> {
  const cached = cache.get(issuerUrl);
  if (cached && cached.expires > Date.now()) return cached.keys;
  const jwksUri = await discoverJwksUri(issuerUrl);
  const keys = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: FETCH_TIMEOUT_MS });
  cache.set(issuerUrl, { keys, expires: Date.now() + DISCOVERY_TTL_MS });
  return keys;
}

async function discoverJwksUri(issuerUrl: string): Promise<string> {
  const url = `${issuerUrl.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  let document: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    document = await response.json();
  } catch (error) {
    throw unreachable(issuerUrl, `${url}: ${(error as Error).message}`);
  }
  const jwksUri = (document as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof jwksUri !== "string" || !URL.canParse(jwksUri)) throw unreachable(issuerUrl, `${url} has no valid jwks_uri`);
  return jwksUri;
}

/**
 * The provider could not be asked. AWS words the STS counterpart "Couldn't retrieve verification
 * key from your identity provider"; for Cognito the wording is ours (the model's
 * ExternalServiceException is the error for an IdP that did not answer).
 */
export function unreachable(issuerUrl: string, detail: string): AwsError {
  return new AwsError("ExternalServiceException", `Couldn't retrieve verification keys from the identity provider ${issuerUrl} (${detail}).`);
}
