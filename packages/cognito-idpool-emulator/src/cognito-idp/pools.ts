import { describedDomain } from "./domains.js";
import { ACCOUNT_ID } from "../core/account.js";
import { constraint, validationError } from "../core/validation.js";
import type { EmulatorState } from "../state.js";
import type { ServiceContext } from "../service.js";
import { STANDARD_ATTRIBUTES } from "./attributes.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { newUserPoolId } from "./ids.js";
import { requirePool } from "./lookup.js";
import { DEFAULT_PASSWORD_POLICY } from "./password-policy.js";
import type { FirstAuthFactor, MfaConfiguration, PasswordPolicy, SchemaAttribute, UserPool, VerifiedAttribute, WebAuthnConfig } from "./state.js";
import { newSigningKey } from "./tokens.js";
import { checkLambdaConfig } from "./triggers.js";
import { describeDeviceConfiguration, readDeviceConfiguration, setDeviceConfiguration } from "./devices.js";

/** CreateUserPool members DescribeUserPool hands back as given; of these the emulator acts on LambdaConfig only (triggers.ts). */
const ECHOED = [
  "UserPoolTags",
  "EmailConfiguration",
  "SmsConfiguration",
  "VerificationMessageTemplate",
  "AccountRecoverySetting",
  "LambdaConfig",
  "UserPoolAddOns",
  "EmailVerificationMessage",
  "EmailVerificationSubject",
  "SmsVerificationMessage",
  "SmsAuthenticationMessage",
] as const;

const MFA_VALUES = ["OFF", "ON", "OPTIONAL"] as const;
/** SignInPolicyType.AllowedFirstAuthFactors. (The model also lists SOFTWARE_TOKEN, which AWS documents as not supported.) */
const FIRST_FACTORS = ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"] as const;

/** Policies.SignInPolicy: the first factors USER_AUTH offers; PASSWORD is always one of them. */
function readSignInPolicy(value: unknown): FirstAuthFactor[] {
  if (value === undefined || value === null) return ["PASSWORD"];
  if (typeof value !== "object" || Array.isArray(value)) throw idpErrors.invalidParameter("Policies.SignInPolicy must be a structure.");
  const check = new InputCheck(value as Record<string, unknown>, "policies.signInPolicy.");
  const factors = check.stringList("AllowedFirstAuthFactors", FIRST_FACTORS);
  check.done();
  if (factors === undefined) return ["PASSWORD"];
  if (factors.length < 1 || factors.length > FIRST_FACTORS.length) {
    const limit = factors.length < 1 ? constraint.minLength(1) : constraint.maxLength(FIRST_FACTORS.length);
    throw validationError("InvalidParameterException", factors, "policies.signInPolicy.allowedFirstAuthFactors", limit);
  }
  // [INF] AWS requires PASSWORD among the first factors (its consoles and CDK insist on it); the wording is the emulator's.
  if (!factors.includes("PASSWORD")) throw idpErrors.invalidParameter("AllowedFirstAuthFactors must include PASSWORD.");
  return [...new Set(factors)] as FirstAuthFactor[];
}

/**
 * Required MFA leaves room only for PASSWORD and WEB_AUTHN as first factors, and WEB_AUTHN only when
 * passkeys count as MFA (FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION). `fromMfaConfig`:
 * SetUserPoolMfaConfig words the passkey refusal differently from Create/UpdateUserPool.
 */
function checkFactorsAgainstMfa(
  configuration: MfaConfiguration,
  factors: FirstAuthFactor[],
  webAuthn: WebAuthnConfig | undefined,
  fromMfaConfig: boolean,
): void {
  if (configuration !== "ON") return;
  if (factors.includes("EMAIL_OTP") || factors.includes("SMS_OTP")) throw idpErrors.otpFactorWithMfa();
  if (factors.includes("WEB_AUTHN") && webAuthn?.factorConfiguration !== "MULTI_FACTOR_WITH_USER_VERIFICATION") {
    throw fromMfaConfig ? idpErrors.webAuthnSingleFactorWithMfa() : idpErrors.webAuthnFactorWithMfa();
  }
}

