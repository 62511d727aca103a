import type { ServiceContext } from "../service.js";
import { assertAddressFree } from "./attribute-updates.js";
import { AwsError } from "../core/errors.js";
import { checkAttributes } from "./attributes.js";
import { flowEnabled } from "./clients.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { nextStep, respondToCustomChallenge, startCustomAuth } from "./custom-auth.js";
import {
  afterPassword,
  checkPassword,
  issueTokens,
  mfaChallenge,
  mfaMethods,
  mfaStep,
  missingRequiredAttributes,
  passwordVerifierChallenge,
  preAuthentication,
  type SignIn,
} from "./flow.js";
import { findUser, requireClient, requirePool } from "./lookup.js";
import { migrateUser } from "./migration.js";
import { enforcePasswordPolicy } from "./password-policy.js";
import { respondToDevicePasswordVerifier, respondToDeviceSrpAuth, signInDevice } from "./devices.js";
import { checkSecretHash } from "./secret-hash.js";
import { refreshAuth } from "./refresh.js";
import { takeSession } from "./sessions.js";
import { isFirstFactorSession, respondToUserAuth, startUserAuth } from "./user-auth.js";
import { parseClientPublic, parseSrpTimestamp, passwordMatches, srpPoolName, verifyPasswordClaim } from "./srp.js";
import type { ChallengeSession, MfaMethod, UserPool, UserPoolClient } from "./state.js";
import { matchTotp } from "./totp.js";
import { setPassword } from "./users.js";
import { own } from "../core/records.js";

const AUTH_FLOWS = [
  "USER_SRP_AUTH",
  "REFRESH_TOKEN_AUTH",
  "REFRESH_TOKEN",
  "CUSTOM_AUTH",
  "ADMIN_NO_SRP_AUTH",
  "USER_PASSWORD_AUTH",
  "ADMIN_USER_PASSWORD_AUTH",
  "USER_AUTH",
] as const;
const CHALLENGES = [
  "SMS_MFA",
  "EMAIL_OTP",
  "SOFTWARE_TOKEN_MFA",
  "SELECT_MFA_TYPE",
  "MFA_SETUP",
  "PASSWORD_VERIFIER",
  "CUSTOM_CHALLENGE",
  "SELECT_CHALLENGE",
  "DEVICE_SRP_AUTH",
  "DEVICE_PASSWORD_VERIFIER",
  "ADMIN_NO_SRP_AUTH",
  "NEW_PASSWORD_REQUIRED",
  "SMS_OTP",
  "PASSWORD",
  "WEB_AUTHN",
  "PASSWORD_SRP",
] as const;
/** Wrong MFA codes one challenge session takes before it is spent. */
const MFA_ATTEMPTS = 5;

function required(parameters: Record<string, string>, name: string): string {
  const value = parameters[name];
  if (value === undefined || value === "") throw idpErrors.missingParameter(name);
  return value;
}

export async function initiateAuth(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const flow = check.oneOf("AuthFlow", AUTH_FLOWS, true)!;
  const clientId = check.string("ClientId", { required: true, ...shapes.clientId })!;
  const parameters = check.stringMap("AuthParameters") ?? {};
  const metadata = check.stringMap("ClientMetadata");
  // The Session ConfirmSignUp returned, for USER_AUTH.
  const sessionId = check.string("Session", shapes.session);
  check.done();
  ctx.log.clientId = clientId;
  const { pool, client } = requireClient(ctx.state, clientId);
  switch (flow) {
    case "USER_SRP_AUTH":
      return startSrp(ctx, pool, client, parameters, metadata);
    case "USER_PASSWORD_AUTH":
      if (!flowEnabled(client, "USER_PASSWORD_AUTH")) throw idpErrors.invalidParameter("USER_PASSWORD_AUTH flow not enabled for this client");
      return passwordAuth(ctx, pool, client, parameters, metadata);
    case "REFRESH_TOKEN_AUTH":
    case "REFRESH_TOKEN":
      return refreshAuth(ctx, pool, client, parameters);
    case "CUSTOM_AUTH":
      return startCustomAuth(ctx, pool, client, parameters, metadata);
    case "USER_AUTH":
      return startUserAuth(ctx, pool, client, parameters, metadata, sessionId);
    case "ADMIN_NO_SRP_AUTH":
    case "ADMIN_USER_PASSWORD_AUTH":
      throw idpErrors.invalidParameter("Initiate Auth method not supported.");
    default:
      throw idpErrors.invalidParameter(
        `The emulator does not support AuthFlow ${flow} (it supports USER_SRP_AUTH, USER_PASSWORD_AUTH, CUSTOM_AUTH, USER_AUTH and REFRESH_TOKEN_AUTH).`,
      );
  }
}

