import { randomBytes, randomUUID } from "node:crypto";
import { ACCOUNT_ID } from "../core/account.js";
import { AwsError } from "../core/errors.js";
import { own } from "../core/records.js";
import type { ServiceContext } from "../service.js";
import { accessTokenOf, authenticate, authenticated } from "./access-token.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import type { SignIn } from "./sign-in.js";
import { findUser, requirePool, requireUser } from "./lookup.js";
import { checkSecretHash } from "./secret-hash.js";
import { openSession, takeSession } from "./sessions.js";
import { parseClientPublic, parseSrpTimestamp, serverEphemeral, verifyPasswordClaim } from "./srp.js";
import type { DeviceConfiguration, PoolUser, TokenFamily, UserDevice, UserPool, UserPoolClient } from "./state.js";

/**
 * Device tracking ("remembered devices"). A pool with a DeviceConfiguration hands every sign-in made
 * without a device a new device key (AuthenticationResult.NewDeviceMetadata). ConfirmDevice registers
 * an SRP verifier for it, whose password only the device knows; later sign-ins naming the device
 * (DEVICE_KEY) prove it with DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER, an SRP exchange in which the
 * DeviceGroupKey plays the pool name and the DeviceKey the user. A remembered device stands in for
 * MFA when the pool says so (ChallengeRequiredOnNewDevice). Refresh tokens of a sign-in made on a
 * device work only with that device's key, and stop once it is forgotten.
 */

const errors = {
  /** What amazon-cognito-identity-js recognises (ResourceNotFoundException naming a device) to drop a stale key and retry. */
  deviceNotFound: () => new AwsError("ResourceNotFoundException", "Device does not exist."),
  /** ConfirmDevice of a key that is not one of the user's unconfirmed devices, as users of AWS's clients report it. */
  invalidDeviceKey: () => new AwsError("InvalidParameterException", "Invalid device key given."),
  /** [INF] AWS documents the exception for ConfirmDevice but not its message. */
  deviceKeyExists: () => new AwsError("DeviceKeyExistsException", "Device key already exists."),
  /** [INF] A wrong device proof is refused as a wrong password is; AWS does not document the message. */
  wrongDeviceProof: () => new AwsError("NotAuthorizedException", "Incorrect username or password."),
};

/** The DeviceKey shape of the API model. */
const DEVICE_KEY = { min: 1, max: 55, pattern: "[\\w-]+_[0-9a-f-]+" };
/** Unconfirmed device keys kept per user: every sign-in without a device makes one, and few are ever confirmed. */
const UNCONFIRMED_KEPT = 20;
/** ListDevices' Limit: at most 60, the default when absent or 0. */
const LIST_LIMIT = 60;

// ---- the pool's DeviceConfiguration ----

/**
 * DeviceConfiguration of CreateUserPool / UpdateUserPool. Giving any of its members switches device
 * tracking on (AWS: "When you provide a value for any property of DeviceConfiguration, you activate
 * the device remembering"); an empty structure or none leaves it off.
 */
export function readDeviceConfiguration(value: unknown): DeviceConfiguration | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new AwsError("SerializationException", "DeviceConfiguration must be a structure.");
  const check = new InputCheck(value as Record<string, unknown>, "deviceConfiguration.");
  const challenge = check.boolean("ChallengeRequiredOnNewDevice");
  const prompt = check.boolean("DeviceOnlyRememberedOnUserPrompt");
  check.done();
  if (challenge === undefined && prompt === undefined) return undefined;
  return { ChallengeRequiredOnNewDevice: challenge ?? false, DeviceOnlyRememberedOnUserPrompt: prompt ?? false };
}

/** UpdateUserPool: the configuration given, or none (tracking off) when left out, as for its other members. */
export function setDeviceConfiguration(pool: UserPool, configuration: DeviceConfiguration | undefined): void {
  if (configuration) pool.deviceConfiguration = configuration;
  else delete pool.deviceConfiguration;
  // State saved before the configuration was read kept it as an echoed input member.
  delete pool.extra["DeviceConfiguration"];
}

