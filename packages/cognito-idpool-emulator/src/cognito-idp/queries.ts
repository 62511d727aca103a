import type { EmulatorState } from "../state.js";
import { findUser } from "./lookup.js";
import type { CodeKind } from "./state.js";
import { publicJwks, tokenRevoked } from "./tokens.js";
import { own } from "../core/records.js";

// What other parts of the emulator (the identity-pool side, the control API) ask of user pools.
// Kept apart from the service table in index.ts so asking does not pull in every operation.

/** A user pool by id; undefined when it does not exist. */
export function poolOf(state: EmulatorState, poolId: string) {
  return own(state.cognitoIdp.pools, poolId);
}

/** The last code the emulator "sent" to a user (sign-up confirmation, password reset, SMS or email MFA, attribute verification). */
export function lastCodeSent(state: EmulatorState, poolId: string, username: string): { code: string; kind: CodeKind } | undefined {
  const pool = poolOf(state, poolId);
  const last = pool ? findUser(pool, username)?.user.lastCode : undefined;
  return last ? { code: last.code, kind: last.kind } : undefined;
}

/**
 * The public keys (JWKS) a user pool signs its tokens with, for the identity-pool side to verify
 * user-pool ID tokens in process (their issuer is https://cognito-idp.<region>.amazonaws.com/…,
 * which the emulator cannot fetch). undefined when the pool does not exist.
 */
export function userPoolJwks(state: EmulatorState, userPoolId: string): { keys: Record<string, unknown>[] } | undefined {
  const pool = poolOf(state, userPoolId);
  return pool ? publicJwks(pool) : undefined;
}

/** The app client ids of a user pool (an identity pool's CognitoIdentityProviders name them). */
export function userPoolClientIds(state: EmulatorState, userPoolId: string): string[] {
  const pool = poolOf(state, userPoolId);
  return pool ? Object.keys(pool.clients) : [];
}

/**
 * ServerSideTokenCheck: is a verified ID token still good at the user pool? `signed-out` when its
 * sign-in session was revoked (RevokeToken, GlobalSignOut, AdminUserGlobalSignOut) or it predates a
 * global sign-out, `user-deleted` when the user is gone, `disabled` when the user is disabled.
 */
export function userPoolTokenStatus(
  state: EmulatorState,
  userPoolId: string,
  claims: Record<string, unknown>,
): "valid" | "signed-out" | "user-deleted" | "disabled" {
  const pool = poolOf(state, userPoolId);
  const username = claims["cognito:username"] ?? claims["username"];
  const user = pool && typeof username === "string" ? findUser(pool, username)?.user : undefined;
  if (!pool || !user || user.sub !== claims["sub"]) return "user-deleted";
  if (!user.enabled) return "disabled";
  return tokenRevoked(pool, user, claims) ? "signed-out" : "valid";
}
