import { AwsError } from "../core/errors.js";
import { idpErrors } from "./errors.js";
import type { PoolUser, SchemaAttribute, UserPool } from "./state.js";

/** The standard OpenID Connect attributes every user pool has, with their types. */
export const STANDARD_ATTRIBUTES: Record<string, SchemaAttribute["AttributeDataType"]> = {
  sub: "String",
  name: "String",
  given_name: "String",
  family_name: "String",
  middle_name: "String",
  nickname: "String",
  preferred_username: "String",
  profile: "String",
  picture: "String",
  website: "String",
  email: "String",
  email_verified: "Boolean",
  gender: "String",
  birthdate: "String",
  zoneinfo: "String",
  locale: "String",
  phone_number: "String",
  phone_number_verified: "Boolean",
  address: "String",
  updated_at: "Number",
  identities: "String",
};

function schemaViolation(name: string, problem: string): AwsError {
  return idpErrors.invalidParameter(`Attributes did not conform to the schema: ${name}: ${problem}`);
}

/**
 * Checks user attributes against the pool's schema and formats. `self` marks the self-service
 * operations (SignUp), which may not set the verification flags.
 */
export function checkAttributes(
  pool: UserPool,
  attributes: { Name: string; Value: string }[],
  mode: "create" | "update",
  self = false,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const { Name, Value } of attributes) {
    const known = Object.hasOwn(STANDARD_ATTRIBUTES, Name) || pool.schema.some((s) => s.Name === Name);
    if (!known) throw schemaViolation(Name, "Attribute does not exist in the schema.");
    if (Name === "sub" || Name === "identities") throw schemaViolation(Name, "Attribute cannot be updated. (changing an immutable attribute)");
    if (self && (Name === "email_verified" || Name === "phone_number_verified")) {
      throw idpErrors.notAuthorized("A client attempted to write unauthorized attribute");
    }
    if (Name === "email" && !/^[^@\s]+@[^@\s]+$/.test(Value)) throw idpErrors.invalidParameter("Invalid email address format.");
    if (Name === "phone_number" && !/^\+[0-9]{4,15}$/.test(Value)) throw idpErrors.invalidParameter("Invalid phone number format.");
    if ((Name === "email_verified" || Name === "phone_number_verified") && Value !== "true" && Value !== "false") {
      throw schemaViolation(Name, "Attribute value must be true or false.");
    }
    result[Name] = Value;
  }
  if (mode === "create") {
    for (const attribute of pool.schema) {
      if (attribute.Required && attribute.Name !== "sub" && !result[attribute.Name]) throw schemaViolation(attribute.Name, "The attribute is required");
    }
  }
  return result;
}

/** Attributes set once at creation: sub, identities, and those the schema makes immutable. */
export function checkMutable(pool: UserPool, names: string[]): void {
  for (const name of names) {
    const immutable = name === "sub" || name === "identities" || pool.schema.some((s) => s.Name === name && !s.Mutable);
    if (immutable) throw schemaViolation(name, "Attribute cannot be updated. (changing an immutable attribute)");
  }
}

/** The attribute list AWS returns: sub first, then the rest. */
export function attributeList(user: PoolUser): { Name: string; Value: string }[] {
  return [
    { Name: "sub", Value: user.sub },
    ...Object.entries(user.attributes)
      .filter(([n]) => n !== "sub")
      .map(([Name, Value]) => ({ Name, Value })),
  ];
}

function maskDestination(attribute: string, value: string): string {
  if (attribute === "email") {
    const at = value.indexOf("@");
    return `${value.charAt(0)}***@${value.charAt(at + 1)}***`;
  }
  return `+${"*".repeat(Math.max(0, value.length - 5))}${value.slice(-4)}`;
}

export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: "EMAIL" | "SMS";
  AttributeName: string;
}

export function deliveryTo(attribute: "email" | "phone_number", value: string): CodeDeliveryDetails {
  return { Destination: maskDestination(attribute, value), DeliveryMedium: attribute === "email" ? "EMAIL" : "SMS", AttributeName: attribute };
}

/** Where a sign-up confirmation code goes: an auto-verified attribute the user has (phone first, as Cognito). */
export function confirmationChannel(pool: UserPool, user: PoolUser): CodeDeliveryDetails | undefined {
  for (const attribute of ["phone_number", "email"] as const) {
    const value = user.attributes[attribute];
    if (value && pool.autoVerifiedAttributes.includes(attribute)) return deliveryTo(attribute, value);
  }
  return undefined;
}

/** Where a password-reset code goes: the first verified recovery mechanism in the pool's order. */
export function recoveryChannel(pool: UserPool, user: PoolUser): CodeDeliveryDetails | undefined {
  const setting = pool.extra["AccountRecoverySetting"] as { RecoveryMechanisms?: { Name: string; Priority: number }[] } | undefined;
  const order = setting?.RecoveryMechanisms
    ? [...setting.RecoveryMechanisms].sort((a, b) => a.Priority - b.Priority).map((m) => m.Name)
    : ["verified_phone_number", "verified_email"];
  for (const mechanism of order) {
    const attribute = mechanism === "verified_email" ? "email" : mechanism === "verified_phone_number" ? "phone_number" : undefined;
    if (!attribute) continue;
    const value = user.attributes[attribute];
    if (value && user.attributes[`${attribute}_verified`] === "true") return deliveryTo(attribute, value);
  }
  return undefined;
}