/**
 * USER_SRP_AUTH, step one: answer SRP_A with the user's salt, the server's B and a SECRET_BLOCK.
 * `validationData` is the call's ClientMetadata, for PreAuthentication.
 */
async function startSrp(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  parameters: Record<string, string>,
  validationData: Record<string, string> | undefined,
): Promise<unknown> {
  if (!flowEnabled(client, "USER_SRP_AUTH")) throw idpErrors.invalidParameter("USER_SRP_AUTH is not enabled for the client.");
  const username = required(parameters, "USERNAME");
  const srpA = required(parameters, "SRP_A");
  if (parseClientPublic(srpA) === undefined) throw idpErrors.invalidParameter("SRP_A is not a valid SRP public value.");
  const found = findUser(pool, username);
  checkSecretHash(client, parameters["SECRET_HASH"], [username, found?.user.Username]);
  if (!found && !client.preventUserExistenceErrors) throw idpErrors.userNotFound();
  if (found) await preAuthentication({ ctx, pool, client, ...found }, validationData);
  return passwordVerifierChallenge(ctx, pool, client, found, username, srpA);
}

/**
 * USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH: the password itself, checked against the verifier.
 * An unknown user is asked of the UserMigration trigger, which may create them with this password.
 */
async function passwordAuth(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  parameters: Record<string, string>,
  validationData: Record<string, string> | undefined,
): Promise<unknown> {
  const username = required(parameters, "USERNAME");
  const password = required(parameters, "PASSWORD");
  let found = findUser(pool, username);
  checkSecretHash(client, parameters["SECRET_HASH"], [username, found?.user.Username]);
  found ??= await migrateUser(ctx, pool, client, username, validationData, password);
  if (!found) throw client.preventUserExistenceErrors ? idpErrors.incorrectPassword() : idpErrors.userNotFound();
  const { user } = found;
  if (user.enabled) await preAuthentication({ ctx, pool, client, ...found }, validationData);
  const deviceKey = signInDevice(pool, found.key, parameters["DEVICE_KEY"]);
  checkPassword(user, ctx.clock.now(), () => user.password !== undefined && passwordMatches(srpPoolName(pool.Id), user.Username, password, user.password));
  return afterPassword({ ctx, pool, client, key: found.key, user, deviceKey });
}

/** The administrative sign-in (SigV4-signed, by pool id): what a back end uses to sign users in. */
export async function adminInitiateAuth(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const flow = check.oneOf("AuthFlow", AUTH_FLOWS, true)!;
  const clientId = check.string("ClientId", { required: true, ...shapes.clientId })!;
  const parameters = check.stringMap("AuthParameters") ?? {};
  const metadata = check.stringMap("ClientMetadata");
  const sessionId = check.string("Session", shapes.session);
  check.done();
  const { pool, client } = clientOfPool(ctx, poolId, clientId);
  switch (flow) {
    case "ADMIN_USER_PASSWORD_AUTH":
    case "ADMIN_NO_SRP_AUTH":
      if (!flowEnabled(client, "ADMIN_USER_PASSWORD_AUTH")) throw idpErrors.invalidParameter("Auth flow not enabled for this client");
      return passwordAuth(ctx, pool, client, parameters, metadata);
    case "USER_SRP_AUTH":
      return startSrp(ctx, pool, client, parameters, metadata);
    case "CUSTOM_AUTH":
      return startCustomAuth(ctx, pool, client, parameters, metadata);
    case "USER_AUTH":
      return startUserAuth(ctx, pool, client, parameters, metadata, sessionId);
    case "REFRESH_TOKEN_AUTH":
    case "REFRESH_TOKEN":
      return refreshAuth(ctx, pool, client, parameters);
    default:
      throw idpErrors.invalidParameter("Initiate Auth method not supported.");
  }
}

export async function adminRespondToAuthChallenge(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const clientId = check.string("ClientId", { required: true, ...shapes.clientId })!;
  check.done();
  clientOfPool(ctx, poolId, clientId);
  return respondToAuthChallenge(input, ctx);
}

function clientOfPool(ctx: ServiceContext, poolId: string, clientId: string): { pool: UserPool; client: UserPoolClient } {
  const pool = requirePool(ctx.state, poolId);
  const client = own(pool.clients, clientId);
  if (!client) throw idpErrors.clientNotFound(clientId);
  return { pool, client };
}

