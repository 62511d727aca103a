import { randomUUID } from "node:crypto";
import { AwsError } from "../core/errors.js";
import { attributeList } from "./attributes.js";
import { idpErrors } from "./errors.js";
import { newCode } from "./ids.js";
import { findUser, userKey } from "./lookup.js";
import { createVerifier, srpPoolName } from "./srp.js";
import type { EmulatorState } from "../state.js";
import type { PendingCode, PoolUser, UserPool, UserStatus, VerifiedAttribute } from "./state.js";

const EMAIL = /^[^@\s]+@[^@\s]+$/;
const PHONE = /^\+[0-9]{4,15}$/;

const CONFIRMATION_CODE_MS = 24 * 3600 * 1000;
const RESET_CODE_MS = 3600 * 1000;
/** Wrong codes tolerated before LimitExceededException. */
const CODE_ATTEMPTS = 5;

/**
 * Adds a user. In pools that sign in with email or phone, the username given must be one and the
 * stored username becomes the sub (a UUID), as on AWS; pools with aliases refuse usernames that
 * look like the alias.
 */
export function addUser(
  pool: UserPool,
  requested: string,
  attributes: Record<string, string>,
  status: UserStatus,
  now: number,
  existsMessage: string,
): { key: string; user: PoolUser } {
  const sub = randomUUID();
  let username = requested;
  const attrs = { ...attributes };
  if (pool.usernameAttributes.length > 0) {
    const email = pool.usernameAttributes.includes("email") && EMAIL.test(requested);
    const phone = pool.usernameAttributes.includes("phone_number") && PHONE.test(requested);
    if (!email && !phone) {
      const expected =
        pool.usernameAttributes.length === 2 ? "either an email or a phone number" : pool.usernameAttributes[0] === "email" ? "an email" : "a phone number";
      throw idpErrors.invalidParameter(`Username should be ${expected}.`);
    }
    const attribute = email ? "email" : "phone_number";
    if (findUser(pool, requested)) throw new AwsError("UsernameExistsException", `An account with the given ${attribute} already exists.`);
    attrs[attribute] = requested;
    username = sub;
  } else {
    if (pool.aliasAttributes.includes("email") && EMAIL.test(requested)) {
      throw idpErrors.invalidParameter("Username cannot be of email format, since user pool is configured for email alias.");
    }
    if (pool.aliasAttributes.includes("phone_number") && PHONE.test(requested)) {
      throw idpErrors.invalidParameter("Username cannot be of phone number format, since user pool is configured for phone number alias.");
    }
  }
  const key = userKey(pool, username);
  if (Object.hasOwn(pool.users, key)) throw new AwsError("UsernameExistsException", existsMessage);
  if (attrs["email"] !== undefined && attrs["email_verified"] === undefined) attrs["email_verified"] = "false";
  const user = newUser(username, sub, attrs, status, now);
  pool.users[key] = user;
  return { key, user };
}

/** A user record as every way of creating one starts it: enabled, no password, no MFA, no groups. */
export function newUser(Username: string, sub: string, attributes: Record<string, string>, status: UserStatus, now: number): PoolUser {
  return {
    Username,
    sub,
    attributes,
    status,
    enabled: true,
    created: now,
    modified: now,
    failedSignIns: 0,
    lockedUntil: 0,
    tokensValidAfter: 0,
    codes: {},
    mfa: { enabled: [] },
    groups: [],
  };
}

/** Stores the SRP salt and verifier of a new password; the password itself is dropped here. */
export function setPassword(pool: UserPool, user: PoolUser, password: string, temporary: boolean, now: number): void {
  const { salt, verifier } = createVerifier(srpPoolName(pool.Id), user.Username, password);
  user.password = { salt, verifier, setAt: now, temporary };
  user.failedSignIns = 0;
  user.lockedUntil = 0;
  user.modified = now;
}

/** Where a code waits: sign-up confirmation, password reset, or the verification of one attribute. */
export type CodeSlot = "confirmation" | "reset" | VerifiedAttribute;

/** Reset codes live one hour; confirmation and attribute-verification codes 24 hours (Cognito's documented lifetimes). */
function codeLifetime(slot: CodeSlot): number {
  return slot === "reset" ? RESET_CODE_MS : CONFIRMATION_CODE_MS;
}

/** "Sends" a code: remembers it for checking and for the control API (`/_emulator/codes`). */
export function sendCode(user: PoolUser, slot: CodeSlot, now: number): void {
  const code = newCode();
  const pending: PendingCode = { code, expiresAt: now + codeLifetime(slot), failures: 0 };
  user.codes[slot] = pending;
  user.lastCode = { code, kind: slot === "confirmation" || slot === "reset" ? slot : "verification", sentAt: now };
}

/**
 * Checks a code: wrong → CodeMismatch (LimitExceeded after {@link CODE_ATTEMPTS}), none pending or
 * expired → ExpiredCode. A matching code is consumed.
 */
export function consumeCode(user: PoolUser, slot: CodeSlot, code: string, now: number): void {
  const pending = user.codes[slot];
  if (!pending) throw idpErrors.expiredCode();
  if (pending.failures >= CODE_ATTEMPTS) throw idpErrors.attemptLimit();
  if (pending.code !== code) {
    pending.failures += 1;
    throw idpErrors.codeMismatch();
  }
  if (now > pending.expiresAt) throw idpErrors.expiredCode();
  delete user.codes[slot];
}

/** Removes a user with their sign-in sessions and open challenges; their tokens stop working (`user-deleted`). */
export function removeUser(state: EmulatorState, pool: UserPool, key: string): void {
  delete pool.users[key];
  for (const [jti, family] of Object.entries(pool.families)) if (family.userKey === key) delete pool.families[jti];
  for (const [id, session] of Object.entries(state.cognitoIdp.sessions))
    if (session.poolId === pool.Id && session.userKey === key) delete state.cognitoIdp.sessions[id];
}

/** The user as AdminGetUser / AdminCreateUser describe it. */
export function describeUser(user: PoolUser): Record<string, unknown> {
  return {
    Username: user.Username,
    Attributes: attributeList(user),
    UserCreateDate: user.created / 1000,
    UserLastModifiedDate: user.modified / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/** The MFA members of AdminGetUser / GetUser. */
export function mfaSettings(user: PoolUser): Record<string, unknown> {
  return {
    ...(user.mfa.preferred ? { PreferredMfaSetting: user.mfa.preferred } : {}),
    ...(user.mfa.enabled.length ? { UserMFASettingList: [...user.mfa.enabled] } : {}),
  };
}
