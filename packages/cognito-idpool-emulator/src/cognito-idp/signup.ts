import type { ServiceContext } from "../service.js";
import { checkAttributes, confirmationChannel, deliveryTo, recoveryChannel, type CodeDeliveryDetails } from "./attributes.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { findUser, requireClient, requirePool, requireUser } from "./lookup.js";
import { migrateUser } from "./migration.js";
import { enforcePasswordPolicy } from "./password-policy.js";
import { checkSecretHash } from "./secret-hash.js";
import { openSession } from "./sessions.js";
import type { PoolUser, UserPool, UserPoolClient } from "./state.js";
import { eventAttributes, flag, invokeTrigger } from "./triggers.js";
import { addUser, consumeCode, sendCode, setPassword } from "./users.js";

/** Self-service account operations: SignUp, confirmation and password recovery (unsigned, by client id). */

function clientCall(input: Record<string, unknown>, ctx: ServiceContext, extra: (check: InputCheck) => void = () => {}) {
  const check = new InputCheck(input);
  const clientId = check.string("ClientId", { required: true, ...shapes.clientId })!;
  const username = check.string("Username", { required: true, ...shapes.username })!;
  const secretHash = check.string("SecretHash", shapes.secretHash);
  // Every one of these operations takes ClientMetadata for the triggers it runs.
  const clientMetadata = check.stringMap("ClientMetadata");
  extra(check);
  check.done();
  const { pool, client } = requireClient(ctx.state, clientId);
  const found = findUser(pool, username);
  checkSecretHash(client, secretHash, [username, found?.user.Username]);
  return { pool, client, username, found, clientMetadata };
}

/** The PostConfirmation trigger, after a sign-up confirmation or a password reset; the user stays confirmed if it fails. */
async function postConfirmation(
  ctx: ServiceContext,
  pool: UserPool,
  user: PoolUser,
  source: "PostConfirmation_ConfirmSignUp" | "PostConfirmation_ConfirmForgotPassword",
  clientId: string | undefined,
  clientMetadata: Record<string, string> | undefined,
): Promise<void> {
  await invokeTrigger(ctx, pool, "PostConfirmation", {
    triggerSource: source,
    userName: user.Username,
    clientId,
    request: { userAttributes: eventAttributes(user), clientMetadata: clientMetadata ?? {} },
  });
}

/**
 * What the public operations answer for an unknown user: UserNotFoundException, or (existence errors
 * prevented) what a real user would see — `simulated` — so the answer leaks nothing.
 */
function unknownUser<T>(client: UserPoolClient, simulated: () => T): T {
  if (client.preventUserExistenceErrors) return simulated();
  throw idpErrors.usernameClientNotFound();
}

/** A plausible delivery for a user who does not exist (the typed name masked if it is an address). */
function simulatedDelivery(username: string): { CodeDeliveryDetails: CodeDeliveryDetails } {
  return { CodeDeliveryDetails: username.includes("@") ? deliveryTo("email", username) : deliveryTo("email", `${username}@example.com`) };
}

/**
 * SignUp. The PreSignUp trigger may refuse the user, or confirm them (`autoConfirmUser`: no code is
 * sent) and mark their email or phone number verified (`autoVerifyEmail`, `autoVerifyPhone`).
 */
