import { own } from "../core/records.js";
import { identityProviders } from "../cognito-idp/identity-providers.js";
import type { PoolIdentityProvider, UserPool, UserPoolClient } from "../cognito-idp/state.js";

/**
 * An authorize request (`/oauth2/authorize`, and `/login` which carries the same parameters),
 * checked against the app client's OAuth settings as Cognito checks it.
 */

/** An app client's OAuth settings: stored as given by CreateUserPoolClient / UpdateUserPoolClient. */
export interface OAuthSettings {
  enabled: boolean;
  flows: string[];
  scopes: string[];
  callbackUrls: string[];
  logoutUrls: string[];
  providers: string[];
}

export function oauthSettings(client: UserPoolClient): OAuthSettings {
  const list = (name: string): string[] => {
    const value = client.extra[name];
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  };
  return {
    enabled: client.extra["AllowedOAuthFlowsUserPoolClient"] === true,
    flows: list("AllowedOAuthFlows"),
    scopes: list("AllowedOAuthScopes"),
    callbackUrls: list("CallbackURLs"),
    logoutUrls: list("LogoutURLs"),
    providers: list("SupportedIdentityProviders"),
  };
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  responseType: "code" | "token";
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  /** COGNITO, a social provider's name, or an OIDC/SAML provider's ProviderName; undefined: the login page chooses. */
  identityProvider?: string;
  loginHint?: string;
  lang?: string;
  prompt?: string;
}

/** What went wrong: before the client and redirect URI are known good, only an error page is safe. */
export type AuthorizeProblem =
  | { page: { error: string; description: string } }
  | { redirect: { error: string; description?: string; redirectUri: string; state?: string | undefined; fragment: boolean } };

export type Checked = { ok: AuthorizeRequest; pool: UserPool; client: UserPoolClient; settings: OAuthSettings } | { problem: AuthorizeProblem };

/** The OIDC scopes that only make sense with `openid`. */
const NEEDS_OPENID = ["email", "phone", "profile"];

export function checkAuthorize(pool: UserPool, params: URLSearchParams): Checked {
  const get = (name: string): string | undefined => params.get(name) ?? undefined;
  const clientId = get("client_id");
  const client = clientId !== undefined ? own(pool.clients, clientId) : undefined;
  if (!clientId || !client) return { problem: { page: { error: "invalid_request", description: "Invalid client id" } } };
  const settings = oauthSettings(client);
  const redirectUri = get("redirect_uri");
  // Never send anyone to an address the app did not register: an error page instead.
  if (!redirectUri || !settings.callbackUrls.includes(redirectUri)) {
    return { problem: { page: { error: "redirect_mismatch", description: "redirect_mismatch" } } };
  }
  const responseType = get("response_type");
  const state = get("state");
  const fail = (error: string, description?: string): Checked => ({
    problem: { redirect: { error, ...(description ? { description } : {}), redirectUri, state, fragment: responseType === "token" } },
  });
  if (!settings.enabled) return fail("unauthorized_client", "Client is not enabled for OAuth2.0 flows.");
  if (responseType !== "code" && responseType !== "token") return fail(responseType ? "unsupported_response_type" : "invalid_request");
  if (!settings.flows.includes(responseType === "code" ? "code" : "implicit")) return fail("unauthorized_client");

  const method = get("code_challenge_method");
  const challenge = get("code_challenge");
  if (method !== undefined || challenge !== undefined) {
    // Cognito supports S256 only, and wants the method and the challenge together.
    if (method !== "S256" || !challenge)
      return fail("invalid_request", method !== undefined && method !== "S256" ? "Unsupported code_challenge_method" : undefined);
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail("invalid_request", "Invalid code_challenge");
  }

  const asked = get("scope")?.split(" ").filter(Boolean);
  const scopes = asked && asked.length ? [...new Set(asked)] : settings.scopes;
  if (scopes.some((s) => !settings.scopes.includes(s))) return fail("invalid_scope");
  if (!scopes.includes("openid") && scopes.some((s) => NEEDS_OPENID.includes(s))) return fail("invalid_scope");

  let identityProvider = get("identity_provider");
  const identifier = get("idp_identifier");
  if (identityProvider === undefined && identifier !== undefined) {
    const found = Object.values(identityProviders(pool)).find((p) => p.IdpIdentifiers.includes(identifier));
    if (!found) return fail("invalid_request", "The idp_identifier does not belong to any identity provider of the user pool.");
    identityProvider = found.ProviderName;
  }
  if (identityProvider !== undefined) {
    const known = identityProvider === "COGNITO" || providerOf(pool, identityProvider) !== undefined;
    if (!known || !settings.providers.includes(identityProvider))
      return fail("invalid_request", `${identityProvider} is not a supported identity provider of the client.`);
  }
  const optional = (name: string, key: keyof AuthorizeRequest) => {
    const value = get(name);
    return value !== undefined && value !== "" ? { [key]: value } : {};
  };
  return {
    ok: {
      clientId,
      redirectUri,
      responseType,
      scopes,
      ...(state !== undefined ? { state } : {}),
      ...optional("nonce", "nonce"),
      ...(challenge ? { codeChallenge: challenge } : {}),
      ...(identityProvider !== undefined ? { identityProvider } : {}),
      ...optional("login_hint", "loginHint"),
      ...optional("lang", "lang"),
      ...optional("prompt", "prompt"),
    },
    pool,
    client,
    settings,
  };
}

export function providerOf(pool: UserPool, name: string): PoolIdentityProvider | undefined {
  return own(identityProviders(pool), name);
}

/** The authorize parameters again, for the login page's links and form action. */
export function authorizeParams(request: AuthorizeRequest): URLSearchParams {
  const params = new URLSearchParams({ client_id: request.clientId, response_type: request.responseType, redirect_uri: request.redirectUri });
  params.set("scope", request.scopes.join(" "));
  if (request.state !== undefined) params.set("state", request.state);
  if (request.nonce !== undefined) params.set("nonce", request.nonce);
  if (request.codeChallenge !== undefined) {
    params.set("code_challenge", request.codeChallenge);
    params.set("code_challenge_method", "S256");
  }
  if (request.loginHint !== undefined) params.set("login_hint", request.loginHint);
  if (request.lang !== undefined) params.set("lang", request.lang);
  return params;
}
