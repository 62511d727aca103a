import type { EmulatorResponse } from "../core/types.js";
import { own } from "../core/records.js";
import type { UserPool } from "../cognito-idp/state.js";
import type { ServiceContext } from "../service.js";
import { authorizeParams, checkAuthorize, oauthSettings, type AuthorizeProblem, type AuthorizeRequest } from "./authorize-request.js";
import { oauthSignIn, redirectError, SESSION_COOKIE, signInAndComplete } from "./complete.js";
import { startFederation } from "./federation.js";
import { cookies, escape, page, redirect, setCookie, withParams } from "./http.js";
import { loginPage, submitLogin } from "./login-page.js";
import { memoryOf } from "./memory.js";
import { cookiePath, domainBaseUrl } from "./urls.js";

/**
 * `/oauth2/authorize`, `/login`, `/logout` and `/error`. Authorize checks the request, then goes
 * to a third-party provider (identity_provider), answers at once from managed login's session
 * cookie, or sends the browser to the login page with the same parameters, as Cognito does.
 */

/** A problem with the request: an error page before the app's redirect URI is trusted, else back to the app. */
function problemResponse(ctx: ServiceContext, domain: string, problem: AuthorizeProblem, clientId: string | null): EmulatorResponse {
  if ("page" in problem) {
    return redirect(
      withParams(`${domainBaseUrl(ctx, domain)}/error`, {
        error: problem.page.error,
        error_description: problem.page.description,
        client_id: clientId ?? undefined,
      }),
    );
  }
  const { redirectUri, error, description, state, fragment } = problem.redirect;
  return redirectError(redirectUri, error, description, state, fragment);
}

export async function authorizeEndpoint(ctx: ServiceContext, domain: string, pool: UserPool): Promise<EmulatorResponse> {
  if (ctx.request.method !== "GET") return page("Error", `<p class="error">The authorize endpoint takes GET only.</p>`, 405);
  const params = ctx.request.url.searchParams;
  const checked = checkAuthorize(pool, params);
  if ("problem" in checked) return problemResponse(ctx, domain, checked.problem, params.get("client_id"));
  const { ok: request, client } = checked;
  if (request.identityProvider !== undefined && request.identityProvider !== "COGNITO") return startFederation(ctx, domain, pool, request);

  // Someone already signed in to managed login gets their code without the page (unless the app asks for the page).
  const session = currentSession(ctx, pool);
  if (session && request.prompt !== "login") return signInAndComplete(ctx, domain, oauthSignIn(ctx, pool, client, session.key, session.user, request), request);
  if (request.prompt === "none") return redirectError(request.redirectUri, "login_required", undefined, request.state, request.responseType === "token");
  return redirect(`${domainBaseUrl(ctx, domain)}/login?${loginQuery(request)}`);
}

function loginQuery(request: AuthorizeRequest): string {
  const params = authorizeParams(request);
  if (request.identityProvider !== undefined) params.set("identity_provider", request.identityProvider);
  return params.toString();
}

/** The user behind managed login's session cookie, if it is still good for this pool. */
function currentSession(ctx: ServiceContext, pool: UserPool) {
  const id = cookies(ctx.request.headers["cookie"])[SESSION_COOKIE];
  if (!id) return undefined;
  const session = memoryOf(ctx.state).sessions.get(id);
  if (!session || session.poolId !== pool.Id || session.expiresAt < ctx.clock.now()) return undefined;
  const user = own(pool.users, session.userKey);
  if (!user || user.sub !== session.sub || !user.enabled) return undefined;
  return { key: session.userKey, user };
}

export async function loginEndpoint(ctx: ServiceContext, domain: string, pool: UserPool): Promise<EmulatorResponse> {
  if (ctx.request.method !== "GET" && ctx.request.method !== "POST") return page("Error", `<p class="error">Method not allowed.</p>`, 405);
  const params = ctx.request.url.searchParams;
  const checked = checkAuthorize(pool, params);
  if ("problem" in checked) return problemResponse(ctx, domain, checked.problem, params.get("client_id"));
  const { ok: request, client, settings } = checked;
  const login = { ctx, domain, pool, client, settings, request };
  return ctx.request.method === "POST" ? submitLogin(login) : loginPage(login);
}

/**
 * `/logout`: ends managed login's session (its cookie), then either goes to `logout_uri` (one of
 * the client's LogoutURLs) or, given `redirect_uri` and `response_type`, back to the login page.
 */
export function logoutEndpoint(ctx: ServiceContext, domain: string, pool: UserPool): EmulatorResponse {
  const params = ctx.request.url.searchParams;
  const base = domainBaseUrl(ctx, domain);
  const clientId = params.get("client_id");
  const client = clientId ? own(pool.clients, clientId) : undefined;
  if (!client)
    return redirect(withParams(`${base}/error`, { error: "invalid_request", error_description: "Invalid client id", client_id: clientId ?? undefined }));
  const id = cookies(ctx.request.headers["cookie"])[SESSION_COOKIE];
  if (id) memoryOf(ctx.state).sessions.delete(id);
  const clear = { "set-cookie": setCookie(SESSION_COOKIE, "", cookiePath(ctx, domain), 0) };
  const logoutUri = params.get("logout_uri");
  if (logoutUri !== null) {
    if (!oauthSettings(client).logoutUrls.includes(logoutUri)) {
      return redirect(withParams(`${base}/error`, { error: "redirect_mismatch", error_description: "redirect_mismatch", client_id: client.ClientId }), clear);
    }
    return redirect(logoutUri, clear);
  }
  if (params.get("redirect_uri") !== null && params.get("response_type") !== null) {
    const checked = checkAuthorize(pool, params);
    if ("problem" in checked)
      return {
        ...problemResponse(ctx, domain, checked.problem, clientId),
        headers: { ...problemResponse(ctx, domain, checked.problem, clientId).headers, ...clear },
      };
    return redirect(`${base}/login?${loginQuery(checked.ok)}`, clear);
  }
  return redirect(
    withParams(`${base}/error`, { error: "invalid_request", error_description: "logout_uri or redirect_uri is required", client_id: client.ClientId }),
    clear,
  );
}

/** `/error`: what the browser sees when the app cannot be trusted with the error. */
export function errorPage(ctx: ServiceContext): EmulatorResponse {
  const params = ctx.request.url.searchParams;
  const error = params.get("error") ?? "invalid_request";
  const description = params.get("error_description");
  const body = `<p class="error">An error was encountered with the requested page.</p>
<p><code id="errorCode">${escape(error)}</code>${description && description !== error ? ` ${escape(description)}` : ""}</p>`;
  return page("Error", body, 400);
}
