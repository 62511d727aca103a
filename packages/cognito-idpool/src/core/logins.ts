import { CognitoIdpoolError } from "../errors.js";
import type { Timers } from "../platform/types.js";
import { withDeadline } from "../platform/deadline.js";
import type { DeveloperIdentity, LoginValue } from "../types.js";
import { isIdentityId } from "../identity-pool/identity-id.js";

/** The login key of a developer-authenticated identity's token (see `setDeveloperIdentity`). */
export const DEVELOPER_LOGIN = "cognito-identity.amazonaws.com";

/** Cognito's limit on the `Logins` map. */
const MAX_LOGINS = 10;

/** Checks a `setLogins` map before anything is sent; throws `invalid-argument` naming the bad entry. */
export function validateLogins(logins: unknown): asserts logins is Record<string, LoginValue> {
  const bad: (text: string) => never = (text) => {
    throw new CognitoIdpoolError("invalid-argument", text);
  };
  if (typeof logins != "object" || !logins || Array.isArray(logins)) bad('setLogins() takes an object such as { "accounts.google.com": idToken }.');
  const entries = Object.entries(logins as object);
  if (!entries.length) bad("setLogins() needs at least one login; use signOut() to clear them.");
  if (entries.length > MAX_LOGINS) bad(`setLogins() takes at most ${MAX_LOGINS} logins; got ${entries.length}.`);
  for (const [key, value] of entries) {
    const login = `Login key "${key}" must be`;
    if (!key || key.length > 128) bad(`${login} 1 to 128 characters.`);
    const scheme = /^https?:\/\//i;
    if (scheme.test(key)) bad(`${login} the issuer without its scheme, e.g. "${key.replace(scheme, "")}".`);
    // Cognito refuses this token in GetId: a developer identity comes with its identity id.
    if (key === DEVELOPER_LOGIN) bad(`${login} given to setDeveloperIdentity({ identityId, token }), not setLogins().`);
    if (!value || (typeof value != "string" && typeof value != "function")) bad(`Login "${key}" must be a token string or a function returning one.`);
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
      const failed = `The token function for login "${key}"`;
      const token: unknown =
        typeof value == "string"
          ? value
          : await withDeadline(
              Promise.resolve().then(value),
              limits.timers,
              limits.timeoutMs,
              () => new CognitoIdpoolError("network-error", `${failed} did not return within ${limits.timeoutMs} ms.`),
            ).catch((error: unknown) => {
              throw error instanceof CognitoIdpoolError ? error : new CognitoIdpoolError("login-rejected", `${failed} failed.`, { cause: error });
            });
      if (typeof token != "string" || !token) throw new CognitoIdpoolError("login-rejected", `${failed} did not return a token string.`);
      return [key, token];
    }),
  );
  return Object.fromEntries(entries);
}

/** `{ identityId, token }` as `setDeveloperIdentity` takes it. */
export function isDeveloperIdentity(value: unknown): value is DeveloperIdentity {
  const v = value as Partial<DeveloperIdentity> | null;
  return typeof v == "object" && !!v && isIdentityId(v.identityId) && typeof v.token == "string" && !!v.token;
}
