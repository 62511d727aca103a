import { createHash, timingSafeEqual } from "node:crypto";
import { AwsError } from "../core/errors.js";
import type { EmulatorResponse } from "../core/types.js";
import { own } from "../core/records.js";
import { revokeToken } from "../cognito-idp/account.js";
import { getTokensFromRefreshToken } from "../cognito-idp/refresh.js";
import type { UserPool, UserPoolClient } from "../cognito-idp/state.js";
import { findRefreshFamily, grantsScope, tokenRevoked, verifyAccessToken } from "../cognito-idp/tokens.js";
import type { ServiceContext } from "../service.js";
import { oauthSettings } from "./authorize-request.js";
import { formOf, json, oauthError } from "./http.js";
import { memoryOf } from "./memory.js";

/**
 * The OAuth 2.0 endpoints an app calls directly: `/oauth2/token` (authorization_code,
 * refresh_token), `/oauth2/userInfo` and `/oauth2/revoke`. Errors are OAuth JSON with Cognito's
 * codes. Refresh and revocation go through the user-pool API's own machinery (refresh.ts,
 * account.ts), so rotation and revocation behave the same whichever way the app uses.
 */

/** CORS as a browser app's fetch needs it on these endpoints. */
export const OAUTH_CORS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type, x-amz-user-agent, x-amz-content-sha256",
  "access-control-max-age": "86400",
};

