import type { ServiceContext } from "../service.js";
import { own } from "../core/records.js";
import { flowEnabled, rotatesRefreshTokens } from "./clients.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { requireClient } from "./lookup.js";
import { checkRefreshDevice } from "./devices.js";
import { checkClientSecret, checkSecretHash } from "./secret-hash.js";
import type { PoolUser, UserPool, UserPoolClient } from "./state.js";
import { preTokenGeneration } from "./pre-token.js";
import { findRefreshFamily, rotateRefreshToken, signTokens, type FoundRefreshToken, type IssuedTokens } from "./tokens.js";

/**
 * Renewing a sign-in session with its refresh token: REFRESH_TOKEN_AUTH (InitiateAuth,
 * AdminInitiateAuth) and GetTokensFromRefreshToken, the only way on clients that rotate refresh tokens.
 */

/** REFRESH_TOKEN_AUTH: new ID and access tokens from the same sign-in session; never a new refresh token. */
export async function refreshAuth(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  parameters: Record<string, string>,
  clientMetadata?: Record<string, string>,
): Promise<unknown> {
  if (!flowEnabled(client, "REFRESH_TOKEN_AUTH")) throw idpErrors.invalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client");
  // AWS: rotation "must be completed with GetTokensFromRefreshToken".
  if (rotatesRefreshTokens(client)) throw idpErrors.refreshTokenAuthWithRotation();
  const token = parameters["REFRESH_TOKEN"];
  if (token === undefined || token === "") throw idpErrors.missingParameter("REFRESH_TOKEN");
  const { tokens } = await renew(
    ctx,
    pool,
    client,
    token,
    (user, found) => checkSecretHash(client, parameters["SECRET_HASH"], [user?.Username, found.family.sub, parameters["USERNAME"]]),
    clientMetadata,
    parameters["DEVICE_KEY"],
  );
  return { ChallengeParameters: {}, AuthenticationResult: tokens };
}

/**
 * GetTokensFromRefreshToken (unsigned): new ID and access tokens, and on a rotating client a new
 * refresh token that replaces the one given.
 */
export async function getTokensFromRefreshToken(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const token = check.string("RefreshToken", { required: true, ...shapes.token })!;
  const clientId = check.string("ClientId", { required: true, ...shapes.clientId })!;
  const secret = check.string("ClientSecret", { min: 1, max: 64, pattern: "[\\w+]+" });
  const deviceKey = check.string("DeviceKey", { min: 1, max: 55, pattern: "[\\w-]+_[0-9a-f-]+" });
  const clientMetadata = check.stringMap("ClientMetadata");
  check.done();
  ctx.log.clientId = clientId;
  const { pool, client } = requireClient(ctx.state, clientId);
  if (!flowEnabled(client, "REFRESH_TOKEN_AUTH")) throw idpErrors.invalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client");
  checkClientSecret(client, secret);
  const { tokens, found } = await renew(ctx, pool, client, token, () => {}, clientMetadata, deviceKey);
  if (!rotatesRefreshTokens(client)) return { AuthenticationResult: tokens };
  return { AuthenticationResult: { ...tokens, RefreshToken: rotateRefreshToken(found, ctx.clock.now()) } };
}

/**
 * Checks a refresh token as Cognito does (ours, this client's, session not revoked, user still
 * there, not expired, not reused after rotation, user enabled, given with the key of the device it
 * was issued on) and signs new ID and access tokens.
 */
async function renew(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  token: string,
  checkSecret: (user: PoolUser | undefined, found: FoundRefreshToken) => void,
  clientMetadata: Record<string, string> | undefined,
  deviceKey: string | undefined,
): Promise<{ tokens: IssuedTokens; found: FoundRefreshToken }> {
  const found = findRefreshFamily(pool, token);
  if (!found || found.family.clientId !== client.ClientId) throw idpErrors.invalidRefreshToken();
  const { family, originJti } = found;
  const user = own(pool.users, family.userKey);
  checkSecret(user, found);
  if (family.revoked || !user || user.sub !== family.sub) throw idpErrors.refreshTokenRevoked();
  const now = ctx.clock.now();
  if (now > family.refreshExpiresAt) throw idpErrors.refreshTokenExpired();
  if (found.rotatedAt !== undefined && !withinGrace(client, found.rotatedAt, now)) throw idpErrors.refreshTokenReused();
  if (!user.enabled) throw idpErrors.userDisabled();
  checkRefreshDevice(user, family, deviceKey);
  const override = await preTokenGeneration(ctx, pool, client.ClientId, user, "TokenGeneration_RefreshTokens", clientMetadata);
  const tokens = await signTokens(
    pool,
    client,
    user,
    { originJti, authTime: family.authTime, deviceKey: family.deviceKey, scopes: family.scopes },
    ctx.clock.nowSeconds(),
    override,
  );
  return { tokens, found };
}

/**
 * A rotated-out token still works for RetryGracePeriodSeconds after it was first rotated out, so a
 * client whose answer was lost can retry; with 0 it stops at once. Reuse after that is refused but
 * leaves the session alone: whoever holds its newest token keeps it.
 */
function withinGrace(client: UserPoolClient, rotatedAt: number, now: number): boolean {
  return now - rotatedAt < (client.rotation?.retryGracePeriodSeconds ?? 0) * 1000;
}
