import { AwsError } from "../core/errors.js";
import { checkMutable, deliveryTo, type CodeDeliveryDetails } from "./attributes.js";
import { findUser } from "./lookup.js";
import type { PoolUser, UserPool, VerifiedAttribute } from "./state.js";
import { consumeCode, sendCode } from "./users.js";

/**
 * Changing and verifying email addresses and phone numbers, shared by UpdateUserAttributes,
 * AdminUpdateUserAttributes and VerifyUserAttribute.
 */

const VERIFIED: VerifiedAttribute[] = ["email", "phone_number"];

export function isVerifiedAttribute(name: string): name is VerifiedAttribute {
  return (VERIFIED as string[]).includes(name);
}

/**
 * An address that signs in (a username attribute, or a verified alias) belongs to one user only;
 * `key` is the user about to take it.
 */
export function assertAddressFree(pool: UserPool, key: string, attribute: VerifiedAttribute, value: string): void {
  if (!pool.usernameAttributes.includes(attribute) && !pool.aliasAttributes.includes(attribute)) return;
  const holder = findUser(pool, value);
  if (holder && holder.key !== key) throw new AwsError("AliasExistsException", `An account with the given ${attribute} already exists.`);
}

/**
 * Applies checked attributes to a user. A changed email or phone number is unverified (unless the
 * same request marks it verified, which only administrators may) and, where the pool verifies it,
 * is sent a code. In pools that verify it before updating, the change waits instead: the old value
 * stays in force (and signs in) until VerifyUserAttribute. Returns where codes went.
 */
export function applyAttributeUpdate(pool: UserPool, key: string, user: PoolUser, checked: Record<string, string>, now: number): CodeDeliveryDetails[] {
  checkMutable(pool, Object.keys(checked));
  const deliveries: CodeDeliveryDetails[] = [];
  for (const attribute of VERIFIED) {
    const value = checked[attribute];
    if (value === undefined) continue;
    // Any new value, even the current one, replaces a change still waiting for its code.
    if (user.pendingAttributes) delete user.pendingAttributes[attribute];
    if (value === user.attributes[attribute]) continue;
    const flag = `${attribute}_verified`;
    if (checked[flag] !== "true" && (pool.verifyBeforeUpdate ?? []).includes(attribute)) {
      delete checked[attribute];
      delete checked[flag];
      user.pendingAttributes = { ...user.pendingAttributes, [attribute]: value };
      deliveries.push(sendVerification(user, attribute, value, now));
      continue;
    }
    if (pool.usernameAttributes.includes(attribute)) assertAddressFree(pool, key, attribute, value);
    checked[flag] ??= "false";
    if (checked[flag] === "false" && pool.autoVerifiedAttributes.includes(attribute)) deliveries.push(sendVerification(user, attribute, value, now));
  }
  Object.assign(user.attributes, checked);
  user.modified = now;
  return deliveries;
}

/** Sends a verification code for an attribute's value (the pending one when a change waits). */
export function sendVerification(user: PoolUser, attribute: VerifiedAttribute, value: string, now: number): CodeDeliveryDetails {
  sendCode(user, attribute, now);
  return deliveryTo(attribute, value);
}

/** VerifyUserAttribute: the code must match; then the attribute is verified, and a waiting change takes effect. */
export function verifyAttribute(pool: UserPool, key: string, user: PoolUser, attribute: VerifiedAttribute, code: string, now: number): void {
  const pending = user.pendingAttributes?.[attribute];
  consumeCode(user, attribute, code, now);
  if (pending !== undefined) {
    assertAddressFree(pool, key, attribute, pending);
    user.attributes[attribute] = pending;
    delete user.pendingAttributes![attribute];
  } else if (user.attributes[attribute] !== undefined) {
    assertAddressFree(pool, key, attribute, user.attributes[attribute]);
  }
  user.attributes[`${attribute}_verified`] = "true";
  user.modified = now;
}