/** SetUserPoolMfaConfig's WebAuthnConfiguration; UserVerification defaults to preferred, as on AWS. */
function readWebAuthnConfiguration(value: Record<string, unknown>): WebAuthnConfig {
  const check = new InputCheck(value, "webAuthnConfiguration.");
  const relyingPartyId = check.string("RelyingPartyId", { min: 1, max: 127 });
  const userVerification = check.oneOf("UserVerification", ["required", "preferred"] as const);
  const factorConfiguration = check.oneOf("FactorConfiguration", ["SINGLE_FACTOR", "MULTI_FACTOR_WITH_USER_VERIFICATION"] as const);
  check.done();
  return {
    ...(relyingPartyId !== undefined ? { relyingPartyId } : {}),
    userVerification: userVerification ?? "preferred",
    ...(factorConfiguration !== undefined ? { factorConfiguration } : {}),
  };
}

/** Creates a pool from CreateUserPool's input; `fixedId` lets seeds choose the id. */
export async function createUserPool(state: EmulatorState, input: Record<string, unknown>, region: string, now: number, fixedId?: string): Promise<UserPool> {
  const check = new InputCheck(input);
  const name = check.string("PoolName", { required: true, ...shapes.name })!;
  const mfaConfiguration = check.oneOf("MfaConfiguration", MFA_VALUES) ?? "OFF";
  const autoVerified = check.stringList("AutoVerifiedAttributes", ["phone_number", "email"]) ?? [];
  const usernameAttributes = check.stringList("UsernameAttributes", ["phone_number", "email"]) ?? [];
  const aliasAttributes = check.stringList("AliasAttributes", ["phone_number", "email", "preferred_username"]) ?? [];
  check.oneOf("DeletionProtection", ["ACTIVE", "INACTIVE"]);
  const policies = check.object("Policies");
  const usernameConfiguration = check.object("UsernameConfiguration");
  const adminCreateUserConfig = check.object("AdminCreateUserConfig");
  const updateSettings = check.object("UserAttributeUpdateSettings");
  check.done();
  checkLambdaConfig(input["LambdaConfig"]);
  const verifyBeforeUpdate = readUpdateSettings(updateSettings, autoVerified);
  const deviceConfiguration = readDeviceConfiguration(input["DeviceConfiguration"]);

  const passwordPolicy = readPasswordPolicy(policies?.["PasswordPolicy"]);
  const firstAuthFactors = readSignInPolicy(policies?.["SignInPolicy"]);
  checkFactorsAgainstMfa(mfaConfiguration, firstAuthFactors, undefined, false);
  if (usernameAttributes.length && aliasAttributes.length) {
    throw idpErrors.invalidParameter("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.");
  }
  const smsConfigured = input["SmsConfiguration"] !== undefined;
  if (mfaConfiguration !== "OFF" && !smsConfigured) {
    throw idpErrors.invalidParameter("SMS configuration and Auto verification for phone_number are required when MFA is required/optional");
  }
  if (fixedId !== undefined && (!new RegExp(`^${shapes.userPoolId.pattern}$`).test(fixedId) || fixedId.length > shapes.userPoolId.max)) {
    throw idpErrors.invalidParameter(`Seed user pool id ${fixedId} does not match ${shapes.userPoolId.pattern}.`);
  }
  const id = fixedId ?? newUserPoolId(region);
  if (Object.hasOwn(state.cognitoIdp.pools, id)) throw idpErrors.invalidParameter(`User pool ${id} already exists.`);

  const extra: Record<string, unknown> = {};
  for (const key of ECHOED) if (input[key] !== undefined) extra[key] = input[key];
  const [idKey, accessKey] = await Promise.all([newSigningKey(), newSigningKey()]);
  const seconds = now / 1000;
  const poolRegion = id.slice(0, id.indexOf("_"));
  const pool: UserPool = {
    Id: id,
    Name: name,
    Arn: `arn:aws:cognito-idp:${poolRegion}:${ACCOUNT_ID}:userpool/${id}`,
    CreationDate: seconds,
    LastModifiedDate: seconds,
    passwordPolicy,
    mfa: { configuration: mfaConfiguration, softwareToken: false, sms: mfaConfiguration !== "OFF" && smsConfigured, email: false },
    usernameAttributes,
    aliasAttributes,
    autoVerifiedAttributes: autoVerified,
    caseSensitive: usernameConfiguration?.["CaseSensitive"] !== false,
    allowAdminCreateUserOnly: adminCreateUserConfig?.["AllowAdminCreateUserOnly"] === true,
    schema: readSchema(input["Schema"]),
    verifyBeforeUpdate,
    extra,
    keys: { id: idKey, access: accessKey },
    clients: {},
    users: {},
    groups: {},
    families: {},
    firstAuthFactors,
    ...(deviceConfiguration ? { deviceConfiguration } : {}),
  };
  state.cognitoIdp.pools[id] = pool;
  return pool;
}

