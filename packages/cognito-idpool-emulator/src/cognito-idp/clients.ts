import type { EmulatorState } from "../state.js";
import { constraint, memberPath, validationError } from "../core/validation.js";
import type { ServiceContext } from "../service.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { newClientId, newClientSecret } from "./ids.js";
import { requirePool } from "./lookup.js";
import { checkOAuthSettings } from "./oauth-settings.js";
import type { UserPool, UserPoolClient } from "./state.js";
import { own } from "../core/records.js";

const FLOWS = [
  "ADMIN_NO_SRP_AUTH",
  "CUSTOM_AUTH_FLOW_ONLY",
  "USER_PASSWORD_AUTH",
  "ALLOW_ADMIN_USER_PASSWORD_AUTH",
  "ALLOW_CUSTOM_AUTH",
  "ALLOW_USER_PASSWORD_AUTH",
  "ALLOW_USER_SRP_AUTH",
  "ALLOW_REFRESH_TOKEN_AUTH",
  "ALLOW_USER_AUTH",
] as const;
/** What a client allows when created without ExplicitAuthFlows (AWS's documented default). */
const DEFAULT_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
const UNITS = ["seconds", "minutes", "hours", "days"] as const;
type Unit = (typeof UNITS)[number];
const UNIT_SECONDS: Record<Unit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/**
 * Token lifetimes. AWS allows ID and access tokens from 5 minutes to 1 day and refresh tokens from
 * 60 minutes to 10 years. The emulator deliberately accepts anything from 1 second so tests can
 * watch tokens expire without waiting; the upper limits are AWS's.
 */
const LIMITS = {
  IdToken: { max: 86400, label: "ID token", defaultValue: 60, defaultUnit: "minutes" as Unit, givenUnit: "hours" as Unit },
  AccessToken: { max: 86400, label: "Access token", defaultValue: 60, defaultUnit: "minutes" as Unit, givenUnit: "hours" as Unit },
  RefreshToken: { max: 3650 * 86400, label: "Refresh token", defaultValue: 30, defaultUnit: "days" as Unit, givenUnit: "days" as Unit },
};

/** Members DescribeUserPoolClient hands back as given; the OAuth ones are read by managed login (hosted-ui/oauth-client.ts). */
const ECHOED = [
  "AllowedOAuthFlowsUserPoolClient",
  "CallbackURLs",
  "LogoutURLs",
  "AllowedOAuthFlows",
  "AllowedOAuthScopes",
  "SupportedIdentityProviders",
  "ReadAttributes",
  "WriteAttributes",
  "DefaultRedirectURI",
  "AnalyticsConfiguration",
] as const;

/** What CreateUserPoolClient and UpdateUserPoolClient set; every member not given takes its default. */
type ClientSettings = Pick<
  UserPoolClient,
  | "explicitAuthFlows"
  | "explicitAuthFlowsGiven"
  | "validity"
  | "described"
  | "preventUserExistenceErrors"
  | "enableTokenRevocation"
  | "authSessionValidity"
  | "rotation"
  | "extra"
>;

/** Reads and checks the settings members of CreateUserPoolClient / UpdateUserPoolClient. */
function readClientSettings(input: Record<string, unknown>, check: InputCheck): ClientSettings {
  const flows = check.stringList("ExplicitAuthFlows", FLOWS);
  const prevent = check.oneOf("PreventUserExistenceErrors", ["ENABLED", "LEGACY"] as const);
  const revocation = check.boolean("EnableTokenRevocation");
  const sessionMinutes = check.integer("AuthSessionValidity", { min: 3, max: 15 });
  const values = {
    IdToken: check.integer("IdTokenValidity", { min: 1 }),
    AccessToken: check.integer("AccessTokenValidity", { min: 1 }),
    RefreshToken: check.integer("RefreshTokenValidity", { min: 0 }),
  };
  const units = check.object("TokenValidityUnits") ?? {};
  const rotation = check.object("RefreshTokenRotation");
  check.done();

  if (flows && flows.some((f) => f.startsWith("ALLOW_")) && flows.some((f) => !f.startsWith("ALLOW_"))) {
    throw idpErrors.invalidParameter("ExplicitAuthFlows can not have both ALLOW_ prefixed and non-ALLOW_ prefixed values.");
  }
  const extra: Record<string, unknown> = {};
  for (const key of ECHOED) if (input[key] !== undefined) extra[key] = input[key];
  return {
    explicitAuthFlows: flows ?? DEFAULT_FLOWS,
    explicitAuthFlowsGiven: flows !== undefined,
    ...readValidity(values, units),
    preventUserExistenceErrors: prevent === "ENABLED",
    enableTokenRevocation: revocation ?? true,
    authSessionValidity: sessionMinutes ?? 3,
    rotation: readRotation(rotation),
    extra,
  };
}

