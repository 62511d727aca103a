import { randomInt } from "node:crypto";
import { own } from "../core/records.js";
import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { deliveryTo } from "./attributes.js";
import { flowEnabled } from "./clients.js";
import { idpErrors } from "./errors.js";
import { afterPassword, checkPassword, issueTokens, mfaMethods, passwordVerifierChallenge, preAuthentication, type SignIn } from "./flow.js";
import { findUser } from "./lookup.js";
import { migrateUser } from "./migration.js";
import { checkSecretHash } from "./secret-hash.js";
import { openSession, takeSession } from "./sessions.js";
import { parseClientPublic, passwordMatches, srpPoolName } from "./srp.js";
import type { ChallengeSession, PoolUser, UserPool, UserPoolClient } from "./state.js";
import { credentialsOf, requestOptions, verifyAssertion } from "./webauthn.js";

/**
 * Choice-based sign-in (AuthFlow USER_AUTH): the user starts with one of the first factors the pool
 * allows (Policies.SignInPolicy.AllowedFirstAuthFactors) and they can use — a password (plain or
 * SRP), a one-time password by email or SMS, or a passkey — named in PREFERRED_CHALLENGE or picked
 * from SELECT_CHALLENGE's AvailableChallenges.
 */

export const USER_AUTH_CHALLENGES = ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"] as const;
export type UserAuthChallenge = (typeof USER_AUTH_CHALLENGES)[number];
/** Wrong one-time passwords (or refused passkey assertions) one session takes before it is spent, as for MFA codes. */
const ATTEMPTS = 5;

function required(parameters: Record<string, string>, name: string): string {
  const value = parameters[name];
  if (value === undefined || value === "") throw idpErrors.missingParameter(name);
  return value;
}

/**
 * AWS offers passwordless first factors only to users who will not be asked for MFA: a pool that
 * requires MFA, or a user with MFA set up in a pool where it is optional, signs in with a password.
 * (Passkeys that count as MFA, FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION, are not
 * emulated.) Passwordless sign-in is also only for confirmed users.
 */
function passwordlessAllowed(pool: UserPool, user: PoolUser): boolean {
  if (user.status !== "CONFIRMED") return false;
  return pool.mfa.configuration !== "ON" && mfaMethods(pool, user).methods.length === 0;
}

/** The challenges this user can start USER_AUTH with, in the order AvailableChallenges lists them. */
export function availableChallenges(pool: UserPool, user: PoolUser | undefined): UserAuthChallenge[] {
  // An unknown user (existence errors prevented) is offered what any user with a password is.
  if (!user) return ["PASSWORD", "PASSWORD_SRP"];
  const factors = pool.firstAuthFactors ?? ["PASSWORD"];
  const available: UserAuthChallenge[] = [];
  if (user.password) available.push("PASSWORD", "PASSWORD_SRP");
  if (passwordlessAllowed(pool, user)) {
    if (factors.includes("EMAIL_OTP") && user.attributes["email"]) available.push("EMAIL_OTP");
    if (factors.includes("SMS_OTP") && user.attributes["phone_number"]) available.push("SMS_OTP");
    if (factors.includes("WEB_AUTHN") && credentialsOf(user).length > 0) available.push("WEB_AUTHN");
  }
  return available;
}

/**
 * InitiateAuth / AdminInitiateAuth with USER_AUTH. `sessionId` is InitiateAuth's Session: the one
 * ConfirmSignUp returned signs the user in at once. `validationData` is the call's ClientMetadata.
 */
export async function startUserAuth(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  parameters: Record<string, string>,
  validationData: Record<string, string> | undefined,
  sessionId: string | undefined,
): Promise<Record<string, unknown>> {
  if (!flowEnabled(client, "USER_AUTH")) throw idpErrors.userAuthNotEnabled();
  const username = required(parameters, "USERNAME");
  const preferred = parameters["PREFERRED_CHALLENGE"];
  if (preferred !== undefined && !USER_AUTH_CHALLENGES.includes(preferred as UserAuthChallenge)) {
    throw idpErrors.invalidParameter(`PREFERRED_CHALLENGE must be one of ${USER_AUTH_CHALLENGES.join(", ")}.`);
  }
  let found = findUser(pool, username);
  checkSecretHash(client, parameters["SECRET_HASH"], [username, found?.user.Username]);
  if (sessionId !== undefined) return signUpSessionSignIn(ctx, pool, client, found, sessionId);
  if (!found && preferred === "PASSWORD" && parameters["PASSWORD"]) {
    found = await migrateUser(ctx, pool, client, username, validationData, parameters["PASSWORD"]);
  }
  if (!found) {
    if (!client.preventUserExistenceErrors) throw idpErrors.userNotFound();
    return startUnknown(ctx, pool, client, username, preferred as UserAuthChallenge | undefined, parameters);
  }
  const signIn: SignIn = { ctx, pool, client, ...found };
  if (!found.user.enabled) throw idpErrors.userDisabled();
  await preAuthentication(signIn, validationData);
  const available = availableChallenges(pool, found.user);
  if (preferred !== undefined && available.includes(preferred as UserAuthChallenge)) {
    return startFactor(signIn, preferred as UserAuthChallenge, parameters);
  }
  // No preference, or one this user cannot use: Cognito lets them choose.
  return selectChallenge(signIn, found.key, available);
}

