import type { ServiceContext } from "../service.js";
import { checkAttributes } from "./attributes.js";
import type { PoolUser, UserPool, UserPoolClient, UserStatus } from "./state.js";
import { invokeTrigger, stringMap, unrecognizable } from "./triggers.js";
import { addUser, setPassword } from "./users.js";

/**
 * The UserMigration trigger: when a password sign-in or ForgotPassword names a user the pool does
 * not have, Cognito asks the trigger for them and, if it answers with attributes, creates the user.
 */
export async function migrateUser(
  ctx: ServiceContext,
  pool: UserPool,
  client: UserPoolClient,
  username: string,
  metadata: Record<string, string> | undefined,
  password?: string,
): Promise<{ key: string; user: PoolUser } | undefined> {
  const response = await invokeTrigger(ctx, pool, "UserMigration", {
    triggerSource: password === undefined ? "UserMigration_ForgotPassword" : "UserMigration_Authentication",
    userName: username,
    clientId: client.ClientId,
    // InitiateAuth hands its ClientMetadata to this trigger as validationData (AWS's API reference); ForgotPassword as clientMetadata.
    request: password !== undefined ? { password, validationData: metadata ?? null } : { validationData: null, clientMetadata: metadata ?? {} },
    response: { userAttributes: null, finalUserStatus: null, messageAction: null, desiredDeliveryMediums: null, forceAliasCreation: null, enableSMSMFA: null },
  });
  if (!response) return undefined;
  const attributes = stringMap(response, "userAttributes");
  // A trigger that knows no such user answers without attributes; the user stays unknown.
  if (!attributes) return undefined;
  const givenStatus = response["finalUserStatus"] ?? null;
  if (givenStatus !== null && givenStatus !== "CONFIRMED" && givenStatus !== "RESET_REQUIRED") throw unrecognizable();
  const finalStatus = givenStatus as "CONFIRMED" | "RESET_REQUIRED" | null;
  const action = response["messageAction"] ?? null;
  if (action !== null && action !== "SUPPRESS" && action !== "RESEND") throw unrecognizable();
  const checked = checkAttributes(
    pool,
    Object.entries(attributes)
      .filter(([name]) => name !== "username" && name !== "sub")
      .map(([Name, Value]) => ({ Name, Value })),
    "create",
  );
  // ForgotPassword migrates a user without a password: they must set one with the reset code.
  const status: UserStatus = password === undefined ? "RESET_REQUIRED" : (finalStatus ?? "CONFIRMED");
  const now = ctx.clock.now();
  const created = addUser(pool, username, checked, status, now, "User already exists");
  if (password !== undefined) setPassword(pool, created.user, password, false, now);
  return created;
}
