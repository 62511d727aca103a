import { randomBytes, randomUUID } from "node:crypto";
import type { ServiceContext } from "../service.js";
import { deliveryTo } from "./attributes.js";
import { deviceChallenge, deviceReplacesMfa, tokenDevice } from "./devices.js";
import { idpErrors } from "./errors.js";
import { newCode } from "./ids.js";
import { openSession } from "./sessions.js";
import { createVerifier, serverEphemeral, srpPoolName } from "./srp.js";
import type { CustomAuthState, MfaMethod, PoolUser, UserPool, UserPoolClient } from "./state.js";
import type { SignIn } from "./sign-in.js";
import { preTokenGeneration } from "./pre-token.js";
import { newRefreshToken, signTokens } from "./tokens.js";
import { eventAttributes, invokeTrigger } from "./triggers.js";

/** Consecutive wrong passwords before the user is locked out, as Cognito documents. */
const PASSWORD_ATTEMPTS = 5;
/** The lockout starts at one second and doubles with each further failure, up to about 15 minutes. */
const MAX_LOCKOUT_SECONDS = 900;

export type { SignIn } from "./sign-in.js";

/**
 * The PreAuthentication trigger, run once the user is known and before the password is checked; a
 * trigger that throws refuses the sign-in. InitiateAuth's ClientMetadata reaches it as
 * `validationData`, as AWS documents (and not the later triggers of the sign-in).
 */
export async function preAuthentication(signIn: SignIn, validationData: Record<string, string> | undefined): Promise<void> {
  const { ctx, pool, client, user } = signIn;
  await invokeTrigger(ctx, pool, "PreAuthentication", {
    triggerSource: "PreAuthentication_Authentication",
    userName: user.Username,
    clientId: client.ClientId,
    request: { userAttributes: eventAttributes(user), userNotFound: false, validationData: validationData ?? null },
  });
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
  // A remembered device stands in for MFA where the pool allows it; issueTokens then asks it to prove itself.
  if (methods.length === 0 || deviceReplacesMfa(signIn)) return issueTokens(signIn);
  const chosen = user.mfa.preferred && methods.includes(user.mfa.preferred) ? user.mfa.preferred : methods.length === 1 ? methods[0]! : undefined;
  if (!chosen) return challenge(signIn, "SELECT_MFA_TYPE", { MFAS_CAN_CHOOSE: JSON.stringify(methods) });
  return mfaChallenge(signIn, chosen);
}

/** Opens the challenge for one MFA method, sending the code for SMS and email. */
export function mfaChallenge(signIn: SignIn, method: MfaMethod, enrolEmail = false): Record<string, unknown> {
  if (method === "SOFTWARE_TOKEN_MFA") return challenge(signIn, method, {});
  const attribute = method === "SMS_MFA" ? "phone_number" : "email";
  const code = newCode();
  signIn.user.lastCode = { code, kind: "mfa", sentAt: signIn.ctx.clock.now() };
  const delivery = deliveryTo(attribute, signIn.user.attributes[attribute]!);
  return challenge(
    signIn,
    method,
    { CODE_DELIVERY_DELIVERY_MEDIUM: delivery.DeliveryMedium, CODE_DELIVERY_DESTINATION: delivery.Destination },
    code,
    enrolEmail,
  );
}

function challenge(
  signIn: SignIn,
  name: "NEW_PASSWORD_REQUIRED" | "MFA_SETUP" | "SELECT_MFA_TYPE" | MfaMethod,
  parameters: Record<string, string>,
  code?: string,
  enrolEmail = false,
): Record<string, unknown> {
  const { ctx, pool, client, key, user } = signIn;
  const session = openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    userKey: key,
    challenge: name,
    ...(code ? { code } : {}),
    ...(enrolEmail ? { enrolEmail } : {}),
    ...(signIn.deviceKey !== undefined ? { deviceKey: signIn.deviceKey } : {}),
    ...(signIn.oauth ? { oauth: signIn.oauth } : {}),
  });
  return { ChallengeName: name, Session: session, ChallengeParameters: { ...parameters, USER_ID_FOR_SRP: user.Username } };
}

/**
 * Starts a sign-in session (a token family) and returns its tokens with a new refresh token, after
 * the PostAuthentication trigger and with the PreTokenGeneration trigger's claims. On a pool that
 * tracks devices the session belongs to a device: the one named (once it has proven itself), or a
 * new one handed out as NewDeviceMetadata.
 */
export async function issueTokens(signIn: SignIn): Promise<Record<string, unknown>> {
  const { ctx, pool, client, key, user, clientMetadata } = signIn;
  // A sign-in naming a confirmed device gets its tokens only once the device has proven itself.
  const deviceProof = deviceChallenge(signIn);
  if (deviceProof) return deviceProof;
  const { deviceKey, newDevice } = tokenDevice(signIn);
  await invokeTrigger(ctx, pool, "PostAuthentication", {
    triggerSource: "PostAuthentication_Authentication",
    userName: user.Username,
    clientId: client.ClientId,
    request: { userAttributes: eventAttributes(user), newDeviceUsed: newDevice !== undefined, clientMetadata: clientMetadata ?? {} },
  });
  const source = signIn.tokenSource ?? (signIn.oauth ? "TokenGeneration_HostedAuth" : "TokenGeneration_Authentication");
  const override = await preTokenGeneration(ctx, pool, client.ClientId, user, source, clientMetadata);
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
    ...(deviceKey !== undefined ? { deviceKey } : {}),
    ...(signIn.oauth ? { scopes: signIn.oauth.scopes } : {}),
  };
  const oauth = signIn.oauth ? { scopes: signIn.oauth.scopes, nonce: signIn.oauth.nonce } : {};
  const tokens = await signTokens(pool, client, user, { originJti, authTime, deviceKey, ...oauth }, authTime, override);
  return {
    ChallengeParameters: {},
    AuthenticationResult: { ...tokens, RefreshToken: token, ...(newDevice ? { NewDeviceMetadata: newDevice } : {}) },
  };
}

/**
 * The PASSWORD_VERIFIER challenge answering an SRP_A: the user's salt, the server's B and a
 * SECRET_BLOCK (which names the session here). `custom` carries a CUSTOM_WITH_SRP sign-in through it.
 */
export function passwordVerifierChallenge(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  found: { key: string; user: PoolUser } | undefined,
  username: string,
  srpA: string,
  custom?: CustomAuthState,
): Record<string, unknown> {
  // For an unknown user (existence errors prevented) Cognito still plays the SRP exchange and only
  // refuses the answer, so the response does not reveal whether the user exists.
  const verifier = found?.user.password ?? createVerifier(srpPoolName(pool.Id), username, randomBytes(16).toString("hex"));
  const { b, B } = serverEphemeral(verifier.verifier);
  const userId = found?.user.Username ?? username;
  const secretBlock = openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    ...(found ? { userKey: found.key } : {}),
    challenge: "PASSWORD_VERIFIER",
    srp: { A: srpA, b, B, salt: verifier.salt, verifier: verifier.verifier },
    ...(custom ? { custom } : {}),
  });
  return {
    ChallengeName: "PASSWORD_VERIFIER",
    // A custom sign-in goes on after the password with a Session, so it gets one here too.
    ...(custom ? { Session: secretBlock } : {}),
    ChallengeParameters: { SALT: verifier.salt, SECRET_BLOCK: secretBlock, SRP_B: B, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}
