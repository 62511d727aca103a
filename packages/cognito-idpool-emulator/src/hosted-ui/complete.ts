import type { EmulatorResponse } from "../core/types.js";
import { issueTokens, type SignIn } from "../cognito-idp/flow.js";
import type { PoolUser, UserPool, UserPoolClient } from "../cognito-idp/state.js";
import type { ServiceContext } from "../service.js";
import type { AuthorizeRequest } from "./authorize-request.js";
import { redirect, setCookie, withParams } from "./http.js";
import { CODE_LIFETIME_MS, LOGIN_SESSION_MS, memoryOf, randomId, sweep } from "./memory.js";
import { cookiePath } from "./urls.js";

/** Managed login's own session cookie (signed in to the domain, not to any app). */
export const SESSION_COOKIE = "cognito";

/** A SignIn for managed login: its tokens carry the granted scopes and the app's nonce. */
export function oauthSignIn(ctx: ServiceContext, pool: UserPool, client: UserPoolClient, key: string, user: PoolUser, request: AuthorizeRequest): SignIn {
  return { ctx, pool, client, key, user, oauth: { scopes: request.scopes, ...(request.nonce !== undefined ? { nonce: request.nonce } : {}) } };
}

/** Issues tokens for a user already signed in (federation, or managed login's session cookie), then completes. */
export async function signInAndComplete(ctx: ServiceContext, domain: string, signIn: SignIn, request: AuthorizeRequest): Promise<EmulatorResponse> {
  return complete(ctx, domain, signIn.pool, signIn.key, signIn.user, request, await issueTokens(signIn));
}

/**
 * The end of a sign-in: `result` is what the user-pool flow answered (issueTokens'
 * AuthenticationResult). Opens managed login's session and sends the browser back to the app with
 * a one-time code (or, for the implicit grant, the tokens in the fragment).
 */
export function complete(
  ctx: ServiceContext,
  domain: string,
  pool: UserPool,
  userKey: string,
  user: PoolUser,
  request: AuthorizeRequest,
  result: Record<string, unknown>,
): EmulatorResponse {
  const tokens = result["AuthenticationResult"] as { IdToken: string; AccessToken: string; RefreshToken: string; ExpiresIn: number } | undefined;
  if (!tokens) throw new Error("the sign-in did not end in tokens");
  const memory = memoryOf(ctx.state);
  const now = ctx.clock.now();
  sweep(memory, now);
  const sessionId = randomId();
  memory.sessions.set(sessionId, { poolId: pool.Id, userKey, sub: user.sub, expiresAt: now + LOGIN_SESSION_MS });
  const cookie = { "set-cookie": setCookie(SESSION_COOKIE, sessionId, cookiePath(ctx, domain), LOGIN_SESSION_MS / 1000) };
  const openid = request.scopes.includes("openid");
  if (request.responseType === "token") {
    // The implicit grant never hands out a refresh token.
    return redirect(
      withParams(
        request.redirectUri,
        {
          ...(openid ? { id_token: tokens.IdToken } : {}),
          access_token: tokens.AccessToken,
          token_type: "Bearer",
          expires_in: String(tokens.ExpiresIn),
          state: request.state,
        },
        true,
      ),
      cookie,
    );
  }
  const code = randomId(24);
  memory.codes.set(code, {
    poolId: pool.Id,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    ...(request.codeChallenge !== undefined ? { codeChallenge: request.codeChallenge } : {}),
    scopes: request.scopes,
    idToken: tokens.IdToken,
    accessToken: tokens.AccessToken,
    refreshToken: tokens.RefreshToken,
    expiresIn: tokens.ExpiresIn,
    expiresAt: now + CODE_LIFETIME_MS,
    used: false,
  });
  return redirect(withParams(request.redirectUri, { code, state: request.state }), cookie);
}

/** An error sent back to the app (after its client and redirect URI were found good). */
export function redirectError(
  redirectUri: string,
  error: string,
  description: string | undefined,
  state: string | undefined,
  fragment = false,
): EmulatorResponse {
  return redirect(withParams(redirectUri, { error, ...(description ? { error_description: description } : {}), state }, fragment));
}
