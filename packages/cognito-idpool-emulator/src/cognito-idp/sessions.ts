import type { EmulatorState } from "../state.js";
import { idpErrors } from "./errors.js";
import { newSessionString } from "./ids.js";
import type { ChallengeName, ChallengeSession } from "./state.js";
import { own } from "../core/records.js";

/** How long a spent or expired session is remembered, to name the reason instead of "invalid". */
const REMEMBER_MS = 15 * 60 * 1000;

/** Opens a challenge session; it lives the client's AuthSessionValidity (3 minutes by default). */
export function openSession(state: EmulatorState, now: number, minutes: number, data: Omit<ChallengeSession, "expiresAt" | "used" | "failures">): string {
  const sessions = state.cognitoIdp.sessions;
  for (const [key, session] of Object.entries(sessions)) if (session.expiresAt + REMEMBER_MS < now) delete sessions[key];
  const id = newSessionString();
  sessions[id] = { ...data, expiresAt: now + minutes * 60_000, used: false, failures: 0 };
  return id;
}

/**
 * The open session a RespondToAuthChallenge (or MFA setup call) names, checked as Cognito checks it:
 * unknown or for another client → invalid; spent → can only be used once; too old → expired.
 */
export function takeSession(
  state: EmulatorState,
  id: string | undefined,
  now: number,
  expect: { clientId?: string; challenge?: ChallengeName | ChallengeName[] },
): ChallengeSession {
  const session = id !== undefined ? own(state.cognitoIdp.sessions, id) : undefined;
  if (!session) throw idpErrors.invalidSession();
  if (expect.clientId !== undefined && session.clientId !== expect.clientId) throw idpErrors.invalidSession();
  if (session.used) throw idpErrors.sessionUsed();
  if (now > session.expiresAt) throw idpErrors.sessionExpired();
  const challenges = expect.challenge === undefined ? undefined : Array.isArray(expect.challenge) ? expect.challenge : [expect.challenge];
  if (challenges && !challenges.includes(session.challenge)) throw idpErrors.invalidSession();
  return session;
}