/**
 * UserAttributeUpdateSettings: which attributes keep their old value until a new one is verified.
 * Only attributes the pool verifies (AutoVerifiedAttributes) can be among them.
 */
function readUpdateSettings(value: Record<string, unknown> | undefined, autoVerified: string[]): VerifiedAttribute[] {
  if (!value) return [];
  const check = new InputCheck(value, "userAttributeUpdateSettings.");
  const attributes = check.stringList("AttributesRequireVerificationBeforeUpdate", ["phone_number", "email"]) ?? [];
  check.done();
  const unverified = attributes.filter((a) => !autoVerified.includes(a));
  // [INF] AWS requires this; its wording is not documented.
  if (unverified.length) {
    throw idpErrors.invalidParameter(
      `AttributesRequireVerificationBeforeUpdate may only name auto-verified attributes; ${unverified.join(", ")} is not in AutoVerifiedAttributes.`,
    );
  }
  return attributes as VerifiedAttribute[];
}

function readPasswordPolicy(value: unknown): PasswordPolicy {
  if (value === undefined || value === null) return { ...DEFAULT_PASSWORD_POLICY };
  if (typeof value !== "object") throw idpErrors.invalidParameter("Policies.PasswordPolicy must be a structure.");
  const check = new InputCheck(value as Record<string, unknown>, "policies.passwordPolicy.");
  const minimumLength = check.integer("MinimumLength", { min: 6, max: 99 });
  const temporaryDays = check.integer("TemporaryPasswordValidityDays", { min: 0, max: 365 });
  const flags = {
    RequireUppercase: check.boolean("RequireUppercase"),
    RequireLowercase: check.boolean("RequireLowercase"),
    RequireNumbers: check.boolean("RequireNumbers"),
    RequireSymbols: check.boolean("RequireSymbols"),
  };
  check.done();
  // A policy given without a flag leaves that requirement off, as AWS does.
  return {
    MinimumLength: minimumLength ?? DEFAULT_PASSWORD_POLICY.MinimumLength,
    RequireUppercase: flags.RequireUppercase ?? false,
    RequireLowercase: flags.RequireLowercase ?? false,
    RequireNumbers: flags.RequireNumbers ?? false,
    RequireSymbols: flags.RequireSymbols ?? false,
    TemporaryPasswordValidityDays: temporaryDays || DEFAULT_PASSWORD_POLICY.TemporaryPasswordValidityDays,
  };
}

function readSchema(value: unknown): SchemaAttribute[] {
  const given = new Map<string, Record<string, unknown>>();
  if (value !== undefined && value !== null) {
    if (!Array.isArray(value)) throw idpErrors.invalidParameter("Schema must be a list of attributes.");
    for (const entry of value as Record<string, unknown>[]) {
      if (typeof entry?.["Name"] !== "string" || entry["Name"] === "") throw idpErrors.invalidParameter("Schema attributes need a Name.");
      given.set(entry["Name"] as string, entry);
    }
  }
  const schema: SchemaAttribute[] = Object.entries(STANDARD_ATTRIBUTES).map(([name, type]) => {
    const entry = given.get(name);
    given.delete(name);
    return {
      Name: name,
      AttributeDataType: type,
      DeveloperOnlyAttribute: false,
      Mutable: name !== "sub" && entry?.["Mutable"] !== false,
      Required: name === "sub" || entry?.["Required"] === true,
      ...(type === "String" ? { StringAttributeConstraints: { MinLength: name === "sub" ? "1" : "0", MaxLength: "2048" } } : {}),
    };
  });
  for (const [name, entry] of given) {
    const type = entry["AttributeDataType"];
    if (type !== "String" && type !== "Number" && type !== "DateTime" && type !== "Boolean") {
      throw idpErrors.invalidParameter("Invalid AttributeDataType input, consider using the provided AttributeDataType enum.");
    }
    if (entry["Required"] === true) throw idpErrors.invalidParameter("Required custom attributes are not supported currently.");
    const constraints =
      type === "String"
        ? { StringAttributeConstraints: (entry["StringAttributeConstraints"] as SchemaAttribute["StringAttributeConstraints"]) ?? {} }
        : type === "Number"
          ? { NumberAttributeConstraints: (entry["NumberAttributeConstraints"] as SchemaAttribute["NumberAttributeConstraints"]) ?? {} }
          : {};
    schema.push({
      Name: entry["DeveloperOnlyAttribute"] === true ? `dev:custom:${name}` : `custom:${name}`,
      AttributeDataType: type,
      DeveloperOnlyAttribute: entry["DeveloperOnlyAttribute"] === true,
      Mutable: entry["Mutable"] !== false,
      Required: false,
      ...constraints,
    });
  }
  return schema;
}