/** The pool's device tracking, or undefined when it has none. Older saved state has it in `extra`. */
export function deviceTracking(pool: UserPool): DeviceConfiguration | undefined {
  if (pool.deviceConfiguration) return pool.deviceConfiguration;
  try {
    return readDeviceConfiguration(pool.extra["DeviceConfiguration"]);
  } catch {
    return undefined;
  }
}

/** DescribeUserPool's DeviceConfiguration member (absent when the pool does not track devices). */
export function describeDeviceConfiguration(pool: UserPool): { DeviceConfiguration?: DeviceConfiguration } {
  const tracking = deviceTracking(pool);
  return tracking ? { DeviceConfiguration: { ...tracking } } : {};
}

// ---- devices during sign-in ----

function devicesOf(user: PoolUser): Record<string, UserDevice> {
  user.devices ??= {};
  return user.devices;
}

function deviceOf(user: PoolUser, deviceKey: string): UserDevice | undefined {
  return user.devices ? own(user.devices, deviceKey) : undefined;
}

/**
 * The DEVICE_KEY a sign-in names (USER_PASSWORD_AUTH's AuthParameters, the PASSWORD_VERIFIER
 * answer): it must be one of the user's devices, or Cognito answers ResourceNotFoundException, upon
 * which AWS's clients forget the key and answer again without it. Ignored where the pool does not
 * track devices, and for an unknown user (the sign-in fails on the password instead).
 */
export function signInDevice(pool: UserPool, userKey: string | undefined, deviceKey: string | undefined): string | undefined {
  if (deviceKey === undefined || userKey === undefined || !deviceTracking(pool)) return undefined;
  const user = own(pool.users, userKey);
  if (!user) return undefined;
  if (!deviceOf(user, deviceKey)) throw errors.deviceNotFound();
  return deviceKey;
}

/** A confirmed device of the user, where the pool tracks devices: one that can prove itself. */
function confirmedDevice(signIn: SignIn): UserDevice | undefined {
  if (signIn.deviceKey === undefined || !deviceTracking(signIn.pool)) return undefined;
  const device = deviceOf(signIn.user, signIn.deviceKey);
  return device?.confirmed ? device : undefined;
}

/**
 * Whether a remembered device stands in for the MFA the user would be asked for: only where the pool
 * allows it (ChallengeRequiredOnNewDevice) and the device is remembered. The device then proves
 * itself (DEVICE_SRP_AUTH) instead. A new, unconfirmed or not-remembered device gets MFA as usual.
 */
export function deviceReplacesMfa(signIn: SignIn): boolean {
  return deviceTracking(signIn.pool)?.ChallengeRequiredOnNewDevice === true && confirmedDevice(signIn)?.remembered === true;
}

/**
 * Before tokens are issued: a sign-in that names a confirmed device must prove it has that device's
 * secret, so it is challenged with DEVICE_SRP_AUTH (after MFA, or in its place for a remembered
 * device). Undefined when there is nothing to prove.
 */
export function deviceChallenge(signIn: SignIn): Record<string, unknown> | undefined {
  if (signIn.deviceVerified || !confirmedDevice(signIn)) return undefined;
  const { ctx, pool, client, key, user } = signIn;
  const session = openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    userKey: key,
    challenge: "DEVICE_SRP_AUTH",
    deviceKey: signIn.deviceKey!,
  });
  return { ChallengeName: "DEVICE_SRP_AUTH", Session: session, ChallengeParameters: { USERNAME: user.Username } };
}

/**
 * The device the tokens being issued belong to: the one the sign-in named (its last sign-in is now),
 * or on a pool that tracks devices a new one, returned as NewDeviceMetadata.
 */