export async function respondToAuthChallenge(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const clientId = check.string("ClientId", { required: true, ...shapes.clientId })!;
  const name = check.oneOf("ChallengeName", CHALLENGES, true)!;
  const sessionId = check.string("Session", shapes.session);
  const responses = check.stringMap("ChallengeResponses") ?? {};
  const clientMetadata = check.stringMap("ClientMetadata");
  check.done();
  const { pool, client } = requireClient(ctx.state, clientId);
  const now = ctx.clock.now();

  if (name === "PASSWORD_VERIFIER") return passwordVerifier(ctx, pool, client, responses, clientMetadata);
  if (name === "CUSTOM_CHALLENGE") return respondToCustomChallenge(ctx, pool, client, sessionId, responses, clientMetadata);
  if (name === "SELECT_CHALLENGE" || name === "SMS_OTP" || name === "WEB_AUTHN" || (name === "EMAIL_OTP" && isFirstFactorSession(ctx, sessionId))) {
    return respondToUserAuth(ctx, pool, client, name, sessionId, responses, clientMetadata);
  }
  if (name === "DEVICE_SRP_AUTH") return respondToDeviceSrpAuth(ctx, pool, client, sessionId, responses);
  if (name === "DEVICE_PASSWORD_VERIFIER") return issueTokens(respondToDevicePasswordVerifier(ctx, pool, client, sessionId, responses, clientMetadata));
  if (
    name !== "NEW_PASSWORD_REQUIRED" &&
    name !== "SOFTWARE_TOKEN_MFA" &&
    name !== "SMS_MFA" &&
    name !== "EMAIL_OTP" &&
    name !== "SELECT_MFA_TYPE" &&
    name !== "MFA_SETUP"
  ) {
    throw idpErrors.invalidParameter(`The emulator does not support the ${name} challenge.`);
  }
  const username = required(responses, "USERNAME");
  const session = takeSession(ctx.state, sessionId, now, { clientId, challenge: name });
  const signIn: SignIn = { ...sessionUser(ctx, pool, client, session), clientMetadata, deviceKey: session.deviceKey, oauth: session.oauth };
  // The session must be answered for the user it was opened for (by any name that finds them).
  if (findUser(pool, username)?.key !== signIn.key) throw idpErrors.invalidSession();
  checkSecretHash(client, responses["SECRET_HASH"], [username, signIn.user.Username]);

  switch (name) {
    case "NEW_PASSWORD_REQUIRED":
      return newPasswordRequired(signIn, session, responses);
    case "SOFTWARE_TOKEN_MFA": {
      const code = required(responses, "SOFTWARE_TOKEN_MFA_CODE");
      const totp = signIn.user.mfa.totp;
      const step = totp?.verified ? matchTotp(totp.secret, code, now) : undefined;
      if (step === undefined || !totp) throw wrongMfaCode(session, idpErrors.mfaCodeMismatch());
      if (step <= totp.lastUsedStep) throw new AwsError("ExpiredCodeException", "Your software token has already been used once.");
      totp.lastUsedStep = step;
      session.used = true;
      return issueTokens(signIn);
    }
    case "SMS_MFA":
    case "EMAIL_OTP": {
      const code = required(responses, name === "SMS_MFA" ? "SMS_MFA_CODE" : "EMAIL_OTP_CODE");
      if (code !== session.code) {
        throw wrongMfaCode(
          session,
          name === "SMS_MFA" ? idpErrors.mfaCodeMismatch() : new AwsError("CodeMismatchException", "Invalid code or auth state for the user."),
        );
      }
      session.used = true;
      if (session.enrolEmail) {
        // The code proved the address: it is verified, and email is the user's MFA from now on.
        signIn.user.attributes["email_verified"] = "true";
        if (!signIn.user.mfa.enabled.includes("EMAIL_OTP")) signIn.user.mfa.enabled.push("EMAIL_OTP");
        signIn.user.mfa.preferred = "EMAIL_OTP";
      }
      return issueTokens(signIn);
    }
    case "SELECT_MFA_TYPE": {
      const answer = required(responses, "ANSWER") as MfaMethod;
      if (!mfaMethods(pool, signIn.user).methods.includes(answer))
        throw idpErrors.invalidParameter(`${answer} is not one of the MFA types this user can choose.`);
      session.used = true;
      return mfaChallenge(signIn, answer);
    }
    case "MFA_SETUP": {
      // Email MFA is set up by answering with the address: a code goes there, and EMAIL_OTP follows.
      const address = responses["EMAIL"];
      if (address !== undefined && session.setup === undefined) {
        if (!pool.mfa.email) throw idpErrors.invalidParameter("Email MFA is not enabled for this user pool.");
        if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw idpErrors.invalidParameter("Invalid email address format.");
        assertAddressFree(pool, signIn.key, "email", address);
        session.used = true;
        signIn.user.attributes["email"] = address;
        signIn.user.attributes["email_verified"] = "false";
        return mfaChallenge(signIn, "EMAIL_OTP", true);
      }
      if (session.setup !== "verified")
        throw idpErrors.invalidParameter(
          "Software token MFA has not been verified for this session; call AssociateSoftwareToken and VerifySoftwareToken with it first.",
        );
      session.used = true;
      return issueTokens(signIn);
    }
  }
}