/** The UserPool structure of CreateUserPool and DescribeUserPool. */
export function describePool(pool: UserPool): Record<string, unknown> {
  return {
    Id: pool.Id,
    Name: pool.Name,
    Arn: pool.Arn,
    Policies: { PasswordPolicy: { ...pool.passwordPolicy }, SignInPolicy: { AllowedFirstAuthFactors: [...(pool.firstAuthFactors ?? ["PASSWORD"])] } },
    DeletionProtection: "INACTIVE",
    LambdaConfig: {},
    LastModifiedDate: pool.LastModifiedDate,
    CreationDate: pool.CreationDate,
    SchemaAttributes: pool.schema,
    AutoVerifiedAttributes: pool.autoVerifiedAttributes,
    ...(pool.usernameAttributes.length ? { UsernameAttributes: pool.usernameAttributes } : {}),
    ...(pool.aliasAttributes.length ? { AliasAttributes: pool.aliasAttributes } : {}),
    VerificationMessageTemplate: { DefaultEmailOption: "CONFIRM_WITH_CODE" },
    MfaConfiguration: pool.mfa.configuration,
    EstimatedNumberOfUsers: Object.keys(pool.users).length,
    EmailConfiguration: { EmailSendingAccount: "COGNITO_DEFAULT" },
    AdminCreateUserConfig: {
      AllowAdminCreateUserOnly: pool.allowAdminCreateUserOnly,
      UnusedAccountValidityDays: pool.passwordPolicy.TemporaryPasswordValidityDays,
    },
    UsernameConfiguration: { CaseSensitive: pool.caseSensitive },
    UserPoolTier: "ESSENTIALS",
    UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: pool.verifyBeforeUpdate ?? [] },
    ...describeDeviceConfiguration(pool),
    ...describedDomain(pool),
    ...pool.extra,
  };
}

export async function createUserPoolOperation(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const pool = await createUserPool(ctx.state, input, ctx.region, ctx.clock.now());
  return { UserPool: describePool(pool) };
}

export function describeUserPoolOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  check.done();
  return { UserPool: describePool(requirePool(ctx.state, poolId)) };
}

export function deleteUserPoolOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  check.done();
  const pool = requirePool(ctx.state, poolId);
  // As on AWS, the domain must go first (DeleteUserPoolDomain).
  if (pool.domain) throw idpErrors.invalidParameter("User pool cannot be deleted. It has a domain configured that should be deleted first.");
  delete ctx.state.cognitoIdp.pools[poolId];
  for (const [session, open] of Object.entries(ctx.state.cognitoIdp.sessions)) if (open.poolId === poolId) delete ctx.state.cognitoIdp.sessions[session];
  return {};
}

/**
 * UpdateUserPool: every updatable member not given goes back to its default, as AWS documents. The
 * schema, username and alias attributes, case sensitivity, keys, clients, users and groups stay; so
 * do TOTP and email MFA switched on by SetUserPoolMfaConfig (UpdateUserPool cannot name them).
 */
