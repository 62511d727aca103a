import { randomBytes } from "node:crypto";
import {
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { authenticated } from "./access-token.js";
import { idpErrors, shapes } from "./errors.js";
import type { ChallengeSession, PoolUser, StoredWebAuthnCredential, UserPool, WebAuthnConfig } from "./state.js";

/**
 * Passkeys (WebAuthn): registration by a signed-in user (Start/CompleteWebAuthnRegistration), their
 * list and deletion, and the WEB_AUTHN challenge of USER_AUTH. Attestations and assertions are
 * verified with @simplewebauthn/server; this module only decides what Cognito accepts around them
 * (relying party, origin, challenge, user verification) and which error it answers with.
 */

/** [INF] How long a registration ceremony may take; AWS does not document it. */
const CEREMONY_MS = 5 * 60_000;
/** [INF] AWS names credentials after the authenticator model; without the metadata service the emulator cannot. */
const FRIENDLY_NAME = "Passkey";

/** The pool's passkey relying party, or the errors StartWebAuthnRegistration documents for its absence. */
export function relyingParty(pool: UserPool): WebAuthnConfig & { relyingPartyId: string } {
  if (!(pool.firstAuthFactors ?? []).includes("WEB_AUTHN")) throw idpErrors.webAuthnNotEnabled();
  const rpId = pool.webAuthn?.relyingPartyId;
  // AWS falls back to the user pool domain; the emulator has no domains, so the id must be set.
  if (rpId === undefined) throw idpErrors.webAuthnConfigurationMissing();
  return { userVerification: "preferred", ...pool.webAuthn, relyingPartyId: rpId };
}

/** The user's passkeys (none for users who never registered one). */
export function credentialsOf(user: PoolUser): StoredWebAuthnCredential[] {
  return user.webAuthn?.credentials ?? [];
}

/**
 * An origin may use a relying party id when its host is that id or a subdomain of it, over https
 * (http only for localhost, as browsers allow). Read before verification, so a stranger's origin is
 * refused as such rather than as a mismatch.
 */
function checkOrigin(origin: unknown, rpId: string): string {
  const text = typeof origin === "string" ? origin : "";
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const host = url?.hostname ?? "";
  const secure = url?.protocol === "https:" || (url?.protocol === "http:" && host === "localhost");
  const belongs = host === rpId || host.endsWith(`.${rpId}`);
  if (!url || url.origin !== text || !secure || !belongs) throw idpErrors.webAuthnOriginNotAllowed(text);
  return text;
}

/** clientDataJSON's type, challenge and origin; a response that lacks them is malformed. */
function clientData(response: { response?: { clientDataJSON?: unknown } }): { type?: unknown; challenge?: unknown; origin?: unknown } {
  const encoded = response.response?.clientDataJSON;
  try {
    if (typeof encoded !== "string") throw new Error("missing");
    const parsed: unknown = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
    if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
    return parsed as { type?: unknown; challenge?: unknown; origin?: unknown };
  } catch {
    throw idpErrors.invalidParameter("The credential's clientDataJSON is not base64url-encoded JSON.");
  }
}

/** The attestation/assertion JSON: an object with an id and a response, as browsers serialise PublicKeyCredential. */
function credentialShape<T>(value: unknown): T {
  const v = value as { id?: unknown; type?: unknown; response?: unknown } | null;
  if (typeof v !== "object" || v === null || typeof v.id !== "string" || typeof v.response !== "object" || v.response === null) {
    throw idpErrors.invalidParameter("Credential must be a PublicKeyCredential in its JSON form (id, rawId, type, response).");
  }
  return value as T;
}

/** What simplewebauthn refused, as Cognito's error for it. `registering`: WebAuthn errors; signing in: NotAuthorized. */
function refusal(error: unknown, registering: boolean): AwsError {
  const message = error instanceof Error ? error.message : String(error);
  if (registering) {
    if (/RP ID/i.test(message)) return idpErrors.webAuthnRelyingPartyMismatch();
    if (/origin/i.test(message)) return idpErrors.webAuthnOriginNotAllowed("");
    if (/challenge/i.test(message)) return idpErrors.webAuthnChallengeNotFound();
    return idpErrors.webAuthnCredentialNotSupported(message);
  }
  // [INF] RespondToAuthChallenge documents no WebAuthn exception; a refused assertion is a failed sign-in.
  if (/RP ID/i.test(message)) return idpErrors.notAuthorized("The passkey is for a different relying party than the user pool's.");
  return idpErrors.notAuthorized(`The passkey assertion was not accepted: ${message}`);
}

export async function startWebAuthnRegistration(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, user, claims } = await authenticated(input, ctx, () => undefined);
  const rp = relyingParty(pool);
  const credentials = credentialsOf(user);
  const options = await generateRegistrationOptions({
    rpName: rp.relyingPartyId,
    rpID: rp.relyingPartyId,
    userName: user.attributes["email"] ?? user.Username,
    userDisplayName: user.attributes["email"] ?? user.Username,
    // The user handle is the sub: stable for the user, and no username leaks through it.
    userID: new TextEncoder().encode(user.sub),
    timeout: CEREMONY_MS,
    attestationType: "none",
    excludeCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: rp.userVerification },
  });
  user.webAuthn = {
    credentials,
    pending: { challenge: options.challenge, clientId: String(claims["client_id"] ?? ""), expiresAt: ctx.clock.now() + CEREMONY_MS },
  };
  return { CredentialCreationOptions: options };
}