export function tokenDevice(signIn: SignIn): { deviceKey?: string; newDevice?: { DeviceKey: string; DeviceGroupKey: string } } {
  const { ctx, pool, user } = signIn;
  if (!deviceTracking(pool)) return {};
  const now = ctx.clock.now();
  const ip = clientIp(ctx);
  if (signIn.deviceKey !== undefined) {
    const device = deviceOf(user, signIn.deviceKey);
    if (device) {
      device.lastAuthenticated = now;
      if (ip) device.lastIp = ip;
      return { deviceKey: signIn.deviceKey };
    }
  }
  const devices = devicesOf(user);
  const unconfirmed = Object.entries(devices).filter(([, d]) => !d.confirmed);
  for (const [stale] of unconfirmed.slice(0, Math.max(0, unconfirmed.length - UNCONFIRMED_KEPT + 1))) delete devices[stale];
  const deviceKey = `${pool.Id.slice(0, pool.Id.indexOf("_"))}_${randomUUID()}`;
  // One group per user: the key the device's SRP hashes as its "pool name".
  user.deviceGroupKey ??= `-${randomBytes(6).toString("base64url")}`;
  devices[deviceKey] = { remembered: false, created: now, modified: now, lastAuthenticated: now, ...(ip ? { lastIp: ip } : {}) };
  return { deviceKey, newDevice: { DeviceKey: deviceKey, DeviceGroupKey: user.deviceGroupKey } };
}

/** The caller's address as a proxy in front of the emulator reports it; a direct local call has none worth keeping. */
function clientIp(ctx: ServiceContext): string | undefined {
  const forwarded = ctx.request.headers["x-forwarded-for"];
  return forwarded?.split(",")[0]?.trim() || undefined;
}

function requiredResponse(responses: Record<string, string>, name: string): string {
  const value = responses[name];
  if (value === undefined || value === "") throw idpErrors.missingParameter(name);
  return value;
}

/** The session's user, answered for by name (any name that finds them), with the client's SECRET_HASH. */
function answeringUser(pool: UserPool, client: UserPoolClient, userKey: string | undefined, responses: Record<string, string>): PoolUser {
  const username = requiredResponse(responses, "USERNAME");
  const user = userKey !== undefined ? own(pool.users, userKey) : undefined;
  if (!user || findUser(pool, username)?.key !== userKey) throw idpErrors.invalidSession();
  checkSecretHash(client, responses["SECRET_HASH"], [username, user.Username]);
  return user;
}

/**
 * DEVICE_SRP_AUTH answered with {USERNAME, DEVICE_KEY, SRP_A}: the device's salt, the server's B and
 * a SECRET_BLOCK, as DEVICE_PASSWORD_VERIFIER. The SECRET_BLOCK is also the Session of the answer.
 */
export function respondToDeviceSrpAuth(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  sessionId: string | undefined,
  responses: Record<string, string>,
): Record<string, unknown> {
  const session = takeSession(ctx.state, sessionId, ctx.clock.now(), { clientId: client.ClientId, challenge: "DEVICE_SRP_AUTH" });
  const user = answeringUser(pool, client, session.userKey, responses);
  const deviceKey = requiredResponse(responses, "DEVICE_KEY");
  const srpA = requiredResponse(responses, "SRP_A");
  if (parseClientPublic(srpA) === undefined) throw idpErrors.invalidParameter("SRP_A is not a valid SRP public value.");
  const device = deviceOf(user, deviceKey);
  if (deviceKey !== session.deviceKey || !device?.confirmed) throw errors.deviceNotFound();
  session.used = true;
  const { b, B } = serverEphemeral(device.confirmed.verifier);
  const secretBlock = openSession(ctx.state, ctx.clock.now(), client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    userKey: session.userKey!,
    challenge: "DEVICE_PASSWORD_VERIFIER",
    deviceKey,
    srp: { A: srpA, b, B, salt: device.confirmed.salt, verifier: device.confirmed.verifier },
  });
  return {
    ChallengeName: "DEVICE_PASSWORD_VERIFIER",
    Session: secretBlock,
    ChallengeParameters: { SALT: device.confirmed.salt, SECRET_BLOCK: secretBlock, SRP_B: B, USERNAME: user.Username },
  };
}

