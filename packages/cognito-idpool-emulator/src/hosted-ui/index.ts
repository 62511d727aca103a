import type { AwsError } from "../core/errors.js";
import type { EmulatorRequest, EmulatorResponse } from "../core/types.js";
import { poolByDomain } from "../cognito-idp/domains.js";
import type { ServiceContext } from "../service.js";
import { authorizeEndpoint, errorPage, loginEndpoint, logoutEndpoint } from "./authorize.js";
import { idpResponse, samlIdpResponse, standInProvider } from "./federation.js";
import { escape, page } from "./http.js";
import { OAUTH_CORS, revokeEndpoint, tokenEndpoint, userInfoEndpoint } from "./token.js";
import { domainRequest, standInPath } from "./urls.js";

/**
 * Managed login and the OAuth 2.0 / OpenID Connect endpoints of user-pool domains (the "Hosted
 * UI"), served at `/_domain/<domain>/…` or under the domain's AWS host name (urls.ts), with the
 * stand-in social providers' pages beside them at `<domain>/_idp/<Provider>/authorize` (federation.ts).
 */

export interface HostedUiRoute {
  /** The request log's operation name. */
  operation: string;
  run(ctx: ServiceContext): Promise<EmulatorResponse>;
}

const ENDPOINTS: Record<string, string> = {
  "/oauth2/authorize": "OAuth2Authorize",
  "/login": "Login",
  "/oauth2/token": "OAuth2Token",
  "/oauth2/userInfo": "OAuth2UserInfo",
  "/oauth2/revoke": "OAuth2Revoke",
  "/oauth2/idpresponse": "OAuth2IdpResponse",
  "/saml2/idpresponse": "Saml2IdpResponse",
  "/logout": "Logout",
  "/error": "Error",
};

/** The endpoints a browser app calls with fetch: they answer CORS preflights. */
const FETCHED = new Set(["/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke"]);

export function hostedUiRoute(request: EmulatorRequest): HostedUiRoute | undefined {
  const found = domainRequest(request);
  if (!found) return undefined;
  // The stand-in plays the provider, not the pool: it answers whether or not the domain exists.
  const standIn = standInPath(found.path);
  if (standIn) return { operation: `StandIn${standIn.provider}`, run: async (ctx) => standInProvider(ctx, standIn.provider) };
  const operation = ENDPOINTS[found.path] ?? "HostedUiNotFound";
  return {
    operation: request.method === "OPTIONS" ? "OPTIONS" : operation,
    run: async (ctx) => {
      if (ctx.request.method === "OPTIONS") {
        return FETCHED.has(found.path) ? { status: 204, headers: { ...OAUTH_CORS } } : { status: 405, headers: {} };
      }
      const pool = poolByDomain(ctx.state, found.domain);
      if (!pool) return page("Not found", `<p class="error">No user pool has the domain ${found.domain.replace(/[^a-z0-9.-]/g, "")}.</p>`, 404);
      switch (found.path) {
        case "/oauth2/authorize":
          return authorizeEndpoint(ctx, found.domain, pool);
        case "/login":
          return loginEndpoint(ctx, found.domain, pool);
        case "/oauth2/token":
          return tokenEndpoint(ctx, pool);
        case "/oauth2/userInfo":
          return userInfoEndpoint(ctx, pool);
        case "/oauth2/revoke":
          return revokeEndpoint(ctx, pool);
        case "/oauth2/idpresponse":
          return idpResponse(ctx, found.domain, pool);
        case "/saml2/idpresponse":
          return samlIdpResponse(ctx, found.domain, pool);
        case "/logout":
          return logoutEndpoint(ctx, found.domain, pool);
        case "/error":
          return errorPage(ctx);
        default:
          return page("Not found", `<p class="error">Managed login has no page here.</p>`, 404);
      }
    },
  };
}

/** An unexpected failure (or an injected fault) in the endpoint's own kind of answer: these endpoints never speak awsJson. */
export function hostedUiFailure(error: AwsError, request: EmulatorRequest): EmulatorResponse {
  const path = domainRequest(request)?.path ?? "";
  if (FETCHED.has(path)) {
    return {
      status: error.status,
      headers: { "content-type": "application/json;charset=UTF-8", ...OAUTH_CORS },
      body: JSON.stringify({ error: "server_error", error_description: `${error.type}: ${error.message}` }),
    };
  }
  return page("Error", `<p class="error">${escape(`${error.type}: ${error.message}`)}</p>`, error.status);
}