export async function completeWebAuthnRegistration(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, user, claims, given } = await authenticated(input, ctx, (check) => {
    const credential = check.object("Credential");
    if (credential === undefined) check.string("Credential", { required: true });
    return credential;
  });
  const rp = relyingParty(pool);
  const pending = user.webAuthn?.pending;
  if (!pending || pending.expiresAt < ctx.clock.now()) throw idpErrors.webAuthnChallengeNotFound();
  if (pending.clientId !== claims["client_id"]) throw idpErrors.webAuthnClientMismatch();
  const response = credentialShape<RegistrationResponseJSON>(given);
  const data = clientData(response);
  // A registration answers the challenge it was given, once: whatever follows, it is spent.
  if (data.challenge !== pending.challenge) throw idpErrors.webAuthnChallengeNotFound();
  delete user.webAuthn!.pending;
  const origin = checkOrigin(data.origin, rp.relyingPartyId);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: pending.challenge,
      expectedOrigin: origin,
      expectedRPID: rp.relyingPartyId,
      requireUserVerification: rp.userVerification === "required",
    });
  } catch (error) {
    throw refusal(error, true);
  }
  if (!verified.verified) throw idpErrors.webAuthnCredentialNotSupported("the attestation could not be verified");
  const { credential } = verified.registrationInfo;
  const credentials = credentialsOf(user);
  // [INF] AWS's answer to a passkey registered twice is not documented.
  if (credentials.some((c) => c.id === credential.id)) throw idpErrors.invalidParameter("This passkey is already registered for the user.");
  credentials.push({
    id: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString("base64url"),
    counter: credential.counter,
    rpId: rp.relyingPartyId,
    friendlyName: FRIENDLY_NAME,
    ...(typeof response.authenticatorAttachment === "string" ? { attachment: response.authenticatorAttachment } : {}),
    transports: Array.isArray(response.response.transports) ? response.response.transports.map(String) : [],
    createdAt: ctx.clock.now(),
  });
  user.webAuthn = { credentials };
  return {};
}

/** [INF] AWS's page-size limits for ListWebAuthnCredentials; 20 per page unless asked for fewer. */
const PAGE = 20;

