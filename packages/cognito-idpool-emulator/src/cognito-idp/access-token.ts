import type { JWTPayload } from "jose";
import { own } from "../core/records.js";
import type { ServiceContext } from "../service.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { userKey } from "./lookup.js";
import type { PoolUser, UserPool } from "./state.js";
import { ADMIN_SCOPE, grantsScope, tokenRevoked, verifyAccessToken } from "./tokens.js";

/** A user signed in with an access token, as the operations a user makes for themselves see them. */
export interface Authenticated {
  pool: UserPool;
  key: string;
  user: PoolUser;
  claims: JWTPayload;
}

/**
 * Checks an access token as the user-pool API does: valid and unexpired, carrying the
 * `aws.cognito.signin.user.admin` scope (OAuth tokens may lack it), not revoked (RevokeToken,
 * GlobalSignOut, disabling), and its user still there.
 */
export async function authenticate(ctx: ServiceContext, token: string): Promise<Authenticated> {
  const { pool, claims } = await verifyAccessToken(ctx.state.cognitoIdp.pools, token, ctx.clock.date());
  if (!grantsScope(claims, ADMIN_SCOPE)) throw idpErrors.accessTokenScope();
  const key = userKey(pool, String(claims["username"] ?? ""));
  const user = own(pool.users, key);
  if (!user || user.sub !== claims.sub) throw idpErrors.userNotFound();
  if (tokenRevoked(pool, user, claims)) throw idpErrors.accessTokenRevoked();
  if (!user.enabled) throw idpErrors.userDisabled();
  return { pool, key, user, claims };
}

/** The AccessToken member, checked for shape with the request's other members. */
export function accessTokenOf(check: InputCheck, required = true): string | undefined {
  return check.string("AccessToken", { required, ...shapes.token });
}

/** The common case: a request of AccessToken plus `members`, checked together, then the token. */
export async function authenticated<T>(
  input: Record<string, unknown>,
  ctx: ServiceContext,
  members: (check: InputCheck) => T,
): Promise<Authenticated & { given: T }> {
  const check = new InputCheck(input);
  const token = accessTokenOf(check)!;
  const given = members(check);
  check.done();
  return { ...(await authenticate(ctx, token)), given };
}
