import type { SeedContext } from "../service.js";
import { createGroupIn } from "./admin.js";
import { checkAttributes } from "./attributes.js";
import { createClient } from "./clients.js";
import { idpErrors } from "./errors.js";
import { enforcePasswordPolicy } from "./password-policy.js";
import { createUserPool, setUserPoolMfaConfig } from "./pools.js";
import { addUser, setPassword } from "./users.js";

/**
 * Seed entry for a user pool: CreateUserPool's input, plus a fixed `Id`, app `Clients`
 * (CreateUserPoolClient inputs, optionally with a fixed `ClientId`), `Groups` (CreateGroup inputs),
 * `Users` created confirmed with a permanent password, and SetUserPoolMfaConfig's
 * `SoftwareTokenMfaConfiguration` / `EmailMfaConfiguration` to switch those MFA methods on.
 */
export interface UserPoolSeed {
  Id?: string;
  PoolName: string;
  Clients?: (Record<string, unknown> & { ClientName: string; ClientId?: string })[];
  Groups?: (Record<string, unknown> & { GroupName: string })[];
  Users?: { Username: string; Password: string; Attributes?: Record<string, string>; Groups?: string[] }[];
  SoftwareTokenMfaConfiguration?: { Enabled: boolean };
  EmailMfaConfiguration?: Record<string, unknown>;
  [key: string]: unknown;
}

export async function seedUserPools(seeds: UserPoolSeed[], ctx: SeedContext): Promise<{ id: string; name: string; clients: { id: string; name: string }[] }[]> {
  if (!Array.isArray(seeds)) throw new TypeError("userPools must be a list");
  const now = ctx.clock.now();
  const created = [];
  for (const seed of seeds) {
    const { Id, Clients = [], Groups = [], Users = [], SoftwareTokenMfaConfiguration, EmailMfaConfiguration, MfaConfiguration, ...input } = seed;
    // TOTP and email MFA are switched on by SetUserPoolMfaConfig on AWS, so MFA is applied after creation.
    const viaMfaConfig = SoftwareTokenMfaConfiguration !== undefined || EmailMfaConfiguration !== undefined;
    const region = Id ? Id.slice(0, Id.indexOf("_")) : "us-east-1";
    const pool = await createUserPool(
      ctx.state,
      viaMfaConfig ? input : { ...input, ...(MfaConfiguration !== undefined ? { MfaConfiguration } : {}) },
      region,
      now,
      Id,
    );
    if (viaMfaConfig) {
      setUserPoolMfaConfig(pool, {
        ...(MfaConfiguration !== undefined ? { MfaConfiguration } : {}),
        ...(SoftwareTokenMfaConfiguration ? { SoftwareTokenMfaConfiguration } : {}),
        ...(EmailMfaConfiguration ? { EmailMfaConfiguration } : {}),
        ...(input["SmsConfiguration"] ? { SmsMfaConfiguration: { SmsConfiguration: input["SmsConfiguration"] } } : {}),
      });
    }
    const clients = Clients.map(({ ClientId, ...client }) => createClient(pool, client, now, ClientId));
    for (const group of Groups) createGroupIn(pool, group, now);
    for (const entry of Users) {
      if (typeof entry?.Username !== "string" || typeof entry.Password !== "string")
        throw idpErrors.invalidParameter(`Seed users of ${pool.Id} need a Username and a Password.`);
      const attributes = checkAttributes(
        pool,
        Object.entries(entry.Attributes ?? {}).map(([Name, Value]) => ({ Name, Value: String(Value) })),
        "create",
      );
      enforcePasswordPolicy(pool.passwordPolicy, entry.Password);
      const { user } = addUser(pool, entry.Username, attributes, "CONFIRMED", now, "User account already exists");
      setPassword(pool, user, entry.Password, false, now);
      for (const group of entry.Groups ?? []) {
        if (!pool.groups[group]) throw idpErrors.invalidParameter(`Seed user ${entry.Username} names group ${group}, which the seed does not create.`);
        user.groups.push(group);
      }
    }
    created.push({ id: pool.Id, name: pool.Name, clients: clients.map((c) => ({ id: c.ClientId, name: c.ClientName })) });
  }
  return created;
}
