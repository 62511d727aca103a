import type { ServiceContext } from "../service.js";
import { checkAttributes, confirmationChannel, deliveryTo, recoveryChannel, type CodeDeliveryDetails } from "./attributes.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { findUser, requireClient, requirePool, requireUser } from "./lookup.js";
import { enforcePasswordPolicy } from "./password-policy.js";
import { checkSecretHash } from "./secret-hash.js";
import type { PoolUser, UserPoolClient } from "./state.js";
import { addUser, consumeCode, sendCode, setPassword } from "./users.js";

/** Self-service account operations: SignUp, confirmation and password recovery (unsigned, by client id). */

function clientCall(input: Record<string, unknown>, ctx: ServiceContext, extra: (check: InputCheck) => void = () => {}) {
  const check = new InputCheck(input);
  const clientId = check.string("ClientId", { required: true, ...shapes.clientId })!;
  const username = check.string("Username", { required: true, ...shapes.username })!;
  const secretHash = check.string("SecretHash", shapes.secretHash);
  extra(check);
  check.done();
  const { pool, client } = requireClient(ctx.state, clientId);
  const found = findUser(pool, username);
  checkSecretHash(client, secretHash, [username, found?.user.Username]);
  return { pool, client, username, found };
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

export function signUp(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let password = "";
  let attributes: { Name: string; Value: string }[] = [];
  const { pool, username } = clientCall(input, ctx, (check) => {
    password = check.string("Password", { required: true, ...shapes.password }) ?? "";
    attributes = check.attributes("UserAttributes") ?? [];
  });
  if (pool.allowAdminCreateUserOnly) throw idpErrors.notAuthorized("SignUp is not permitted for this user pool");
  const checked = checkAttributes(pool, attributes, "create", true);
  enforcePasswordPolicy(pool.passwordPolicy, password, "SignUp");
  const now = ctx.clock.now();
  const { user } = addUser(pool, username, checked, "UNCONFIRMED", now, "User already exists");
  setPassword(pool, user, password, false, now);
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

export function confirmSignUp(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let code = "";
  const { pool, client, found } = clientCall(input, ctx, (check) => {
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
  return {};
}

export function adminConfirmSignUp(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const username = check.string("Username", { required: true, ...shapes.username })!;
  check.done();
  const { user } = requireUser(requirePool(ctx.state, poolId), username);
  if (user.status !== "UNCONFIRMED") throw notUnconfirmed(user);
  // Unlike ConfirmSignUp this verifies no attribute: the admin never saw a code.
  user.status = "CONFIRMED";
  user.modified = ctx.clock.now();
  delete user.codes.confirmation;
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

export function forgotPassword(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, client, username, found } = clientCall(input, ctx);
  if (!found) return unknownUser(client, () => simulatedDelivery(username));
  const { user } = found;
  if (!user.enabled) throw idpErrors.userDisabled();
  if (user.status === "FORCE_CHANGE_PASSWORD") throw idpErrors.notAuthorized("User password cannot be reset in the current state.");
  const delivery = recoveryChannel(pool, user);
  if (!delivery) throw idpErrors.invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number");
  sendCode(user, "reset", ctx.clock.now());
  return { CodeDeliveryDetails: delivery };
}

export function confirmForgotPassword(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  let code = "";
  let password = "";
  const { pool, client, found } = clientCall(input, ctx, (check) => {
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
  return {};
}