function readValidity(
  values: Record<"IdToken" | "AccessToken" | "RefreshToken", number | undefined>,
  units: Record<string, unknown>,
): Pick<UserPoolClient, "validity" | "described"> {
  const validity = { id: 0, access: 0, refresh: 0 };
  const described = { TokenValidityUnits: { IdToken: "", AccessToken: "", RefreshToken: "" } } as UserPoolClient["described"];
  for (const kind of ["IdToken", "AccessToken", "RefreshToken"] as const) {
    const limit = LIMITS[kind];
    const unitGiven = units[kind];
    if (unitGiven !== undefined && !UNITS.includes(unitGiven as Unit)) {
      throw validationError("InvalidParameterException", unitGiven, memberPath("tokenValidityUnits", kind), constraint.oneOf(UNITS));
    }
    // A value without a unit is in AWS's unit for it (hours, days); no value (or a refresh validity
    // of 0) means AWS's default lifetime.
    const given = values[kind] === 0 ? undefined : values[kind];
    const value = given ?? limit.defaultValue;
    const unit = given === undefined ? limit.defaultUnit : ((unitGiven as Unit | undefined) ?? limit.givenUnit);
    const seconds = value * UNIT_SECONDS[unit];
    if (!Number.isInteger(value) || seconds < 1 || seconds > limit.max) {
      throw idpErrors.invalidParameter(
        `${limit.label} validity must be between 1 second and ${limit.max === 86400 ? "1 day" : "10 years"} (the emulator allows less than AWS's minimum so tests can expire tokens).`,
      );
    }
    validity[kind === "IdToken" ? "id" : kind === "AccessToken" ? "access" : "refresh"] = seconds;
    described[`${kind}Validity` as "IdTokenValidity"] = value;
    described.TokenValidityUnits[kind] = unit;
  }
  return { validity, described };
}

/** RefreshTokenRotation: Feature is required when the structure is given; no grace period by default. */
function readRotation(value: Record<string, unknown> | undefined): NonNullable<UserPoolClient["rotation"]> {
  if (!value) return { enabled: false, retryGracePeriodSeconds: 0 };
  const check = new InputCheck(value, "refreshTokenRotation.");
  const feature = check.oneOf("Feature", ["ENABLED", "DISABLED"] as const, true);
  const grace = check.integer("RetryGracePeriodSeconds", { min: 0, max: 60 });
  check.done();
  return { enabled: feature === "ENABLED", retryGracePeriodSeconds: grace ?? 0 };
}

/** Whether the client rotates refresh tokens (GetTokensFromRefreshToken only, with a new refresh token each time). */
export function rotatesRefreshTokens(client: UserPoolClient): boolean {
  return client.rotation?.enabled === true;
}

export function createClient(pool: UserPool, input: Record<string, unknown>, now: number, fixedId?: string): UserPoolClient {
  const check = new InputCheck(input);
  const name = check.string("ClientName", { required: true, ...shapes.name })!;
  const generateSecret = check.boolean("GenerateSecret") ?? false;
  const settings = readClientSettings(input, check);
  checkOAuthSettings(pool, input, generateSecret);
  const clientId = fixedId ?? newClientId();
  if (fixedId !== undefined && !/^[\w+]{1,128}$/.test(fixedId)) throw idpErrors.invalidParameter(`Seed client id ${fixedId} does not match [\\w+]+.`);
  if (Object.hasOwn(pool.clients, clientId)) throw idpErrors.invalidParameter(`User pool client ${clientId} already exists.`);
  const client: UserPoolClient = {
    ClientId: clientId,
    ClientName: name,
    ...(generateSecret ? { ClientSecret: newClientSecret() } : {}),
    CreationDate: now / 1000,
    LastModifiedDate: now / 1000,
    ...settings,
  };
  pool.clients[clientId] = client;
  return client;
}

/**
 * UpdateUserPoolClient replaces the client's settings: as AWS documents, a member not given goes back
 * to its default (not to its previous value). The id, the secret and the creation date stay; so does
 * the name when none is given, since it has no default.
 */
function updateClient(client: UserPoolClient, input: Record<string, unknown>, now: number): void {
  const check = new InputCheck(input);
  const name = check.string("ClientName", shapes.name);
  const settings = readClientSettings(input, check);
  Object.assign(client, settings, { ClientName: name ?? client.ClientName, LastModifiedDate: now / 1000 });
}

