import { CognitoIdpoolError } from "../errors.js";
import type { Timers } from "../platform/types.js";
import { withDeadline } from "../platform/deadline.js";
import type { LoginValue } from "../types.js";

/** Cognito's limit on the `Logins` map. */
const MAX_LOGINS = 10;

/** Checks a `setLogins` map before anything is sent; throws `invalid-argument` naming the bad entry. */
export function validateLogins(logins: unknown): asserts logins is Record<string, LoginValue> {
  if (typeof logins !== "object" || logins === null || Array.isArray(logins)) {
    throw new CognitoIdpoolError("invalid-argument", 'setLogins() takes an object such as { "accounts.google.com": idToken }.');
  }
  const entries = Object.entries(logins);
  if (entries.length === 0) throw new CognitoIdpoolError("invalid-argument", "setLogins() needs at least one login; use signOut() to clear them.");
  if (entries.length > MAX_LOGINS)
    throw new CognitoIdpoolError("invalid-argument", `setLogins() takes at most ${MAX_LOGINS} logins (Cognito's limit); got ${entries.length}.`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > 128) throw new CognitoIdpoolError("invalid-argument", `Login key "${key}" must be 1 to 128 characters.`);
    if (/^https?:\/\//i.test(key)) {
      throw new CognitoIdpoolError("invalid-argument", `Login key "${key}" must be the issuer without its scheme, e.g. "${key.replace(/^https?:\/\//i, "")}".`);
    }
    if (!(typeof value === "string" && value.length > 0) && typeof value !== "function") {
      throw new CognitoIdpoolError("invalid-argument", `Login "${key}" must be a token string or a function returning one.`);
    }
  }
}

/**
 * Calls token functions (e.g. the user-pool module's "fresh ID token") so every request carries a
 * current token. Each has `timeoutMs`: a provider function that never settles would otherwise
 * hold the engine's queue, and every later call, for good. Errors name the login key, never the token.
 */
export async function resolveLogins(logins: Record<string, LoginValue>, limits: { timers: Timers; timeoutMs: number }): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(logins).map(async ([key, value]): Promise<[string, string]> => {
      if (typeof value === "string") return [key, value];
      const failed = `The token function for login "${key}"`;
      let token: unknown;
      try {
        token = await withDeadline(
          (async () => value())(),
          limits.timers,
          limits.timeoutMs,
          () => new CognitoIdpoolError("network-error", `${failed} did not return within ${limits.timeoutMs} ms.`),
        );
      } catch (error) {
        if (error instanceof CognitoIdpoolError) throw error;
        throw new CognitoIdpoolError("login-rejected", `${failed} failed.`, { cause: error });
      }
      if (typeof token !== "string" || token.length === 0) throw new CognitoIdpoolError("login-rejected", `${failed} did not return a token string.`);
      return [key, token];
    }),
  );
  return Object.fromEntries(entries);
}
