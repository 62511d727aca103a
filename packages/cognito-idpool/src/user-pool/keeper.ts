/**
 * Keeps the user-pool tokens alive: renews the ID token with REFRESH_TOKEN_AUTH before it expires
 * (a timer, plus on demand when credentials are fetched), one request at a time, with storage as
 * the source of truth shared by every tab. A refused refresh token ends the session; a network
 * failure or throttling only postpones the renewal.
 */
import { CognitoIdpoolError, errorCode, isCognitoIdpoolError } from "../errors.js";
import { MAX_TIMER_DELAY_MS } from "../platform/defaults.js";
import { backoffDelay } from "../refresh/backoff.js";
import type { SignOutCause } from "../types.js";
import { call, type UserPoolApi } from "./client.js";
import { USER_POOL_TOKENS_KEY, type UserPoolHost } from "./contract.js";
import { parseStoredTokens, renewalMarginMs, toStored, withClaims, type Tokens } from "./tokens.js";

export interface TokenKeeper {
  /** The tokens in memory, if signed in. */
  current(): Tokens | undefined;
  /** Reads stored tokens into memory (after a reload) and starts the renewal timer. */
  load(): Promise<Tokens | undefined>;
  /** The stored tokens, without loading them. */
  peek(): Promise<Tokens | undefined>;
  /** Makes fresh tokens from a sign-in the current ones: stored, and timed for renewal. */
  adopt(tokens: Tokens): Promise<void>;
  /** The ID token, renewed first when it is within the renewal margin. */
  freshIdToken(): Promise<string>;
  /** Renews the tokens now, whatever their expiry (or takes newer ones another tab stored). A refused refresh token ends the session. */
  renew(): Promise<Tokens>;
  /** Forgets the tokens here and in storage, and stops the timer. */
  forget(): Promise<void>;
  /** Stops the timer. */
  dispose(): void;
}

/**
 * Creates the keeper of one user-pool session's tokens.
 */
export function createTokenKeeper(host: UserPoolHost, api: UserPoolApi): TokenKeeper {
  const key = host.storageKey(USER_POOL_TOKENS_KEY);
  let tokens: Tokens | undefined;
  let timer: unknown;
  let failures = 0;
  let inflight: Promise<Tokens> | undefined;

  const serverNow = () => host.clock.now() + host.clockOffsetMs();
  const needsRenewal = (t: Tokens) => serverNow() >= t.expiresAt - renewalMarginMs(t);

  function clearTimer() {
    if (timer !== undefined) host.timers.clearTimeout(timer);
    timer = undefined;
  }

  /** Makes `next` this tab's tokens (or none), and plans their renewal afresh. */
  function use(next: Tokens | undefined) {
    tokens = next;
    failures = 0;
    schedule();
  }

  function schedule() {
    clearTimer();
    if (!tokens) return;
    let delay: number;
    if (failures > 0) {
      delay = backoffDelay(failures, Math.random);
    } else {
      // Up to a fifth of the margin earlier, so tabs opened together do not all renew at once.
      const margin = renewalMarginMs(tokens);
      delay = tokens.expiresAt - margin - serverNow() - (Math.random() * margin) / 5;
    }
    timer = host.timers.setTimeout(
      () => {
        timer = undefined;
        renew().catch((error: unknown) => host.logger.debug("user pool: scheduled token renewal failed", { code: errorCode(error) }));
      },
      Math.min(MAX_TIMER_DELAY_MS, Math.max(0, delay)),
    );
  }

  async function readStored(): Promise<Tokens | undefined | "unreadable"> {
    let value: unknown;
    try {
      value = await host.storage.get(key);
    } catch (error) {
      host.logger.warn("user pool: could not read stored tokens", { code: errorCode(error) });
      return "unreadable";
    }
    const tokens = parseStoredTokens(value, host.options);
    // Corrupt, or from another pool or app client: useless here, and it would make the core load
    // sign-in code on every start.
    if (!tokens && value !== undefined) await host.storage.del(key).catch(() => undefined);
    return tokens;
  }

  async function save(t: Tokens) {
    try {
      await host.storage.set(key, toStored(t));
    } catch (error) {
      host.logger.warn("user pool: could not store tokens; this page keeps them in memory", { code: errorCode(error) });
    }
  }

  /**
   * Ends the session in this tab. The identity side is told without waiting: this may run inside
   * the core's own credential fetch (through the login function), which must not wait on itself.
   */
  async function end(cause: SignOutCause, deleteStored: boolean) {
    use(undefined);
    if (deleteStored) await host.storage.del(key).catch(() => undefined);
    host.endSession(cause).catch((error: unknown) => host.logger.warn("user pool: ending the identity session failed", { code: errorCode(error) }));
  }

  function renew(): Promise<Tokens> {
    inflight ??= (async () => {
      const mine = tokens;
      if (!mine) throw notSignedIn();
      const stored = await readStored();
      let base = mine;
      if (stored !== "unreadable") {
        // Another tab signed out, or signed in as someone else: this tab's session is over.
        if (!stored || stored.sub !== mine.sub) {
          await end("signOut", false);
          throw notSignedIn();
        }
        if (stored.expiresAt > mine.expiresAt) {
          // Another tab already renewed.
          use(stored);
          return stored;
        }
        base = stored;
      }
      try {
        const out = await call(
          () =>
            api.send("InitiateAuth", { AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: host.options.clientId, AuthParameters: { REFRESH_TOKEN: base.refreshToken } }),
          "refresh",
        );
        const result = out.AuthenticationResult;
        if (!result?.IdToken || !result.AccessToken) throw new CognitoIdpoolError("service-error", "REFRESH_TOKEN_AUTH returned no tokens.");
        const next = withClaims({
          ...toStored(base),
          idToken: result.IdToken,
          accessToken: result.AccessToken,
          refreshToken: result.RefreshToken ?? base.refreshToken,
        });
        // Signed out, or signed in again, while the request was out: those tokens win.
        if (tokens !== mine) throw notSignedIn();
        use(next);
        await save(next);
        return next;
      } catch (error) {
        if (tokens !== mine) throw error;
        if (isCognitoIdpoolError(error, "session-expired")) {
          host.logger.debug("user pool: the refresh token was refused; the session ends");
          await end("sessionExpired", true);
        } else {
          failures += 1;
          schedule();
        }
        throw error;
      }
    })().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    current: () => tokens,
    async load() {
      const stored = await readStored();
      use(stored === "unreadable" ? undefined : stored);
      return tokens;
    },
    async peek() {
      const stored = await readStored();
      return stored === "unreadable" ? undefined : stored;
    },
    async adopt(next) {
      use(next);
      await save(next);
    },
    async freshIdToken() {
      const t = tokens;
      if (!t) throw notSignedIn();
      if (!needsRenewal(t)) return t.idToken;
      try {
        return (await renew()).idToken;
      } catch (error) {
        // Offline or throttled: a token that has not expired yet still works.
        const still = tokens;
        if (isCognitoIdpoolError(error) && error.retryable && still && serverNow() < still.expiresAt) return still.idToken;
        throw error;
      }
    },
    async forget() {
      use(undefined);
      await host.storage.del(key);
    },
    renew,
    dispose: clearTimer,
  };
}

function notSignedIn(): CognitoIdpoolError {
  return new CognitoIdpoolError("not-signed-in", "No user is signed in to the user pool.");
}