/** The user a session belongs to; one deleted mid-flow makes the session useless. */
function sessionUser(ctx: ServiceContext, pool: UserPool, client: UserPoolClient, session: ChallengeSession): SignIn {
  const user = session.userKey !== undefined ? own(pool.users, session.userKey) : undefined;
  if (!user || session.userKey === undefined) throw idpErrors.invalidSession();
  return { ctx, pool, client, key: session.userKey, user };
}

function wrongMfaCode(session: ChallengeSession, error: AwsError): AwsError {
  session.failures += 1;
  if (session.failures >= MFA_ATTEMPTS) session.used = true;
  return error;
}

/**
 * USER_SRP_AUTH, step two: the client proves it knows the password without sending it. In a
 * CUSTOM_WITH_SRP sign-in the DefineAuthChallenge trigger then decides what follows.
 */
async function passwordVerifier(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  responses: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
): Promise<unknown> {
  const secretBlock = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK");
  const signature = required(responses, "PASSWORD_CLAIM_SIGNATURE");
  const timestamp = required(responses, "TIMESTAMP");
  const username = required(responses, "USERNAME");
  const now = ctx.clock.now();
  // Cognito keeps the SRP state in the SECRET_BLOCK; here it names the open session.
  const session = takeSession(ctx.state, secretBlock, now, { clientId: client.ClientId, challenge: "PASSWORD_VERIFIER" });
  // An unknown DEVICE_KEY is refused before the session is spent: AWS's clients answer again without it.
  const deviceKey = signInDevice(pool, session.userKey, responses["DEVICE_KEY"]);
  session.used = true;
  const user = session.userKey !== undefined ? own(pool.users, session.userKey) : undefined;
  checkSecretHash(client, responses["SECRET_HASH"], [username, user?.Username]);
  if (parseSrpTimestamp(timestamp) === undefined)
    throw idpErrors.invalidParameter("TIMESTAMP must have the format ddd MMM d HH:mm:ss UTC yyyy, e.g. Tue Nov 3 09:05:07 UTC 2026.");
  if (!user || session.userKey === undefined || !session.srp) throw idpErrors.incorrectPassword();
  if (findUser(pool, username)?.key !== session.userKey) throw idpErrors.incorrectPassword();
  const srp = session.srp;
  checkPassword(user, now, () =>
    verifyPasswordClaim({
      poolName: srpPoolName(pool.Id),
      userIdForSrp: user.Username,
      A: BigInt("0x" + srp.A),
      b: srp.b,
      B: srp.B,
      verifier: srp.verifier,
      secretBlock,
      timestamp,
      signature,
    }),
  );
  const signIn: SignIn = { ctx, pool, client, key: session.userKey, user, clientMetadata, deviceKey };
  if (session.custom) return nextStep(signIn, [...session.custom.history, { challengeName: "PASSWORD_VERIFIER", challengeResult: true }]);
  return afterPassword(signIn);
}

async function newPasswordRequired(signIn: SignIn, session: ChallengeSession, responses: Record<string, string>): Promise<unknown> {
  const { ctx, pool, user } = signIn;
  const password = required(responses, "NEW_PASSWORD");
  const prefix = "userAttributes.";
  const given = Object.entries(responses)
    .filter(([n]) => n.startsWith(prefix))
    .map(([n, Value]) => ({ Name: n.slice(prefix.length), Value }));
  const attributes = checkAttributes(pool, given, "update");
  const missing = missingRequiredAttributes(pool, { ...user, attributes: { ...user.attributes, ...attributes } });
  if (missing.length) throw idpErrors.invalidParameter(`Invalid attributes given, ${missing[0]} is missing`);
  enforcePasswordPolicy(pool.passwordPolicy, password);
  session.used = true;
  Object.assign(user.attributes, attributes);
  setPassword(pool, user, password, false, ctx.clock.now());
  user.status = "CONFIRMED";
  return mfaStep({ ...signIn, tokenSource: "TokenGeneration_NewPasswordChallenge" });
}
