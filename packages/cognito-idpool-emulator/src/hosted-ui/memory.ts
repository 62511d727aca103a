import { randomBytes } from "node:crypto";
import type { EmulatorState } from "../state.js";
import type { AuthorizeRequest } from "./authorize-request.js";

/**
 * What managed login keeps between requests: authorization codes, the signed-in sessions behind its
 * `cognito` cookie, and federated sign-ins on their way through a provider. All short-lived and
 * secret (codes hold refresh tokens), so kept in memory beside the state, never in `--data`; a reset
 * (a new state) forgets them.
 */

/** AWS: "a one time use code that is valid for five minutes". */
export const CODE_LIFETIME_MS = 5 * 60 * 1000;
/** The managed-login session cookie lasts an hour, as Cognito's does. */
export const LOGIN_SESSION_MS = 60 * 60 * 1000;
/** How long a federated sign-in may take at its provider. */
export const FEDERATION_MS = 15 * 60 * 1000;

export interface IssuedCode {
  poolId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  scopes: string[];
  idToken: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  expiresAt: number;
  used: boolean;
}

/** Someone signed in to managed login (its `cognito` cookie): later authorize requests skip the page. */
export interface LoginSession {
  poolId: string;
  userKey: string;
  sub: string;
  expiresAt: number;
}

/** A sign-in sent to a third-party provider, waiting at /oauth2/idpresponse or /saml2/idpresponse (keyed by the `state` or RelayState sent there). */
export interface PendingFederation {
  domain: string;
  provider: string;
  request: AuthorizeRequest;
  /** The nonce sent to an OIDC provider, checked in its ID token. */
  nonce: string;
  /** The ID of the AuthnRequest sent to a SAML provider, which its response must name in InResponseTo. */
  samlRequestId?: string;
  expiresAt: number;
}

/** A stand-in social provider's code, exchanged in-process at /oauth2/idpresponse. */
export interface StandInCode {
  provider: string;
  email: string;
  sub: string;
  name?: string;
  expiresAt: number;
}

export interface HostedUiMemory {
  codes: Map<string, IssuedCode>;
  sessions: Map<string, LoginSession>;
  federations: Map<string, PendingFederation>;
  standInCodes: Map<string, StandInCode>;
}

const memories = new WeakMap<EmulatorState, HostedUiMemory>();

export function memoryOf(state: EmulatorState): HostedUiMemory {
  let memory = memories.get(state);
  if (!memory) {
    memory = { codes: new Map(), sessions: new Map(), federations: new Map(), standInCodes: new Map() };
    memories.set(state, memory);
  }
  return memory;
}

/** Drops entries past their expiry (spent codes are kept until then, so their reuse is told apart). */
export function sweep(memory: HostedUiMemory, now: number): void {
  for (const map of [memory.codes, memory.sessions, memory.federations, memory.standInCodes] as Map<string, { expiresAt: number }>[]) {
    for (const [key, entry] of map) if (entry.expiresAt + CODE_LIFETIME_MS < now) map.delete(key);
  }
}

export function randomId(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
