import type { EmulatorState } from "../state.js";
import { idpErrors } from "./errors.js";
import type { PoolUser, UserPool, UserPoolClient } from "./state.js";
import { own } from "../core/records.js";

export function requirePool(state: EmulatorState, poolId: string): UserPool {
  const pool = own(state.cognitoIdp.pools, poolId);
  if (!pool) throw idpErrors.poolNotFound(poolId);
  return pool;
}

/** Public operations name only the client; its pool follows from it. */
export function requireClient(state: EmulatorState, clientId: string): { pool: UserPool; client: UserPoolClient } {
  for (const pool of Object.values(state.cognitoIdp.pools)) {
    const client = own(pool.clients, clientId);
    if (client) return { pool, client };
  }
  throw idpErrors.clientNotFound(clientId);
}

/** The lookup key of a username: pools are case-insensitive unless created case-sensitive. */
export function userKey(pool: UserPool, username: string): string {
  return pool.caseSensitive ? username : username.toLowerCase();
}

function same(pool: UserPool, a: string | undefined, b: string): boolean {
  return a !== undefined && (pool.caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase());
}

/**
 * Finds a user the way sign-in does: by username, then by a username attribute (pools that sign in
 * with email or phone), then by a verified alias (email, phone_number) or preferred_username.
 */
export function findUser(pool: UserPool, name: string): { key: string; user: PoolUser } | undefined {
  const key = userKey(pool, name);
  const direct = own(pool.users, key);
  if (direct) return { key, user: direct };
  for (const [candidateKey, user] of Object.entries(pool.users)) {
    for (const attribute of pool.usernameAttributes) {
      if (same(pool, user.attributes[attribute], name)) return { key: candidateKey, user };
    }
    for (const attribute of pool.aliasAttributes) {
      const verified = attribute === "preferred_username" || user.attributes[`${attribute}_verified`] === "true";
      if (verified && same(pool, user.attributes[attribute], name)) return { key: candidateKey, user };
    }
  }
  return undefined;
}

/** Administrative operations: unknown users are always reported. */
export function requireUser(pool: UserPool, name: string): { key: string; user: PoolUser } {
  const found = findUser(pool, name);
  if (!found) throw idpErrors.userNotFound();
  return found;
}