export function updateUserPoolOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const name = check.string("PoolName", shapes.name);
  const mfaConfiguration = check.oneOf("MfaConfiguration", MFA_VALUES) ?? "OFF";
  const autoVerified = check.stringList("AutoVerifiedAttributes", ["phone_number", "email"]) ?? [];
  check.oneOf("DeletionProtection", ["ACTIVE", "INACTIVE"]);
  const policies = check.object("Policies");
  const adminCreateUserConfig = check.object("AdminCreateUserConfig");
  const updateSettings = check.object("UserAttributeUpdateSettings");
  check.done();
  const pool = requirePool(ctx.state, poolId);
  checkLambdaConfig(input["LambdaConfig"]);
  const verifyBeforeUpdate = readUpdateSettings(updateSettings, autoVerified);
  const deviceConfiguration = readDeviceConfiguration(input["DeviceConfiguration"]);
  const passwordPolicy = readPasswordPolicy(policies?.["PasswordPolicy"]);
  const firstAuthFactors = readSignInPolicy(policies?.["SignInPolicy"]);
  checkFactorsAgainstMfa(mfaConfiguration, firstAuthFactors, pool.webAuthn, false);
  const smsConfigured = input["SmsConfiguration"] !== undefined;
  if (mfaConfiguration !== "OFF" && !smsConfigured && !pool.mfa.softwareToken && !pool.mfa.email) {
    throw idpErrors.invalidParameter("SMS configuration and Auto verification for phone_number are required when MFA is required/optional");
  }
  if (name !== undefined) pool.Name = name;
  pool.passwordPolicy = passwordPolicy;
  pool.firstAuthFactors = firstAuthFactors;
  pool.mfa = { ...pool.mfa, configuration: mfaConfiguration, sms: mfaConfiguration !== "OFF" && smsConfigured };
  pool.autoVerifiedAttributes = autoVerified;
  pool.allowAdminCreateUserOnly = adminCreateUserConfig?.["AllowAdminCreateUserOnly"] === true;
  pool.verifyBeforeUpdate = verifyBeforeUpdate;
  setDeviceConfiguration(pool, deviceConfiguration);
  for (const key of ECHOED) {
    if (input[key] !== undefined) pool.extra[key] = input[key];
    else delete pool.extra[key];
  }
  pool.LastModifiedDate = ctx.clock.now() / 1000;
  return {};
}

/** SetUserPoolMfaConfig: how TOTP (and email) MFA are switched on; a method left out is off. */
export function setUserPoolMfaConfig(pool: UserPool, input: Record<string, unknown>): void {
  const check = new InputCheck(input);
  const configuration = check.oneOf("MfaConfiguration", MFA_VALUES);
  const software = check.object("SoftwareTokenMfaConfiguration");
  const sms = check.object("SmsMfaConfiguration");
  const email = check.object("EmailMfaConfiguration");
  const webAuthnInput = check.object("WebAuthnConfiguration");
  check.done();
  // Passkeys are configured independently of MFA: left out, the pool's passkey settings stay.
  const webAuthn = webAuthnInput ? readWebAuthnConfiguration(webAuthnInput) : pool.webAuthn;
  const next = {
    configuration: (configuration ?? pool.mfa.configuration) as MfaConfiguration,
    softwareToken: software?.["Enabled"] === true,
    sms: sms !== undefined && (sms["SmsConfiguration"] !== undefined || pool.extra["SmsConfiguration"] !== undefined),
    email: email !== undefined,
  };
  if (next.configuration !== "OFF" && !next.softwareToken && !next.sms && !next.email) {
    throw idpErrors.invalidParameter("At least one MFA method (SMS, software token or email) must be enabled when MFA is required or optional.");
  }
  checkFactorsAgainstMfa(next.configuration, pool.firstAuthFactors ?? ["PASSWORD"], webAuthn, true);
  if (sms?.["SmsConfiguration"] !== undefined) pool.extra["SmsConfiguration"] = sms["SmsConfiguration"];
  pool.mfa = next;
  if (webAuthn) pool.webAuthn = webAuthn;
}

function describeMfaConfig(pool: UserPool): Record<string, unknown> {
  return {
    MfaConfiguration: pool.mfa.configuration,
    SoftwareTokenMfaConfiguration: { Enabled: pool.mfa.softwareToken },
    ...(pool.mfa.sms ? { SmsMfaConfiguration: { SmsConfiguration: pool.extra["SmsConfiguration"] ?? {} } } : {}),
    ...(pool.mfa.email ? { EmailMfaConfiguration: {} } : {}),
    ...(pool.webAuthn ? { WebAuthnConfiguration: describeWebAuthn(pool.webAuthn) } : {}),
  };
}

function describeWebAuthn(config: WebAuthnConfig): Record<string, unknown> {
  return {
    ...(config.relyingPartyId !== undefined ? { RelyingPartyId: config.relyingPartyId } : {}),
    UserVerification: config.userVerification,
    ...(config.factorConfiguration !== undefined ? { FactorConfiguration: config.factorConfiguration } : {}),
  };
}

export function setUserPoolMfaConfigOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  check.done();
  const pool = requirePool(ctx.state, poolId);
  setUserPoolMfaConfig(pool, input);
  pool.LastModifiedDate = ctx.clock.now() / 1000;
  return describeMfaConfig(pool);
}

export function getUserPoolMfaConfigOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  check.done();
  return describeMfaConfig(requirePool(ctx.state, poolId));
}