/** The ConfirmSignUp Session: good once, for the user it was issued to, within the client's session lifetime. */
async function signUpSessionSignIn(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  found: { key: string; user: PoolUser } | undefined,
  sessionId: string,
): Promise<Record<string, unknown>> {
  const session = takeSession(ctx.state, sessionId, ctx.clock.now(), { clientId: client.ClientId, challenge: "SIGN_UP" });
  if (!found || found.key !== session.userKey) throw idpErrors.invalidSession();
  session.used = true;
  if (!found.user.enabled) throw idpErrors.userDisabled();
  // Confirming the sign-up was the factor: no further challenge, as on AWS.
  return issueTokens({ ctx, pool, client, ...found });
}

/** USER_AUTH for a user who does not exist, with existence errors prevented: it plays on like a password user's. */
function startUnknown(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  username: string,
  preferred: UserAuthChallenge | undefined,
  parameters: Record<string, string>,
): Record<string, unknown> {
  if (preferred === "PASSWORD") {
    required(parameters, "PASSWORD");
    throw idpErrors.incorrectPassword();
  }
  if (preferred === "PASSWORD_SRP") return srpChallenge(ctx, pool, client, undefined, username, parameters);
  const session = openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    challenge: "SELECT_CHALLENGE",
  });
  return { ChallengeName: "SELECT_CHALLENGE", Session: session, AvailableChallenges: availableChallenges(pool, undefined), ChallengeParameters: {} };
}

function selectChallenge(signIn: SignIn, key: string, available: UserAuthChallenge[]): Record<string, unknown> {
  const { ctx, pool, client } = signIn;
  const session = openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    userKey: key,
    challenge: "SELECT_CHALLENGE",
  });
  return { ChallengeName: "SELECT_CHALLENGE", Session: session, AvailableChallenges: available, ChallengeParameters: {} };
}

/** PASSWORD_SRP: the PASSWORD_VERIFIER challenge of USER_SRP_AUTH, with a Session as USER_AUTH answers carry. */
function srpChallenge(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  found: { key: string; user: PoolUser } | undefined,
  username: string,
  parameters: Record<string, string>,
): Record<string, unknown> {
  const srpA = required(parameters, "SRP_A");
  if (parseClientPublic(srpA) === undefined) throw idpErrors.invalidParameter("SRP_A is not a valid SRP public value.");
  const result = passwordVerifierChallenge(ctx, pool, client, found, username, srpA);
  const parametersOut = result["ChallengeParameters"] as Record<string, string>;
  return { ...result, Session: parametersOut["SECRET_BLOCK"] };
}

/** Starts the chosen first factor: `parameters` are InitiateAuth's AuthParameters or SELECT_CHALLENGE's ChallengeResponses. */
async function startFactor(signIn: SignIn, factor: UserAuthChallenge, parameters: Record<string, string>): Promise<Record<string, unknown>> {
  const { ctx, pool, client, key, user } = signIn;
  switch (factor) {
    case "PASSWORD": {
      const password = required(parameters, "PASSWORD");
      checkPassword(user, ctx.clock.now(), () => user.password !== undefined && passwordMatches(srpPoolName(pool.Id), user.Username, password, user.password));
      return afterPassword(signIn);
    }
    case "PASSWORD_SRP":
      return srpChallenge(ctx, pool, client, { key, user }, user.Username, parameters);
    case "EMAIL_OTP":
    case "SMS_OTP":
      return sendOneTimePassword(signIn, factor);
    case "WEB_AUTHN": {
      const { challenge, options } = requestOptions(pool, user);
      const session = openFirstFactor(signIn, "WEB_AUTHN", { webAuthnChallenge: challenge });
      return { ChallengeName: "WEB_AUTHN", Session: session, ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: options } };
    }
  }
}