/**
 * DEVICE_PASSWORD_VERIFIER answered with {USERNAME, DEVICE_KEY, PASSWORD_CLAIM_SECRET_BLOCK,
 * PASSWORD_CLAIM_SIGNATURE, TIMESTAMP}: checks the device's SRP proof (pool name = DeviceGroupKey,
 * user = DeviceKey) and returns the sign-in, device proven, for its tokens.
 */
export function respondToDevicePasswordVerifier(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  sessionId: string | undefined,
  responses: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
): SignIn {
  const secretBlock = requiredResponse(responses, "PASSWORD_CLAIM_SECRET_BLOCK");
  const signature = requiredResponse(responses, "PASSWORD_CLAIM_SIGNATURE");
  const timestamp = requiredResponse(responses, "TIMESTAMP");
  const deviceKey = requiredResponse(responses, "DEVICE_KEY");
  const session = takeSession(ctx.state, sessionId ?? secretBlock, ctx.clock.now(), { clientId: client.ClientId, challenge: "DEVICE_PASSWORD_VERIFIER" });
  if (sessionId !== undefined && sessionId !== secretBlock) throw idpErrors.invalidSession();
  const user = answeringUser(pool, client, session.userKey, responses);
  if (parseSrpTimestamp(timestamp) === undefined)
    throw idpErrors.invalidParameter("TIMESTAMP must have the format ddd MMM d HH:mm:ss UTC yyyy, e.g. Tue Nov 3 09:05:07 UTC 2026.");
  const device = deviceOf(user, deviceKey);
  if (deviceKey !== session.deviceKey || !device?.confirmed || !user.deviceGroupKey) throw errors.deviceNotFound();
  session.used = true;
  const srp = session.srp!;
  const proven = verifyPasswordClaim({
    poolName: user.deviceGroupKey,
    userIdForSrp: deviceKey,
    A: BigInt("0x" + srp.A),
    b: srp.b,
    B: srp.B,
    verifier: srp.verifier,
    secretBlock,
    timestamp,
    signature,
  });
  if (!proven) throw errors.wrongDeviceProof();
  if (!user.enabled) throw idpErrors.userDisabled();
  return { ctx, pool, client, key: session.userKey!, user, clientMetadata, deviceKey, deviceVerified: true };
}

// ---- refresh tokens ----

/**
 * A refresh token from a sign-in made on a device works only with that device's key, and only while
 * the device is confirmed and not forgotten; otherwise Cognito answers "Invalid Refresh Token".
 */
export function checkRefreshDevice(user: PoolUser, family: TokenFamily, given: string | undefined): void {
  if (family.deviceKey === undefined) return;
  if (given !== family.deviceKey || !deviceOf(user, family.deviceKey)?.confirmed) throw idpErrors.invalidRefreshToken();
}

// ---- the device operations ----

function describeDevice(pool: UserPool, user: PoolUser, deviceKey: string, device: UserDevice): Record<string, unknown> {
  const region = pool.Id.slice(0, pool.Id.indexOf("_"));
  const owner = `${user.Username}.${pool.Id}`;
  const attributes = [
    { Name: "device_status", Value: "valid" },
    ...(device.name !== undefined ? [{ Name: "device_name", Value: device.name }] : []),
    { Name: "dev:device_arn", Value: `arn:aws:cognito-idp:${region}:${ACCOUNT_ID}:owner/${owner}/device/${deviceKey}` },
    { Name: "dev:device_owner", Value: owner },
    ...(device.lastIp !== undefined ? [{ Name: "last_ip_used", Value: device.lastIp }] : []),
    { Name: "dev:device_remembered_status", Value: device.remembered ? "remembered" : "not_remembered" },
  ];
  return {
    DeviceKey: deviceKey,
    DeviceAttributes: attributes,
    DeviceCreateDate: device.created / 1000,
    DeviceLastModifiedDate: device.modified / 1000,
    DeviceLastAuthenticatedDate: Math.floor(device.lastAuthenticated / 1000),
  };
}