function isForm(ctx: ServiceContext): boolean {
  return (ctx.request.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
}

/** Client authentication: HTTP Basic, or client_id (and client_secret) in the body. */
function authenticateClient(ctx: ServiceContext, pool: UserPool, form: Record<string, string>): { client: UserPoolClient; secret?: string } | EmulatorResponse {
  let clientId = form["client_id"];
  let secret = form["client_secret"];
  const authorization = ctx.request.headers["authorization"];
  if (authorization?.startsWith("Basic ")) {
    const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return oauthError("invalid_client");
    const basicId = decodeURIComponent(decoded.slice(0, colon));
    if (clientId !== undefined && clientId !== basicId) return oauthError("invalid_client");
    if (secret !== undefined) return oauthError("invalid_request", "Multiple client authentication methods.");
    clientId = basicId;
    secret = decodeURIComponent(decoded.slice(colon + 1));
  }
  if (!clientId) return oauthError("invalid_request", "client_id is required");
  const client = own(pool.clients, clientId);
  if (!client) return oauthError("invalid_client");
  if (client.ClientSecret) {
    const expected = Buffer.from(client.ClientSecret);
    const given = Buffer.from(secret ?? "");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return oauthError("invalid_client");
  } else if (secret !== undefined && secret !== "") {
    return oauthError("invalid_client");
  }
  return { client, ...(secret !== undefined ? { secret } : {}) };
}

export async function tokenEndpoint(ctx: ServiceContext, pool: UserPool): Promise<EmulatorResponse> {
  if (ctx.request.method !== "POST") return oauthError("invalid_request", "The token endpoint takes POST only.", 405);
  if (!isForm(ctx)) return oauthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
  const form = formOf(ctx.request.body);
  const grant = form["grant_type"];
  if (!grant) return oauthError("invalid_request", "grant_type is required");
  const authenticated = authenticateClient(ctx, pool, form);
  if ("status" in authenticated) return authenticated;
  const { client, secret } = authenticated;
  ctx.log.clientId = client.ClientId;
  const settings = oauthSettings(client);
  switch (grant) {
    case "authorization_code":
      if (!settings.enabled || !settings.flows.includes("code")) return oauthError("unauthorized_client");
      return authorizationCode(ctx, pool, client, form);
    case "refresh_token":
      return refreshToken(ctx, pool, client, form, secret);
    case "client_credentials":
      // Machine-to-machine tokens need resource-server scopes, which the emulator does not model.
      if (!settings.flows.includes("client_credentials")) return oauthError("unauthorized_client");
      return oauthError("invalid_scope", "The emulator has no resource servers, so it grants no client_credentials scopes.");
    default:
      return oauthError("unsupported_grant_type");
  }
}

function authorizationCode(ctx: ServiceContext, pool: UserPool, client: UserPoolClient, form: Record<string, string>): EmulatorResponse {
  const code = form["code"];
  const redirectUri = form["redirect_uri"];
  if (!code || !redirectUri) return oauthError("invalid_request", `${code ? "redirect_uri" : "code"} is required`);
  const memory = memoryOf(ctx.state);
  const issued = memory.codes.get(code);
  if (!issued || issued.poolId !== pool.Id || issued.clientId !== client.ClientId) return oauthError("invalid_grant");
  // One attempt per code, right or wrong, as Cognito: a retry with the same code is invalid_grant.
  if (issued.used) return oauthError("invalid_grant");
  issued.used = true;
  if (ctx.clock.now() > issued.expiresAt) return oauthError("invalid_grant");
  if (issued.redirectUri !== redirectUri) return oauthError("invalid_grant");
  if (issued.codeChallenge !== undefined) {
    const verifier = form["code_verifier"];
    if (!verifier) return oauthError("invalid_request", "code_verifier is required");
    const computed = createHash("sha256").update(verifier).digest("base64url");
    if (computed !== issued.codeChallenge) return oauthError("invalid_grant");
  }
  // The sign-in session may have been revoked (RevokeToken, a deleted user) since the code was issued.
  const family = findRefreshFamily(pool, issued.refreshToken);
  if (!family || family.family.revoked) return oauthError("invalid_grant");
  return json(
    200,
    {
      ...(issued.scopes.includes("openid") ? { id_token: issued.idToken } : {}),
      access_token: issued.accessToken,
      refresh_token: issued.refreshToken,
      expires_in: issued.expiresIn,
      token_type: "Bearer",
    },
    OAUTH_CORS,
  );
}

async function refreshToken(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  form: Record<string, string>,
  secret: string | undefined,
): Promise<EmulatorResponse> {
  const token = form["refresh_token"];
  if (!token) return oauthError("invalid_request", "refresh_token is required");
  const scopes = findRefreshFamily(pool, token)?.family.scopes;
  let answer: { AuthenticationResult: { IdToken: string; AccessToken: string; ExpiresIn: number; RefreshToken?: string } };
  try {
    answer = (await getTokensFromRefreshToken(
      { RefreshToken: token, ClientId: client.ClientId, ...(secret ? { ClientSecret: secret } : {}) },
      ctx,
    )) as typeof answer;
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    if (error.type === "InvalidParameterException")
      return oauthError(/flow not enabled/.test(error.message) ? "unauthorized_client" : "invalid_request", error.message);
    return oauthError("invalid_grant", error.message);
  }
  const result = answer.AuthenticationResult;
  return json(
    200,
    {
      ...(scopes === undefined || scopes.includes("openid") ? { id_token: result.IdToken } : {}),
      access_token: result.AccessToken,
      ...(result.RefreshToken ? { refresh_token: result.RefreshToken } : {}),
      expires_in: result.ExpiresIn,
      token_type: "Bearer",
    },
    OAUTH_CORS,
  );
}

/** RFC 6750 errors: 401 with a WWW-Authenticate challenge naming the problem. */
function bearerError(description: string): EmulatorResponse {
  return json(
    401,
    { error: "invalid_token", error_description: description },
    {
      ...OAUTH_CORS,
      "www-authenticate": `Bearer error="invalid_token", error_description="${description}"`,
    },
  );
}

/** Attributes each OIDC scope releases; `openid` alone releases every attribute. */
const SCOPE_ATTRIBUTES: Record<string, string[]> = {
  email: ["email", "email_verified"],
  phone: ["phone_number", "phone_number_verified"],
  profile: [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
    "address",
    "identities",
  ],
};

export async function userInfoEndpoint(ctx: ServiceContext, pool: UserPool): Promise<EmulatorResponse> {
  if (ctx.request.method !== "GET" && ctx.request.method !== "POST") return oauthError("invalid_request", "userInfo takes GET or POST.", 405);
  const authorization = ctx.request.headers["authorization"] ?? "";
  if (!/^Bearer\s+\S+$/i.test(authorization)) {
    return json(
      401,
      { error: "invalid_request", error_description: "Access token is missing" },
      { ...OAUTH_CORS, "www-authenticate": 'Bearer realm="userInfo"' },
    );
  }
  const token = authorization.replace(/^Bearer\s+/i, "");
  let claims;
  try {
    const verified = await verifyAccessToken(ctx.state.cognitoIdp.pools, token, ctx.clock.date());
    if (verified.pool.Id !== pool.Id) return bearerError("Invalid access token");
    claims = verified.claims;
  } catch (error) {
    if (error instanceof AwsError) return bearerError(/expired/i.test(error.message) ? "Access token is expired" : "Invalid access token");
    throw error;
  }
  const user = Object.values(pool.users).find((u) => u.sub === claims.sub);
  if (!user || !user.enabled) return bearerError("Invalid access token");
  if (tokenRevoked(pool, user, claims)) return bearerError("Access token has been revoked");
  if (!grantsScope(claims, "openid")) return bearerError("Access token does not contain openid scope");
  const scopes = String(claims["scope"]).split(" ");
  const released = scopes.filter((s) => SCOPE_ATTRIBUTES[s]);
  const attributes = Object.entries(user.attributes).filter(([name]) => {
    if (name === "sub" || name.startsWith("dev:")) return false;
    if (released.length === 0) return true;
    if (name.startsWith("custom:")) return released.includes("profile");
    return released.some((s) => SCOPE_ATTRIBUTES[s]!.includes(name));
  });
  return json(200, { sub: user.sub, ...Object.fromEntries(attributes), username: user.Username }, OAUTH_CORS);
}

export async function revokeEndpoint(ctx: ServiceContext, pool: UserPool): Promise<EmulatorResponse> {
  if (ctx.request.method !== "POST") return oauthError("invalid_request", "The revocation endpoint takes POST only.", 405);
  if (!isForm(ctx)) return oauthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
  const form = formOf(ctx.request.body);
  const token = form["token"];
  if (!token) return oauthError("invalid_request", "token is required");
  const authenticated = authenticateClient(ctx, pool, form);
  if ("status" in authenticated) return authenticated;
  const { client, secret } = authenticated;
  try {
    revokeToken({ Token: token, ClientId: client.ClientId, ...(secret ? { ClientSecret: secret } : {}) }, ctx);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    switch (error.type) {
      case "UnsupportedTokenTypeException":
        return oauthError("unsupported_token_type");
      case "UnsupportedOperationException":
        return oauthError("invalid_request", error.message);
      case "UnauthorizedException":
        return oauthError("invalid_client", error.message);
      default:
        return oauthError("invalid_request", error.message);
    }
  }
  return { status: 200, headers: { ...OAUTH_CORS, "cache-control": "no-store" }, body: "" };
}
