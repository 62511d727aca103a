import type { JWTPayload } from "jose";
import { own } from "../core/records.js";
import type { ServiceContext } from "../service.js";
import { authenticated } from "./access-token.js";
import { applyAttributeUpdate, isVerifiedAttribute, sendVerification, verifyAttribute } from "./attribute-updates.js";
import { checkAttributes, checkMutable, STANDARD_ATTRIBUTES } from "./attributes.js";
import { idpErrors, shapes } from "./errors.js";
import type { PoolUser, UserPool, VerifiedAttribute } from "./state.js";
import { removeUser } from "./users.js";

/**
 * What a signed-in user does to their own account with their access token (unsigned, as on AWS):
 * change, verify and delete attributes, and delete the account.
 */

const attributeName = { required: true, min: 1, max: 32, pattern: "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+" } as const;

function unauthorizedWrite() {
  return idpErrors.notAuthorized("A client attempted to write unauthorized attribute");
}

/** An app client that lists WriteAttributes lets its users change only those. */
function checkWritable(pool: UserPool, claims: JWTPayload, names: string[]): void {
  const writable = own(pool.clients, String(claims["client_id"] ?? ""))?.extra["WriteAttributes"];
  if (!Array.isArray(writable) || writable.length === 0) return;
  if (names.some((name) => !writable.includes(name))) throw unauthorizedWrite();
}

export async function updateUserAttributes(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, key, user, claims, given } = await authenticated(input, ctx, (check) => {
    const attributes = check.attributes("UserAttributes");
    if (attributes === undefined) check.string("UserAttributes", { required: true });
    check.stringMap("ClientMetadata");
    return attributes ?? [];
  });
  // Users may not mark their own addresses verified: that takes a code (or an administrator).
  const checked = checkAttributes(pool, given, "update", true);
  checkWritable(pool, claims, Object.keys(checked));
  const deliveries = applyAttributeUpdate(pool, key, user, checked, ctx.clock.now());
  return deliveries.length ? { CodeDeliveryDetailsList: deliveries } : {};
}

/** The email or phone number a verification code can be sent for: the waiting new value, else the current one. */
function verifiable(user: PoolUser, name: string): { attribute: VerifiedAttribute; value: string } {
  if (!isVerifiedAttribute(name)) throw idpErrors.invalidParameter(`Only email and phone_number can be verified, not ${name}.`);
  const value = user.pendingAttributes?.[name] ?? user.attributes[name];
  if (value === undefined) throw idpErrors.invalidParameter(`The user has no ${name} to verify.`);
  return { attribute: name, value };
}

export async function getUserAttributeVerificationCode(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { user, given } = await authenticated(input, ctx, (check) => {
    const name = check.string("AttributeName", attributeName) ?? "";
    check.stringMap("ClientMetadata");
    return name;
  });
  const { attribute, value } = verifiable(user, given);
  return { CodeDeliveryDetails: sendVerification(user, attribute, value, ctx.clock.now()) };
}

export async function verifyUserAttribute(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, key, user, given } = await authenticated(input, ctx, (check) => ({
    name: check.string("AttributeName", attributeName) ?? "",
    code: check.string("Code", { required: true, ...shapes.code }) ?? "",
  }));
  const { attribute } = verifiable(user, given.name);
  verifyAttribute(pool, key, user, attribute, given.code, ctx.clock.now());
  return {};
}

/** Checks that a user may delete these attributes: known, mutable, not required, not a verification flag. */
function checkDeletable(pool: UserPool, claims: JWTPayload, names: string[]): void {
  for (const name of names) {
    const known = Object.hasOwn(STANDARD_ATTRIBUTES, name) || pool.schema.some((s) => s.Name === name);
    if (!known) throw idpErrors.invalidParameter(`Attributes did not conform to the schema: ${name}: Attribute does not exist in the schema.`);
    if (name === "email_verified" || name === "phone_number_verified") throw unauthorizedWrite();
    if (pool.schema.some((s) => s.Name === name && s.Required)) {
      throw idpErrors.invalidParameter(`Attributes did not conform to the schema: ${name}: The attribute is required`);
    }
  }
  checkMutable(pool, names);
  checkWritable(pool, claims, names);
}

export async function deleteUserAttributes(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, user, claims, given } = await authenticated(input, ctx, (check) => {
    const names = check.stringList("UserAttributeNames");
    if (names === undefined) check.string("UserAttributeNames", { required: true });
    return names ?? [];
  });
  checkDeletable(pool, claims, given);
  for (const name of given) {
    delete user.attributes[name];
    // An address that is gone has nothing left to verify.
    if (isVerifiedAttribute(name)) {
      delete user.attributes[`${name}_verified`];
      delete user.pendingAttributes?.[name];
      delete user.codes[name];
    }
  }
  user.modified = ctx.clock.now();
  return {};
}

/** The user deletes their own account: gone at once, with every session and token. */
export async function deleteUser(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, key } = await authenticated(input, ctx, () => undefined);
  removeUser(ctx.state, pool, key);
  return {};
}
