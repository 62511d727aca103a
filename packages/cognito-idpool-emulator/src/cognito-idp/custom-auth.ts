import { AwsError } from "../core/errors.js";
import { own } from "../core/records.js";
import type { ServiceContext } from "../service.js";
import { flowEnabled } from "./clients.js";
import { idpErrors } from "./errors.js";
import { issueTokens, passwordVerifierChallenge, preAuthentication, type SignIn } from "./flow.js";
import { findUser } from "./lookup.js";
import { checkSecretHash } from "./secret-hash.js";
import { openSession, takeSession } from "./sessions.js";
import { parseClientPublic } from "./srp.js";
import type { CustomAuthState, CustomAuthStep, UserPool, UserPoolClient } from "./state.js";
import { eventAttributes, flag, hasTrigger, invokeTrigger, stringMap, unrecognizable } from "./triggers.js";

/**
 * Custom authentication (CUSTOM_AUTH, and CUSTOM_WITH_SRP: CUSTOM_AUTH with `CHALLENGE_NAME: SRP_A`):
 * DefineAuthChallenge decides each step from the session history, CreateAuthChallenge makes a
 * CUSTOM_CHALLENGE, VerifyAuthChallengeResponse judges the ANSWER, and Define decides again.
 */

/** Steps one sign-in may take; a Define trigger that never decides is cut off like a session that ran out. */
const MAX_STEPS = 50;

function required(parameters: Record<string, string>, name: string): string {
  const value = parameters[name];
  if (value === undefined || value === "") throw idpErrors.missingParameter(name);
  return value;
}

/** What Cognito answers for CUSTOM_AUTH in a pool without a DefineAuthChallenge trigger. */
function notConfigured(): AwsError {
  return idpErrors.invalidParameter("Custom auth lambda trigger is not configured for the user pool.");
}

/** [INF] Define asked for a challenge whose trigger the pool lacks; AWS documents no answer for it. */
function missingTrigger(name: string): AwsError {
  return new AwsError("InvalidLambdaResponseException", `${name} trigger is not configured for the user pool.`);
}

/**
 * InitiateAuth / AdminInitiateAuth with CUSTOM_AUTH. `validationData` is the call's ClientMetadata,
 * which Cognito hands to PreAuthentication only; the Define/Create triggers of this call get none.
 */
export async function startCustomAuth(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  parameters: Record<string, string>,
  validationData: Record<string, string> | undefined,
): Promise<Record<string, unknown>> {
  if (!flowEnabled(client, "CUSTOM_AUTH")) throw idpErrors.invalidParameter("CUSTOM_AUTH flow not enabled for this client");
  const username = required(parameters, "USERNAME");
  if (!hasTrigger(ctx, pool, "DefineAuthChallenge")) throw notConfigured();
  const withSrp = parameters["CHALLENGE_NAME"] === "SRP_A";
  const srpA = withSrp ? required(parameters, "SRP_A") : undefined;
  if (srpA !== undefined && parseClientPublic(srpA) === undefined) throw idpErrors.invalidParameter("SRP_A is not a valid SRP public value.");
  const found = findUser(pool, username);
  checkSecretHash(client, parameters["SECRET_HASH"], [username, found?.user.Username]);
  // [INF] Cognito may run the triggers with userNotFound for an unknown user; the emulator ends the sign-in here.
  if (!found) throw client.preventUserExistenceErrors ? idpErrors.incorrectPassword() : idpErrors.userNotFound();
  const signIn: SignIn = { ctx, pool, client, ...found };
  if (!found.user.enabled) throw idpErrors.userDisabled();
  if (found.user.status === "UNCONFIRMED") throw idpErrors.userNotConfirmed();
  await preAuthentication(signIn, validationData);
  // Cognito has already checked SRP_A when Define first runs, and says so in the history.
  const history: CustomAuthStep[] = withSrp ? [{ challengeName: "SRP_A", challengeResult: true }] : [];
  return nextStep(signIn, history, srpA);
}

/**
 * Asks DefineAuthChallenge what comes next for this history: tokens, failure, or another challenge
 * (CUSTOM_CHALLENGE, or PASSWORD_VERIFIER right after SRP_A).
 */
