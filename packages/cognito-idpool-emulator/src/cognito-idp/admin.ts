import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { applyAttributeUpdate } from "./attribute-updates.js";
import { checkAttributes, recoveryChannel } from "./attributes.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { newTemporaryPassword } from "./ids.js";
import { requirePool, requireUser } from "./lookup.js";
import { enforcePasswordPolicy } from "./password-policy.js";
import type { PoolGroup, PoolUser, UserPool } from "./state.js";
import { invokeTrigger } from "./triggers.js";
import { addUser, describeUser, mfaSettings, removeUser, sendCode, setPassword } from "./users.js";
import { own } from "../core/records.js";

/** Administrative user and group operations (SigV4-signed, by user pool id). */

function poolAndUser(
  input: Record<string, unknown>,
  ctx: ServiceContext,
  extra: (check: InputCheck) => void = () => {},
): { pool: UserPool; key: string; user: PoolUser } {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const username = check.string("Username", { required: true, ...shapes.username })!;
  extra(check);
  check.done();
  const pool = requirePool(ctx.state, poolId);
  return { pool, ...requireUser(pool, username) };
}

export async function adminCreateUser(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const username = check.string("Username", { required: true, ...shapes.username })!;
  const attributes = check.attributes("UserAttributes") ?? [];
  const temporary = check.string("TemporaryPassword", shapes.password);
  const action = check.oneOf("MessageAction", ["RESEND", "SUPPRESS"] as const);
  check.stringList("DesiredDeliveryMediums", ["SMS", "EMAIL"]);
  check.boolean("ForceAliasCreation");
  const validationData = check.attributes("ValidationData");
  const clientMetadata = check.stringMap("ClientMetadata");
  check.done();
  const pool = requirePool(ctx.state, poolId);
  const now = ctx.clock.now();
  if (action === "RESEND") {
    const { user } = requireUser(pool, username);
    if (user.status !== "FORCE_CHANGE_PASSWORD")
      throw new AwsError("UnsupportedUserStateException", `Resend not possible. ${username} status is not FORCE_CHANGE_PASSWORD`);
    // A resent invitation carries a new temporary password with a fresh validity period.
    setPassword(pool, user, temporary ?? newTemporaryPassword(pool.passwordPolicy.MinimumLength), true, now);
    return { User: describeUser(user) };
  }
  const checked = checkAttributes(pool, attributes, "create");
  if (temporary !== undefined) enforcePasswordPolicy(pool.passwordPolicy, temporary);
  // PreSignUp may refuse the user; its auto-confirm and auto-verify answers do not apply to administrators' users.
  await invokeTrigger(ctx, pool, "PreSignUp", {
    triggerSource: "PreSignUp_AdminCreateUser",
    userName: username,
    request: {
      userAttributes: checked,
      validationData: validationData ? Object.fromEntries(validationData.map((a) => [a.Name, a.Value])) : null,
      clientMetadata: clientMetadata ?? {},
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
  const { user } = addUser(pool, username, checked, "FORCE_CHANGE_PASSWORD", now, "User account already exists");
  // Without a TemporaryPassword Cognito generates one and mails it; the emulator keeps no password
  // in clear, so such a user signs in only after AdminSetUserPassword.
  setPassword(pool, user, temporary ?? newTemporaryPassword(pool.passwordPolicy.MinimumLength), true, now);
  return { User: describeUser(user) };
}

export function adminSetUserPassword(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let password = "";
  let permanent = false;
  const { pool, user } = poolAndUser(input, ctx, (check) => {
    password = check.string("Password", { required: true, ...shapes.password }) ?? "";
    permanent = check.boolean("Permanent") ?? false;
  });
  enforcePasswordPolicy(pool.passwordPolicy, password);
  setPassword(pool, user, password, !permanent, ctx.clock.now());
  user.status = permanent ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
  return {};
}

export function adminGetUser(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { user } = poolAndUser(input, ctx);
  const { Attributes, ...rest } = describeUser(user);
  return { ...rest, UserAttributes: Attributes, ...mfaSettings(user) };
}

/** Removes a user with its sign-in sessions; its tokens stop working (`user-deleted`). */
export function adminDeleteUser(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, key } = poolAndUser(input, ctx);
  removeUser(ctx.state, pool, key);
  return {};
}

/** Ends every sign-in session of a user: refresh tokens and the tokens minted from them. */
export function signOutEverywhere(pool: UserPool, key: string, user: PoolUser, nowSeconds: number): void {
  for (const family of Object.values(pool.families)) if (family.userKey === key) family.revoked = true;
  user.tokensValidAfter = nowSeconds;
}

export function adminUserGlobalSignOut(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, key, user } = poolAndUser(input, ctx);
  signOutEverywhere(pool, key, user, ctx.clock.nowSeconds());
  return {};
}

/** Disabling also revokes the user's tokens, as AWS does. */
export function adminDisableUser(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, key, user } = poolAndUser(input, ctx);
  user.enabled = false;
  user.modified = ctx.clock.now();
  signOutEverywhere(pool, key, user, ctx.clock.nowSeconds());
  return {};
}