/**
 * The devices an operation sees: confirmed ones only (a key never confirmed is no device yet). A user
 * with their access token sees only remembered ones, as on AWS (GetDevice of a device set to
 * not_remembered is ResourceNotFoundException there, and ListDevices leaves it out), while the
 * administrative operations see every confirmed device with its remembered status.
 */
function visibleDevices(user: PoolUser, admin: boolean): [string, UserDevice][] {
  return Object.entries(user.devices ?? {})
    .filter(([, d]) => d.confirmed && (admin || d.remembered))
    .sort(([, a], [, b]) => a.created - b.created);
}

function requireVisible(user: PoolUser, deviceKey: string, admin: boolean): UserDevice {
  const found = visibleDevices(user, admin).find(([k]) => k === deviceKey);
  if (!found) throw errors.deviceNotFound();
  return found[1];
}

/** The devices one page at a time; the PaginationToken names the first device of the next page. */
function listPage(pool: UserPool, user: PoolUser, admin: boolean, limit: number | undefined, token: string | undefined): unknown {
  const devices = visibleDevices(user, admin);
  let start = 0;
  if (token !== undefined) {
    const next = Buffer.from(token, "base64url").toString("utf8");
    start = devices.findIndex(([k]) => k === next);
    if (start < 0) throw idpErrors.invalidParameter("Invalid pagination token.");
  }
  const size = limit || LIST_LIMIT;
  const page = devices.slice(start, start + size);
  const after = devices[start + size];
  return {
    Devices: page.map(([k, d]) => describeDevice(pool, user, k, d)),
    ...(after ? { PaginationToken: Buffer.from(after[0]).toString("base64url") } : {}),
  };
}

const REMEMBERED_STATUS = ["remembered", "not_remembered"] as const;

/**
 * ConfirmDevice: registers the device's SRP verifier and salt (base64 on the wire) and its name.
 * Where the pool remembers devices only on the user's prompt the device stays not_remembered and
 * UserConfirmationNecessary is true; otherwise it is remembered at once.
 */
export async function confirmDevice(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, user, given } = await authenticated(input, ctx, (check) => ({
    deviceKey: check.string("DeviceKey", { required: true, ...DEVICE_KEY })!,
    verifierConfig: check.object("DeviceSecretVerifierConfig"),
    name: check.string("DeviceName", { min: 1, max: 1024 }),
  }));
  const tracking = deviceTracking(pool);
  const device = deviceOf(user, given.deviceKey);
  if (!tracking || !device) throw errors.invalidDeviceKey();
  if (device.confirmed) throw errors.deviceKeyExists();
  const check = new InputCheck(given.verifierConfig ?? {}, "deviceSecretVerifierConfig.");
  const verifier = check.string("PasswordVerifier");
  const salt = check.string("Salt");
  check.done();
  const verifierHex = verifier !== undefined ? base64Hex(verifier) : undefined;
  const saltHex = salt !== undefined ? base64Hex(salt) : undefined;
  // [INF] AWS's model leaves the verifier optional but a device cannot sign in without it.
  if (!verifierHex || !saltHex) throw idpErrors.invalidParameter("DeviceSecretVerifierConfig needs a base64 PasswordVerifier and Salt.");
  const now = ctx.clock.now();
  device.confirmed = { salt: saltHex, verifier: verifierHex };
  if (given.name !== undefined) device.name = given.name;
  device.remembered = !tracking.DeviceOnlyRememberedOnUserPrompt;
  device.modified = now;
  return { UserConfirmationNecessary: tracking.DeviceOnlyRememberedOnUserPrompt };
}

/** Base64 (as ConfirmDevice carries the verifier and salt) to the hex SRP works on; undefined when not base64. */
function base64Hex(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const hex = Buffer.from(value, "base64").toString("hex");
  return hex || undefined;
}