/** Whether the client lets a flow through; legacy (non-ALLOW_) lists always allow custom auth and refresh, and SRP unless CUSTOM_AUTH_FLOW_ONLY. */
export function flowEnabled(
  client: UserPoolClient,
  flow: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH" | "ADMIN_USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH" | "CUSTOM_AUTH" | "USER_AUTH",
): boolean {
  const flows = client.explicitAuthFlows;
  const legacy = flows.length > 0 && flows.every((f) => !f.startsWith("ALLOW_"));
  switch (flow) {
    case "USER_SRP_AUTH":
      return flows.includes("ALLOW_USER_SRP_AUTH") || (legacy && !flows.includes("CUSTOM_AUTH_FLOW_ONLY"));
    case "USER_PASSWORD_AUTH":
      return flows.includes("ALLOW_USER_PASSWORD_AUTH") || flows.includes("USER_PASSWORD_AUTH");
    case "ADMIN_USER_PASSWORD_AUTH":
      return flows.includes("ALLOW_ADMIN_USER_PASSWORD_AUTH") || flows.includes("ADMIN_NO_SRP_AUTH");
    case "REFRESH_TOKEN_AUTH":
      return flows.includes("ALLOW_REFRESH_TOKEN_AUTH") || legacy;
    case "CUSTOM_AUTH":
      return flows.includes("ALLOW_CUSTOM_AUTH") || legacy;
    case "USER_AUTH":
      // Choice-based sign-in has no legacy (non-ALLOW_) name: only ALLOW_USER_AUTH lets it through.
      return flows.includes("ALLOW_USER_AUTH");
  }
}

function describeClient(poolId: string, client: UserPoolClient): Record<string, unknown> {
  return {
    UserPoolId: poolId,
    ClientName: client.ClientName,
    ClientId: client.ClientId,
    ...(client.ClientSecret ? { ClientSecret: client.ClientSecret } : {}),
    LastModifiedDate: client.LastModifiedDate,
    CreationDate: client.CreationDate,
    RefreshTokenValidity: client.described.RefreshTokenValidity,
    AccessTokenValidity: client.described.AccessTokenValidity,
    IdTokenValidity: client.described.IdTokenValidity,
    TokenValidityUnits: client.described.TokenValidityUnits,
    ...(client.explicitAuthFlowsGiven ? { ExplicitAuthFlows: client.explicitAuthFlows } : {}),
    AllowedOAuthFlowsUserPoolClient: false,
    PreventUserExistenceErrors: client.preventUserExistenceErrors ? "ENABLED" : "LEGACY",
    EnableTokenRevocation: client.enableTokenRevocation,
    EnablePropagateAdditionalUserContextData: false,
    AuthSessionValidity: client.authSessionValidity,
    RefreshTokenRotation: {
      Feature: rotatesRefreshTokens(client) ? "ENABLED" : "DISABLED",
      RetryGracePeriodSeconds: client.rotation?.retryGracePeriodSeconds ?? 0,
    },
    ...client.extra,
  };
}

export function createUserPoolClientOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const pool = poolOf(ctx.state, input);
  const client = createClient(pool, input, ctx.clock.now());
  return { UserPoolClient: describeClient(pool.Id, client) };
}

export function describeUserPoolClientOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const pool = poolOf(ctx.state, input, true);
  const clientId = input["ClientId"] as string;
  const client = own(pool.clients, clientId);
  if (!client) throw idpErrors.clientNotFound(clientId);
  return { UserPoolClient: describeClient(pool.Id, client) };
}

export function updateUserPoolClientOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const pool = poolOf(ctx.state, input, true);
  const clientId = input["ClientId"] as string;
  const client = own(pool.clients, clientId);
  if (!client) throw idpErrors.clientNotFound(clientId);
  checkOAuthSettings(pool, input, client.ClientSecret !== undefined);
  updateClient(client, input, ctx.clock.now());
  return { UserPoolClient: describeClient(pool.Id, client) };
}

export function deleteUserPoolClientOperation(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const pool = poolOf(ctx.state, input, true);
  const clientId = input["ClientId"] as string;
  if (!Object.hasOwn(pool.clients, clientId)) throw idpErrors.clientNotFound(clientId);
  delete pool.clients[clientId];
  return {};
}

function poolOf(state: EmulatorState, input: Record<string, unknown>, withClient = false): UserPool {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  if (withClient) check.string("ClientId", { required: true, ...shapes.clientId });
  check.done();
  return requirePool(state, poolId);
}
