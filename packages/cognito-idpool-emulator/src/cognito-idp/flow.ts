import { randomUUID } from "node:crypto";
import type { ServiceContext } from "../service.js";
import { deliveryTo } from "./attributes.js";
import { idpErrors } from "./errors.js";
import { newCode } from "./ids.js";
import { openSession } from "./sessions.js";
import type { MfaMethod, PoolUser, UserPool, UserPoolClient } from "./state.js";
import { newRefreshToken, signTokens } from "./tokens.js";

/** Consecutive wrong passwords before the user is locked out, as Cognito documents. */
const PASSWORD_ATTEMPTS = 5;
/** The lockout starts at one second and doubles with each further failure, up to about 15 minutes. */
const MAX_LOCKOUT_SECONDS = 900;

/** A sign-in whose password is known to be right (or is being checked) for one user of one client. */
export interface SignIn {
  ctx: ServiceContext;
  pool: UserPool;
  client: UserPoolClient;
  key: string;
  user: PoolUser;
}

/**
 * Runs a password check with Cognito's lockout: while locked out every attempt is refused; the
 * fifth failure in a row and every one after locks for 2^(n-5) seconds.
 */
export function checkPassword(user: PoolUser, now: number, correct: () => boolean): void {
  if (!user.enabled) throw idpErrors.userDisabled();
  if (user.lockedUntil > now) throw idpErrors.passwordAttemptsExceeded();
  if (!correct()) {
    user.failedSignIns += 1;
    if (user.failedSignIns >= PASSWORD_ATTEMPTS) {
      user.lockedUntil = now + Math.min(MAX_LOCKOUT_SECONDS, 2 ** (user.failedSignIns - PASSWORD_ATTEMPTS)) * 1000;
      throw idpErrors.passwordAttemptsExceeded();
    }
    throw idpErrors.incorrectPassword();
  }
  user.failedSignIns = 0;
  user.lockedUntil = 0;
}

/** After the password: account state, then a forced password change, then MFA, then tokens. */
export async function afterPassword(signIn: SignIn): Promise<Record<string, unknown>> {
  const { ctx, pool, user } = signIn;
  if (user.status === "UNCONFIRMED") throw idpErrors.userNotConfirmed();
  if (user.status === "RESET_REQUIRED") throw idpErrors.passwordResetRequired();
  if (user.status === "FORCE_CHANGE_PASSWORD") {
    const validMs = pool.passwordPolicy.TemporaryPasswordValidityDays * 86400 * 1000;
    if (user.password && user.password.setAt + validMs < ctx.clock.now()) {
      throw idpErrors.notAuthorized("Temporary password has expired and must be reset by an administrator.");
    }
    return challenge(signIn, "NEW_PASSWORD_REQUIRED", {
      requiredAttributes: JSON.stringify(missingRequiredAttributes(pool, user).map((n) => `userAttributes.${n}`)),
      userAttributes: JSON.stringify(Object.fromEntries(Object.entries(user.attributes).filter(([n]) => n !== "sub"))),
    });
  }
  return mfaStep(signIn);
}

export function missingRequiredAttributes(pool: UserPool, user: PoolUser): string[] {
  return pool.schema.filter((s) => s.Required && s.Name !== "sub" && !user.attributes[s.Name]).map((s) => s.Name);
}

/** The MFA methods this user can be challenged with right now. */
export function mfaMethods(pool: UserPool, user: PoolUser): { methods: MfaMethod[]; setup: boolean } {
  if (pool.mfa.configuration === "OFF") return { methods: [], setup: false };
  const available: MfaMethod[] = [];
  if (pool.mfa.softwareToken && user.mfa.totp?.verified) available.push("SOFTWARE_TOKEN_MFA");
  if (pool.mfa.sms && user.attributes["phone_number"]) available.push("SMS_MFA");
  if (pool.mfa.email && user.attributes["email"]) available.push("EMAIL_OTP");
  const enabled = available.filter((m) => user.mfa.enabled.includes(m));
  if (pool.mfa.configuration === "OPTIONAL") return { methods: enabled, setup: false };
  const methods = enabled.length ? enabled : available;
  return { methods, setup: methods.length === 0 };
}

/** Challenges for MFA when the pool and user call for it; otherwise signs the user in. */
export async function mfaStep(signIn: SignIn): Promise<Record<string, unknown>> {
  const { pool, user } = signIn;
  const { methods, setup } = mfaMethods(pool, user);
  if (setup) {
    const canSetUp = [
      ...(pool.mfa.softwareToken ? ["SOFTWARE_TOKEN_MFA"] : []),
      ...(pool.mfa.sms ? ["SMS_MFA"] : []),
      ...(pool.mfa.email ? ["EMAIL_OTP"] : []),
    ];
    return challenge(signIn, "MFA_SETUP", { MFAS_CAN_SETUP: JSON.stringify(canSetUp) });
  }
  if (methods.length === 0) return issueTokens(signIn);
  const chosen = user.mfa.preferred && methods.includes(user.mfa.preferred) ? user.mfa.preferred : methods.length === 1 ? methods[0]! : undefined;
  if (!chosen) return challenge(signIn, "SELECT_MFA_TYPE", { MFAS_CAN_CHOOSE: JSON.stringify(methods) });
  return mfaChallenge(signIn, chosen);
}

/** Opens the challenge for one MFA method, sending the code for SMS and email. */
export function mfaChallenge(signIn: SignIn, method: MfaMethod): Record<string, unknown> {
  if (method === "SOFTWARE_TOKEN_MFA") return challenge(signIn, method, {});
  const attribute = method === "SMS_MFA" ? "phone_number" : "email";
  const code = newCode();
  signIn.user.lastCode = { code, kind: "mfa", sentAt: signIn.ctx.clock.now() };
  const delivery = deliveryTo(attribute, signIn.user.attributes[attribute]!);
  return challenge(signIn, method, { CODE_DELIVERY_DELIVERY_MEDIUM: delivery.DeliveryMedium, CODE_DELIVERY_DESTINATION: delivery.Destination }, code);
}

function challenge(
  signIn: SignIn,
  name: "NEW_PASSWORD_REQUIRED" | "MFA_SETUP" | "SELECT_MFA_TYPE" | MfaMethod,
  parameters: Record<string, string>,
  code?: string,
): Record<string, unknown> {
  const { ctx, pool, client, key, user } = signIn;
  const session = openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    userKey: key,
    challenge: name,
    ...(code ? { code } : {}),
  });
  return { ChallengeName: name, Session: session, ChallengeParameters: { ...parameters, USER_ID_FOR_SRP: user.Username } };
}

/** Starts a sign-in session (a token family) and returns its tokens with a new refresh token. */
export async function issueTokens(signIn: SignIn): Promise<Record<string, unknown>> {
  const { ctx, pool, client, key, user } = signIn;
  const now = ctx.clock.now();
  // A family is kept a day past its refresh token, the longest an access token can outlive it.
  for (const [jti, family] of Object.entries(pool.families)) if (family.refreshExpiresAt + 86_400_000 < now) delete pool.families[jti];
  const originJti = randomUUID();
  const authTime = ctx.clock.nowSeconds();
  const { token, refreshHash } = newRefreshToken(originJti);
  pool.families[originJti] = {
    clientId: client.ClientId,
    userKey: key,
    sub: user.sub,
    refreshHash,
    refreshExpiresAt: now + client.validity.refresh * 1000,
    authTime,
    revoked: false,
  };
  const tokens = await signTokens(pool, client, user, { originJti, authTime }, authTime);
  return { ChallengeParameters: {}, AuthenticationResult: { ...tokens, RefreshToken: token } };
}