export async function listWebAuthnCredentials(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { user, given } = await authenticated(input, ctx, (check) => ({
    max: check.integer("MaxResults", { min: 0, max: PAGE }),
    next: check.string("NextToken", { min: 1, max: 131072, pattern: "[\\S]+" }),
  }));
  const credentials = credentialsOf(user);
  // The token names the first credential of the next page, so a deletion in between skips nothing else.
  let start = 0;
  if (given.next !== undefined) {
    const id = Buffer.from(given.next, "base64url").toString("utf8");
    start = credentials.findIndex((c) => c.id === id);
    if (start < 0) throw idpErrors.invalidParameter("Invalid NextToken.");
  }
  const size = given.max || PAGE;
  const page = credentials.slice(start, start + size);
  const following = credentials[start + size];
  return {
    Credentials: page.map((c) => ({
      CredentialId: c.id,
      FriendlyCredentialName: c.friendlyName,
      RelyingPartyId: c.rpId,
      ...(c.attachment !== undefined ? { AuthenticatorAttachment: c.attachment } : {}),
      AuthenticatorTransports: c.transports,
      CreatedAt: c.createdAt / 1000,
    })),
    ...(following ? { NextToken: Buffer.from(following.id).toString("base64url") } : {}),
  };
}

export async function deleteWebAuthnCredential(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { user, given } = await authenticated(input, ctx, (check) => check.string("CredentialId", { required: true, ...shapes.code }) ?? "");
  const credentials = credentialsOf(user);
  const index = credentials.findIndex((c) => c.id === given);
  if (index < 0) throw idpErrors.webAuthnCredentialNotFound();
  credentials.splice(index, 1);
  return {};
}

/**
 * The WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS (PublicKeyCredentialRequestOptionsJSON, as
 * a string): a fresh challenge, the pool's relying party, and the user's own credentials.
 */
export function requestOptions(pool: UserPool, user: PoolUser): { challenge: string; options: string } {
  const rp = relyingParty(pool);
  const challenge = randomBytes(32).toString("base64url");
  const options = {
    challenge,
    timeout: CEREMONY_MS,
    rpId: rp.relyingPartyId,
    allowCredentials: credentialsOf(user).map((c) => ({ type: "public-key", id: c.id, transports: c.transports })),
    userVerification: rp.userVerification,
  };
  return { challenge, options: JSON.stringify(options) };
}

/**
 * Verifies the CREDENTIAL answering a WEB_AUTHN challenge: one of the user's passkeys, signing this
 * session's challenge, from an origin of the relying party. Moves the credential's counter on.
 */
export async function verifyAssertion(pool: UserPool, user: PoolUser, session: ChallengeSession, answer: string): Promise<void> {
  let rp: ReturnType<typeof relyingParty>;
  try {
    rp = relyingParty(pool);
  } catch {
    // Passkeys switched off since the challenge was issued; RespondToAuthChallenge has no WebAuthn errors to say so.
    throw idpErrors.notAuthorized("Passkey sign-in is no longer enabled for this user pool.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    throw idpErrors.invalidParameter("CREDENTIAL must be the JSON of a PublicKeyCredential (AuthenticationResponseJSON).");
  }
  const response = credentialShape<AuthenticationResponseJSON>(parsed);
  const stored = credentialsOf(user).find((c) => c.id === response.id);
  // [INF] An unknown or deleted passkey fails the sign-in like a wrong password.
  if (!stored) throw idpErrors.notAuthorized("The passkey is not registered for this user.");
  if (stored.rpId !== rp.relyingPartyId) throw idpErrors.notAuthorized("The passkey is for a different relying party than the user pool's.");
  const data = clientData(response);
  if (session.webAuthnChallenge === undefined || data.challenge !== session.webAuthnChallenge) {
    throw idpErrors.notAuthorized("The passkey assertion does not answer this session's challenge.");
  }
  let origin: string;
  try {
    origin = checkOrigin(data.origin, rp.relyingPartyId);
  } catch {
    throw idpErrors.notAuthorized(`The passkey origin ${String(data.origin)} does not belong to the user pool's relying party id.`);
  }
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: session.webAuthnChallenge,
      expectedOrigin: origin,
      expectedRPID: rp.relyingPartyId,
      credential: {
        id: stored.id,
        publicKey: new Uint8Array(Buffer.from(stored.publicKey, "base64url")),
        counter: stored.counter,
        transports: stored.transports,
      },
      requireUserVerification: rp.userVerification === "required",
    });
  } catch (error) {
    throw refusal(error, false);
  }
  if (!result.verified) throw idpErrors.notAuthorized("The passkey signature is not valid.");
  stored.counter = result.authenticationInfo.newCounter;
}