export async function nextStep(signIn: SignIn, history: CustomAuthStep[], srpA?: string): Promise<Record<string, unknown>> {
  const { ctx, pool, client, user } = signIn;
  if (history.length >= MAX_STEPS) throw idpErrors.incorrectPassword();
  const common = { userName: user.Username, clientId: client.ClientId };
  const clientMetadata = signIn.clientMetadata ?? {};
  const define = await invokeTrigger(ctx, pool, "DefineAuthChallenge", {
    ...common,
    triggerSource: "DefineAuthChallenge_Authentication",
    request: { userAttributes: eventAttributes(user), session: history, clientMetadata, userNotFound: false },
    response: { challengeName: null, issueTokens: false, failAuthentication: false },
  });
  if (!define) throw notConfigured();
  if (flag(define, "failAuthentication")) throw idpErrors.incorrectPassword();
  if (flag(define, "issueTokens")) return issueTokens(signIn);
  const challenge = define["challengeName"];
  if (challenge === "PASSWORD_VERIFIER" && srpA !== undefined && history.at(-1)?.challengeName === "SRP_A") {
    return passwordVerifierChallenge(ctx, pool, client, { key: signIn.key, user }, user.Username, srpA, { history });
  }
  if (challenge !== "CUSTOM_CHALLENGE") throw unrecognizable();

  const created = await invokeTrigger(ctx, pool, "CreateAuthChallenge", {
    ...common,
    triggerSource: "CreateAuthChallenge_Authentication",
    request: { userAttributes: eventAttributes(user), challengeName: "CUSTOM_CHALLENGE", session: history, clientMetadata, userNotFound: false },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  });
  if (!created) throw missingTrigger("CreateAuthChallenge");
  const publicParameters = stringMap(created, "publicChallengeParameters") ?? {};
  const privateParameters = stringMap(created, "privateChallengeParameters") ?? {};
  const givenMetadata = created["challengeMetadata"] ?? undefined;
  if (givenMetadata !== undefined && typeof givenMetadata !== "string") throw unrecognizable();
  const metadata = givenMetadata as string | undefined;
  const state: CustomAuthState = { history, privateChallengeParameters: privateParameters, ...(metadata !== undefined ? { challengeMetadata: metadata } : {}) };
  const session = openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    userKey: signIn.key,
    challenge: "CUSTOM_CHALLENGE",
    custom: state,
  });
  // Clients (Amplify) take the username to answer with from the challenge parameters.
  return { ChallengeName: "CUSTOM_CHALLENGE", Session: session, ChallengeParameters: { ...publicParameters, USERNAME: user.Username } };
}

/** RespondToAuthChallenge CUSTOM_CHALLENGE: Verify judges the ANSWER, then Define decides again. */
export async function respondToCustomChallenge(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  sessionId: string | undefined,
  responses: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
): Promise<Record<string, unknown>> {
  const username = required(responses, "USERNAME");
  const answer = required(responses, "ANSWER");
  const session = takeSession(ctx.state, sessionId, ctx.clock.now(), { clientId: client.ClientId, challenge: "CUSTOM_CHALLENGE" });
  const user = session.userKey !== undefined ? own(pool.users, session.userKey) : undefined;
  if (!user || session.userKey === undefined || !session.custom) throw idpErrors.invalidSession();
  if (findUser(pool, username)?.key !== session.userKey) throw idpErrors.invalidSession();
  checkSecretHash(client, responses["SECRET_HASH"], [username, user.Username]);
  // Spent before the trigger runs, so one challenge is answered once even by concurrent calls.
  session.used = true;
  const custom = session.custom;
  const verified = await invokeTrigger(ctx, pool, "VerifyAuthChallengeResponse", {
    triggerSource: "VerifyAuthChallengeResponse_Authentication",
    userName: user.Username,
    clientId: client.ClientId,
    request: {
      userAttributes: eventAttributes(user),
      privateChallengeParameters: custom.privateChallengeParameters ?? {},
      challengeAnswer: answer,
      clientMetadata: clientMetadata ?? {},
      userNotFound: false,
    },
    response: { answerCorrect: false },
  });
  if (!verified) throw missingTrigger("VerifyAuthChallengeResponse");
  const step: CustomAuthStep = {
    challengeName: "CUSTOM_CHALLENGE",
    challengeResult: flag(verified, "answerCorrect"),
    ...(custom.challengeMetadata !== undefined ? { challengeMetadata: custom.challengeMetadata } : {}),
  };
  return nextStep({ ctx, pool, client, key: session.userKey, user, clientMetadata }, [...custom.history, step]);
}