export function adminEnableUser(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { user } = poolAndUser(input, ctx);
  user.enabled = true;
  user.modified = ctx.clock.now();
  return {};
}

/** The user must reset: sign-in answers PasswordResetRequiredException until ConfirmForgotPassword. */
export function adminResetUserPassword(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, user } = poolAndUser(input, ctx, (check) => check.stringMap("ClientMetadata"));
  if (!recoveryChannel(pool, user))
    throw idpErrors.invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number");
  user.status = "RESET_REQUIRED";
  user.modified = ctx.clock.now();
  sendCode(user, "reset", ctx.clock.now());
  return {};
}

/** Administrators may also mark an address verified in the same request, which applies a change at once. */
export function adminUpdateUserAttributes(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let attributes: { Name: string; Value: string }[] = [];
  const { pool, key, user } = poolAndUser(input, ctx, (check) => {
    const given = check.attributes("UserAttributes");
    if (given === undefined) check.string("UserAttributes", { required: true });
    check.stringMap("ClientMetadata");
    attributes = given ?? [];
  });
  applyAttributeUpdate(pool, key, user, checkAttributes(pool, attributes, "update"), ctx.clock.now());
  return {};
}

// ---- groups ----

function describeGroup(poolId: string, group: PoolGroup): Record<string, unknown> {
  return {
    GroupName: group.GroupName,
    UserPoolId: poolId,
    ...(group.Description !== undefined ? { Description: group.Description } : {}),
    ...(group.RoleArn ? { RoleArn: group.RoleArn } : {}),
    ...(group.Precedence !== undefined ? { Precedence: group.Precedence } : {}),
    LastModifiedDate: group.LastModifiedDate,
    CreationDate: group.CreationDate,
  };
}

export function createGroupIn(pool: UserPool, input: Record<string, unknown>, now: number): PoolGroup {
  const check = new InputCheck(input);
  const name = check.string("GroupName", { required: true, ...shapes.groupName })!;
  const description = check.string("Description", { max: 2048 });
  const roleArn = check.string("RoleArn", {
    min: 20,
    max: 2048,
    pattern: "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?",
  });
  const precedence = check.integer("Precedence", { min: 0 });
  check.done();
  if (Object.hasOwn(pool.groups, name)) throw new AwsError("GroupExistsException", `A group with the name ${name} already exists.`);
  const group: PoolGroup = {
    GroupName: name,
    CreationDate: now / 1000,
    LastModifiedDate: now / 1000,
    ...(description !== undefined ? { Description: description } : {}),
    ...(roleArn ? { RoleArn: roleArn } : {}),
    ...(precedence !== undefined ? { Precedence: precedence } : {}),
  };
  pool.groups[name] = group;
  return group;
}

export function createGroup(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  check.done();
  const pool = requirePool(ctx.state, poolId);
  return { Group: describeGroup(pool.Id, createGroupIn(pool, input, ctx.clock.now())) };
}

function requireGroup(pool: UserPool, name: string): PoolGroup {
  const group = own(pool.groups, name);
  if (!group) throw new AwsError("ResourceNotFoundException", "Group not found.");
  return group;
}

export function getGroup(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const name = check.string("GroupName", { required: true, ...shapes.groupName })!;
  check.done();
  const pool = requirePool(ctx.state, poolId);
  return { Group: describeGroup(pool.Id, requireGroup(pool, name)) };
}

export function adminAddUserToGroup(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let name = "";
  const { pool, user } = poolAndUser(input, ctx, (check) => (name = check.string("GroupName", { required: true, ...shapes.groupName }) ?? ""));
  requireGroup(pool, name);
  if (!user.groups.includes(name)) user.groups.push(name);
  return {};
}

export function adminRemoveUserFromGroup(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let name = "";
  const { pool, user } = poolAndUser(input, ctx, (check) => (name = check.string("GroupName", { required: true, ...shapes.groupName }) ?? ""));
  requireGroup(pool, name);
  user.groups = user.groups.filter((g) => g !== name);
  return {};
}

export function adminListGroupsForUser(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, user } = poolAndUser(input, ctx, (check) => {
    check.integer("Limit", { min: 0, max: 60 });
    check.string("NextToken");
  });
  return { Groups: user.groups.flatMap((name) => (pool.groups[name] ? [describeGroup(pool.Id, pool.groups[name])] : [])) };
}