function openFirstFactor(signIn: SignIn, challenge: "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN", extra: Partial<ChallengeSession>): string {
  const { ctx, pool, client, key } = signIn;
  return openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    userKey: key,
    challenge,
    firstFactor: true,
    ...extra,
  });
}

/** [INF] Sign-in one-time passwords are eight digits (MFA codes six); AWS documents the length only in its consoles. */
function newSignInCode(): string {
  return String(randomInt(100_000_000)).padStart(8, "0");
}

/** EMAIL_OTP / SMS_OTP as the first factor: a code goes to the address, readable through the control API. */
function sendOneTimePassword(signIn: SignIn, factor: "EMAIL_OTP" | "SMS_OTP"): Record<string, unknown> {
  const { ctx, user } = signIn;
  const attribute = factor === "EMAIL_OTP" ? "email" : "phone_number";
  const code = newSignInCode();
  user.lastCode = { code, kind: "sign-in", sentAt: ctx.clock.now() };
  const delivery = deliveryTo(attribute, user.attributes[attribute]!);
  const session = openFirstFactor(signIn, factor, { code });
  return {
    ChallengeName: factor,
    Session: session,
    ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: delivery.DeliveryMedium, CODE_DELIVERY_DESTINATION: delivery.Destination },
  };
}

/** Whether RespondToAuthChallenge's session is USER_AUTH's (an EMAIL_OTP challenge may also be email MFA's). */
export function isFirstFactorSession(ctx: ServiceContext, sessionId: string | undefined): boolean {
  return sessionId !== undefined && own(ctx.state.cognitoIdp.sessions, sessionId)?.firstFactor === true;
}

function wrongAnswer(session: ChallengeSession, error: AwsError): AwsError {
  session.failures += 1;
  if (session.failures >= ATTEMPTS) session.used = true;
  return error;
}

/** RespondToAuthChallenge for SELECT_CHALLENGE and the passwordless first factors (EMAIL_OTP, SMS_OTP, WEB_AUTHN). */
export async function respondToUserAuth(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  name: "SELECT_CHALLENGE" | "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN",
  sessionId: string | undefined,
  responses: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
): Promise<Record<string, unknown>> {
  const username = required(responses, "USERNAME");
  const session = takeSession(ctx.state, sessionId, ctx.clock.now(), { clientId: client.ClientId, challenge: name });
  if (session.userKey === undefined) {
    // The simulated sign-in of an unknown user: only the password factors exist, and they fail.
    checkSecretHash(client, responses["SECRET_HASH"], [username]);
    if (name !== "SELECT_CHALLENGE") throw idpErrors.invalidSession();
    const answer = required(responses, "ANSWER");
    session.used = true;
    if (answer === "PASSWORD_SRP") return srpChallenge(ctx, pool, client, undefined, username, responses);
    if (answer === "PASSWORD") throw idpErrors.incorrectPassword();
    throw notAvailable(answer);
  }
  const user = own(pool.users, session.userKey);
  if (!user || findUser(pool, username)?.key !== session.userKey) throw idpErrors.invalidSession();
  checkSecretHash(client, responses["SECRET_HASH"], [username, user.Username]);
  const signIn: SignIn = { ctx, pool, client, key: session.userKey, user, clientMetadata };
  switch (name) {
    case "SELECT_CHALLENGE": {
      const answer = required(responses, "ANSWER") as UserAuthChallenge;
      if (!availableChallenges(pool, user).includes(answer)) throw notAvailable(answer);
      session.used = true;
      return startFactor(signIn, answer, responses);
    }
    case "EMAIL_OTP":
    case "SMS_OTP": {
      const code = required(responses, name === "EMAIL_OTP" ? "EMAIL_OTP_CODE" : "SMS_OTP_CODE");
      if (code !== session.code) throw wrongAnswer(session, new AwsError("CodeMismatchException", "Invalid code or auth state for the user."));
      session.used = true;
      // [INF] As with MFA codes, a code that reached the address verifies it.
      user.attributes[name === "EMAIL_OTP" ? "email_verified" : "phone_number_verified"] = "true";
      return issueTokens(signIn);
    }
    case "WEB_AUTHN": {
      const credential = required(responses, "CREDENTIAL");
      try {
        await verifyAssertion(pool, user, session, credential);
      } catch (error) {
        throw error instanceof AwsError && error.type === "NotAuthorizedException" ? wrongAnswer(session, error) : error;
      }
      session.used = true;
      return issueTokens(signIn);
    }
  }
}

/** [INF] AWS's wording for an ANSWER that is not among AvailableChallenges is not documented. */
function notAvailable(answer: string): AwsError {
  return idpErrors.invalidParameter(`The challenge ${answer} is not available for this user.`);
}
