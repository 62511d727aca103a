import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { signOutEverywhere } from "./admin.js";
import { attributeList } from "./attributes.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { checkPassword } from "./flow.js";
import { accessTokenOf, authenticate } from "./access-token.js";
import { requireClient } from "./lookup.js";
import { enforcePasswordPolicy } from "./password-policy.js";
import { openSession, takeSession } from "./sessions.js";
import { passwordMatches, srpPoolName } from "./srp.js";
import { checkClientSecret } from "./secret-hash.js";
import type { MfaMethod } from "./state.js";
import { findRefreshFamily, looksLikeRefreshToken } from "./tokens.js";
import { matchTotp, newTotpSecret } from "./totp.js";
import { mfaSettings, setPassword } from "./users.js";

/** Operations a signed-in user makes with their access token (unsigned, as on AWS). */

export async function getUser(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const token = accessTokenOf(check)!;
  check.done();
  const { user } = await authenticate(ctx, token);
  return { Username: user.Username, UserAttributes: attributeList(user), ...mfaSettings(user) };
}

export async function globalSignOut(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const token = accessTokenOf(check)!;
  check.done();
  const { pool, key, user } = await authenticate(ctx, token);
  signOutEverywhere(pool, key, user, ctx.clock.nowSeconds());
  return {};
}

/** Revokes one refresh token and every ID and access token minted from it. */
export function revokeToken(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const token = check.string("Token", { required: true, ...shapes.token })!;
  const clientId = check.string("ClientId", { required: true, ...shapes.clientId })!;
  const secret = check.string("ClientSecret", { min: 1, max: 64, pattern: "[\\w+]+" });
  check.done();
  const { pool, client } = requireClient(ctx.state, clientId);
  checkClientSecret(client, secret);
  if (!client.enableTokenRevocation) throw new AwsError("UnsupportedOperationException", "Token revocation is not enabled for this app client.");
  if (!looksLikeRefreshToken(token)) throw new AwsError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.");
  const found = findRefreshFamily(pool, token);
  // RFC 7009: a token the server does not know is not an error; there is nothing left to revoke.
  if (!found) return {};
  if (found.family.clientId !== clientId) throw new AwsError("UnauthorizedException", "The refresh token was not issued to this client.");
  found.family.revoked = true;
  return {};
}

export async function changePassword(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const token = accessTokenOf(check)!;
  const previous = check.string("PreviousPassword", shapes.password);
  const proposed = check.string("ProposedPassword", { required: true, ...shapes.password })!;
  check.done();
  const { pool, user } = await authenticate(ctx, token);
  checkPassword(
    user,
    ctx.clock.now(),
    () => previous !== undefined && user.password !== undefined && passwordMatches(srpPoolName(pool.Id), user.Username, previous, user.password),
  );
  enforcePasswordPolicy(pool.passwordPolicy, proposed);
  setPassword(pool, user, proposed, false, ctx.clock.now());
  return {};
}

/**
 * The user is either signed in (AccessToken) or in the MFA_SETUP challenge of a sign-in (Session);
 * exactly one must be given.
 */
async function tokenOrSession(input: Record<string, unknown>, ctx: ServiceContext, extra: (check: InputCheck) => void) {
  const check = new InputCheck(input);
  const token = accessTokenOf(check, false);
  const sessionId = check.string("Session", shapes.session);
  extra(check);
  check.done();
  if ((token === undefined) === (sessionId === undefined)) throw idpErrors.invalidParameter("Exactly one of AccessToken or Session must be given.");
  if (token !== undefined) return { ...(await authenticate(ctx, token)), session: undefined };
  const session = takeSession(ctx.state, sessionId, ctx.clock.now(), { challenge: "MFA_SETUP" });
  const pool = ctx.state.cognitoIdp.pools[session.poolId];
  const user = pool && session.userKey !== undefined ? pool.users[session.userKey] : undefined;
  if (!pool || !user || session.userKey === undefined) throw idpErrors.invalidSession();
  return { pool, key: session.userKey, user, session };
}

export async function associateSoftwareToken(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, user, session } = await tokenOrSession(input, ctx, () => {});
  const secret = newTotpSecret();
  user.mfa.pendingTotpSecret = secret;
  if (!session) return { SecretCode: secret };
  session.used = true;
  const next = openSession(ctx.state, ctx.clock.now(), pool.clients[session.clientId]?.authSessionValidity ?? 3, { ...session, setup: "associated" });
  return { SecretCode: secret, Session: next };
}

export async function verifySoftwareToken(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  let code = "";
  const { pool, user, session } = await tokenOrSession(input, ctx, (check) => {
    code = check.string("UserCode", { required: true, min: 6, max: 6, pattern: "[0-9]+" }) ?? "";
    check.string("FriendlyDeviceName");
  });
  const pending = user.mfa.pendingTotpSecret;
  if (!pending) throw idpErrors.invalidParameter("There is no software token to verify: call AssociateSoftwareToken first.");
  const step = matchTotp(pending, code, ctx.clock.now());
  if (step === undefined) throw new AwsError("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA");
  user.mfa.totp = { secret: pending, verified: true, lastUsedStep: step };
  delete user.mfa.pendingTotpSecret;
  if (!session) return { Status: "SUCCESS" };
  // Set up during sign-in, the new factor is the user's MFA from now on.
  if (!user.mfa.enabled.includes("SOFTWARE_TOKEN_MFA")) user.mfa.enabled.push("SOFTWARE_TOKEN_MFA");
  user.mfa.preferred = "SOFTWARE_TOKEN_MFA";
  session.used = true;
  const next = openSession(ctx.state, ctx.clock.now(), pool.clients[session.clientId]?.authSessionValidity ?? 3, { ...session, setup: "verified" });
  return { Status: "SUCCESS", Session: next };
}

const MFA_SETTINGS: [string, MfaMethod][] = [
  ["SoftwareTokenMfaSettings", "SOFTWARE_TOKEN_MFA"],
  ["SMSMfaSettings", "SMS_MFA"],
  ["EmailMfaSettings", "EMAIL_OTP"],
];

export async function setUserMfaPreference(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const token = accessTokenOf(check)!;
  const settings = MFA_SETTINGS.map(([member, method]) => [check.object(member), method] as const);
  check.done();
  const { user } = await authenticate(ctx, token);
  const enabled = new Set(user.mfa.enabled);
  let preferred = user.mfa.preferred;
  for (const [setting, method] of settings) {
    if (!setting) continue;
    const on = setting["Enabled"] === true;
    const prefer = setting["PreferredMfa"] === true;
    if (on) {
      if (method === "SOFTWARE_TOKEN_MFA" && !user.mfa.totp?.verified) throw idpErrors.invalidParameter("User has not verified software token mfa");
      if (method === "SMS_MFA" && !user.attributes["phone_number"])
        throw idpErrors.invalidParameter("User does not have delivery config set to turn on SMS_MFA");
      if (method === "EMAIL_OTP" && !user.attributes["email"]) throw idpErrors.invalidParameter("User does not have delivery config set to turn on EMAIL_OTP");
      enabled.add(method);
    } else {
      enabled.delete(method);
    }
    if (prefer && !on) throw idpErrors.invalidParameter(`${method} must be enabled to be the preferred MFA.`);
    if (prefer) preferred = method;
    else if (preferred === method && (setting["PreferredMfa"] === false || !on)) preferred = undefined;
  }
  user.mfa.enabled = [...enabled];
  if (preferred) user.mfa.preferred = preferred;
  else delete user.mfa.preferred;
  return {};
}