export async function signUp(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  let password = "";
  let attributes: { Name: string; Value: string }[] = [];
  let validationData: { Name: string; Value: string }[] | undefined;
  const { pool, client, username, clientMetadata } = clientCall(input, ctx, (check) => {
    password = check.string("Password", shapes.password) ?? "";
    attributes = check.attributes("UserAttributes") ?? [];
    validationData = check.attributes("ValidationData");
  });
  if (pool.allowAdminCreateUserOnly) throw idpErrors.notAuthorized("SignUp is not permitted for this user pool");
  const checked = checkAttributes(pool, attributes, "create", true);
  // No password (omitted or blank) only where users can sign in without one: by a one-time code.
  if (password === "") {
    if (!(pool.firstAuthFactors ?? []).some((f) => f === "EMAIL_OTP" || f === "SMS_OTP"))
      throw idpErrors.invalidParameter("Password is required: this user pool does not allow sign-in by one-time code (AllowedFirstAuthFactors).");
  } else enforcePasswordPolicy(pool.passwordPolicy, password, "SignUp");
  const answer = await invokeTrigger(ctx, pool, "PreSignUp", {
    triggerSource: "PreSignUp_SignUp",
    userName: username,
    clientId: client.ClientId,
    request: {
      userAttributes: checked,
      validationData: validationData ? Object.fromEntries(validationData.map((a) => [a.Name, a.Value])) : null,
      clientMetadata: clientMetadata ?? {},
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
  const autoConfirm = answer ? flag(answer, "autoConfirmUser") : false;
  const now = ctx.clock.now();
  const { user } = addUser(pool, username, checked, autoConfirm ? "CONFIRMED" : "UNCONFIRMED", now, "User already exists");
  if (answer && flag(answer, "autoVerifyEmail") && user.attributes["email"] !== undefined) user.attributes["email_verified"] = "true";
  if (answer && flag(answer, "autoVerifyPhone") && user.attributes["phone_number"] !== undefined) user.attributes["phone_number_verified"] = "true";
  if (password !== "") setPassword(pool, user, password, false, now);
  if (autoConfirm) return { UserConfirmed: true, UserSub: user.sub };
  const delivery = confirmationChannel(pool, user);
  if (delivery) sendCode(user, "confirmation", now);
  return { UserConfirmed: false, UserSub: user.sub, ...(delivery ? { CodeDeliveryDetails: delivery } : {}) };
}

/** Confirming marks the attribute the code went to as verified. */
function confirm(pool: Parameters<typeof confirmationChannel>[0], user: PoolUser, now: number): void {
  const delivery = confirmationChannel(pool, user);
  user.status = "CONFIRMED";
  user.modified = now;
  if (delivery) user.attributes[`${delivery.AttributeName}_verified`] = "true";
}

function notUnconfirmed(user: PoolUser) {
  return idpErrors.notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
}

export async function confirmSignUp(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  let code = "";
  const { pool, client, found, clientMetadata } = clientCall(input, ctx, (check) => {
    code = check.string("ConfirmationCode", { required: true, ...shapes.code }) ?? "";
    check.boolean("ForceAliasCreation");
  });
  if (!found)
    return unknownUser(client, () => {
      throw idpErrors.codeMismatch();
    });
  const { user } = found;
  if (user.status !== "UNCONFIRMED") throw notUnconfirmed(user);
  const now = ctx.clock.now();
  consumeCode(user, "confirmation", code, now);
  confirm(pool, user, now);
  await postConfirmation(ctx, pool, user, "PostConfirmation_ConfirmSignUp", client.ClientId, clientMetadata);
  // The code proved the user: InitiateAuth USER_AUTH takes this Session once to sign them straight in.
  const session = openSession(ctx.state, now, client.authSessionValidity, {
    poolId: pool.Id,
    clientId: client.ClientId,
    userKey: found.key,
    challenge: "SIGN_UP",
  });
  return { Session: session };
}

export async function adminConfirmSignUp(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const username = check.string("Username", { required: true, ...shapes.username })!;
  const clientMetadata = check.stringMap("ClientMetadata");
  check.done();
  const pool = requirePool(ctx.state, poolId);
  const { user } = requireUser(pool, username);
  if (user.status !== "UNCONFIRMED") throw notUnconfirmed(user);
  // Unlike ConfirmSignUp this verifies no attribute: the admin never saw a code.
  user.status = "CONFIRMED";
  user.modified = ctx.clock.now();
  delete user.codes.confirmation;
  await postConfirmation(ctx, pool, user, "PostConfirmation_ConfirmSignUp", undefined, clientMetadata);
  return {};
}

export function resendConfirmationCode(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, client, username, found } = clientCall(input, ctx);
  if (!found) return unknownUser(client, () => simulatedDelivery(username));
  const { user } = found;
  if (user.status !== "UNCONFIRMED") throw idpErrors.invalidParameter("User is already confirmed.");
  const delivery = confirmationChannel(pool, user);
  if (!delivery) throw idpErrors.invalidParameter("Cannot resend codes. Auto verification not turned on.");
  sendCode(user, "confirmation", ctx.clock.now());
  return { CodeDeliveryDetails: delivery };
}

/** ForgotPassword; an unknown user is asked of the UserMigration trigger first. */
export async function forgotPassword(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { pool, client, username, found: existing, clientMetadata } = clientCall(input, ctx);
  const found = existing ?? (await migrateUser(ctx, pool, client, username, clientMetadata));
  if (!found) return unknownUser(client, () => simulatedDelivery(username));
  const { user } = found;
  if (!user.enabled) throw idpErrors.userDisabled();
  if (user.status === "FORCE_CHANGE_PASSWORD") throw idpErrors.notAuthorized("User password cannot be reset in the current state.");
  const delivery = recoveryChannel(pool, user);
  if (!delivery) throw idpErrors.invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number");
  sendCode(user, "reset", ctx.clock.now());
  return { CodeDeliveryDetails: delivery };
}

export async function confirmForgotPassword(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  let code = "";
  let password = "";
  const { pool, client, found, clientMetadata } = clientCall(input, ctx, (check) => {
    code = check.string("ConfirmationCode", { required: true, ...shapes.code }) ?? "";
    password = check.string("Password", { required: true, ...shapes.password }) ?? "";
  });
  if (!found)
    return unknownUser(client, () => {
      throw idpErrors.codeMismatch();
    });
  const { user } = found;
  // The policy is checked before the code is spent, so a weak password can be retried with it.
  enforcePasswordPolicy(pool.passwordPolicy, password);
  const now = ctx.clock.now();
  consumeCode(user, "reset", code, now);
  setPassword(pool, user, password, false, now);
  if (user.status === "RESET_REQUIRED") user.status = "CONFIRMED";
  await postConfirmation(ctx, pool, user, "PostConfirmation_ConfirmForgotPassword", client.ClientId, clientMetadata);
  return {};
}