function setRemembered(device: UserDevice, status: (typeof REMEMBERED_STATUS)[number] | undefined, now: number): void {
  if (status === undefined) return;
  device.remembered = status === "remembered";
  device.modified = now;
}

/** UpdateDeviceStatus: the user remembers a confirmed device, or stops remembering it (MFA is asked again). */
export async function updateDeviceStatus(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { user, given } = await authenticated(input, ctx, (check) => ({
    deviceKey: check.string("DeviceKey", { required: true, ...DEVICE_KEY })!,
    status: check.oneOf("DeviceRememberedStatus", REMEMBERED_STATUS),
  }));
  setRemembered(requireVisible(user, given.deviceKey, true), given.status, ctx.clock.now());
  return {};
}

export async function getDevice(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, user, given } = await authenticated(input, ctx, (check) => check.string("DeviceKey", { required: true, ...DEVICE_KEY })!);
  return { Device: describeDevice(pool, user, given, requireVisible(user, given, false)) };
}

export async function listDevices(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, user, given } = await authenticated(input, ctx, (check) => ({
    limit: check.integer("Limit", { min: 0, max: LIST_LIMIT }),
    token: check.string("PaginationToken", { min: 1 }),
  }));
  return listPage(pool, user, false, given.limit, given.token);
}

/**
 * ForgetDevice: the device is gone; its key no longer signs in (ResourceNotFoundException) and the
 * refresh tokens of sign-ins made on it stop working. AccessToken is optional in AWS's model, yet
 * the operation is authorized only by one.
 */
export async function forgetDevice(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const token = accessTokenOf(check, false);
  const deviceKey = check.string("DeviceKey", { required: true, ...DEVICE_KEY })!;
  check.done();
  // [INF] AWS does not document the answer to a call without an access token.
  if (token === undefined) throw idpErrors.notAuthorized("An access token is required to forget a device.");
  const { user } = await authenticate(ctx, token);
  forget(user, deviceKey);
  return {};
}

function forget(user: PoolUser, deviceKey: string): void {
  if (!deviceOf(user, deviceKey)) throw errors.deviceNotFound();
  delete user.devices![deviceKey];
}

// ---- administrative (SigV4-signed, by pool and username) ----

function adminUser(input: Record<string, unknown>, ctx: ServiceContext, members: (check: InputCheck) => void): { pool: UserPool; user: PoolUser } {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const username = check.string("Username", { required: true, ...shapes.username })!;
  members(check);
  check.done();
  const pool = requirePool(ctx.state, poolId);
  return { pool, user: requireUser(pool, username).user };
}

export function adminGetDevice(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let deviceKey = "";
  const { pool, user } = adminUser(input, ctx, (check) => (deviceKey = check.string("DeviceKey", { required: true, ...DEVICE_KEY }) ?? ""));
  return { Device: describeDevice(pool, user, deviceKey, requireVisible(user, deviceKey, true)) };
}

export function adminListDevices(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let limit: number | undefined;
  let token: string | undefined;
  const { pool, user } = adminUser(input, ctx, (check) => {
    limit = check.integer("Limit", { min: 0, max: LIST_LIMIT });
    token = check.string("PaginationToken", { min: 1 });
  });
  return listPage(pool, user, true, limit, token);
}

export function adminForgetDevice(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let deviceKey = "";
  const { user } = adminUser(input, ctx, (check) => (deviceKey = check.string("DeviceKey", { required: true, ...DEVICE_KEY }) ?? ""));
  forget(user, deviceKey);
  return {};
}

export function adminUpdateDeviceStatus(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let deviceKey = "";
  let status: (typeof REMEMBERED_STATUS)[number] | undefined;
  const { user } = adminUser(input, ctx, (check) => {
    deviceKey = check.string("DeviceKey", { required: true, ...DEVICE_KEY }) ?? "";
    status = check.oneOf("DeviceRememberedStatus", REMEMBERED_STATUS);
  });
  setRemembered(requireVisible(user, deviceKey, true), status, ctx.clock.now());
  return {};
}
