/**
 * Keeps the user-pool tokens alive: renews the ID token with REFRESH_TOKEN_AUTH before it expires
 * (on the core's retry schedule, plus on demand when credentials are fetched), one request at a
 * time, with storage as the source of truth shared by every tab. A refused refresh token ends the
 * session in this tab; a network failure or throttling only postpones the renewal; storage that
 * cannot be read is never taken for another tab's sign-out.
 */
import { CognitoIdpoolError, errorCode, isCognitoIdpoolError } from "../errors.js";
import type { SignOutCause } from "../types.js";
import { call, type UserPoolApi } from "./client.js";
import type { UserPoolHost } from "./contract.js";
import { parseStoredTokens, renewalMarginMs, toStored, withClaims, type Tokens } from "./tokens.js";

export interface TokenKeeper {
  /** The tokens in memory, if signed in. */
  current(): Tokens | undefined;
  /** Reads stored tokens into memory (after a reload) and plans their renewal. */
  load(): Promise<Tokens | undefined>;
  /** The stored tokens, without loading them. */
  peek(): Promise<Tokens | undefined>;
  /** Makes fresh tokens from a sign-in the current ones: stored, and planned for renewal. */
  adopt(tokens: Tokens): Promise<void>;
  /** The ID token, renewed first when it is within the renewal margin. */
  freshIdToken(): Promise<string>;
  /** Renews the tokens now, whatever their expiry (or takes newer ones another tab stored). A refused refresh token ends the session. */
  renew(): Promise<Tokens>;
  /** Forgets the tokens here and in storage. */
  forget(): Promise<void>;
  /** Forgets the tokens in memory at once (a renewal under way then writes nothing) and returns them; storage is left to the caller. */
  end(): Tokens | undefined;
  /** As `end`, and stops renewing for good. */
  dispose(): void;
}

/**
 * Creates the keeper of one user-pool session's tokens.
 */
export function createTokenKeeper(host: UserPoolHost, api: UserPoolApi): TokenKeeper {
  const key = host.tokensKey;
  let tokens: Tokens | undefined;
  let inflight: Promise<Tokens> | undefined;
  const scheduler = host.scheduler(() => renew());

  const needsRenewal = (t: Tokens) => host.serverNow() >= t.expiresAt - renewalMarginMs(t);

  /** Makes `next` this tab's tokens (or none), and plans their renewal afresh. */
  function use(next: Tokens | undefined) {
    tokens = next;
    if (!next) return scheduler.cancel();
    // Up to a fifth of the margin earlier, so tabs opened together do not all renew at once.
    const margin = renewalMarginMs(next);
    scheduler.planAt(next.expiresAt - margin - (host.random() * margin) / 5);
  }

  async function readStored(): Promise<Tokens | undefined | "unreadable"> {
    let value: unknown;
    try {
      value = await host.storage.get(key);
    } catch (error) {
      host.logger.warn("user pool: could not read stored tokens", { code: errorCode(error) });
      return "unreadable";
    }
    // Storage fell back to memory: "nothing stored" only means "not known to this page".
    if (host.storage.degraded) return "unreadable";
    const tokens = parseStoredTokens(value, host.options);
    // Corrupt: useless, and it would make the core load sign-in code on every start.
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
   * Ends the session: everywhere when `own` (the stored tokens are this session's), else in this tab
   * only. The identity side is told without waiting: this may run inside the core's own credential
   * fetch (through the login function), which must not wait on itself.
   */
  async function end(cause: SignOutCause, own: boolean) {
    use(undefined);
    if (own) await host.storage.del(key).catch(() => undefined);
    host.endSession(cause, !own).catch((error: unknown) => host.logger.warn("user pool: ending the identity session failed", { code: errorCode(error) }));
  }

  function renew(): Promise<Tokens> {
    inflight ??= (async () => {
      const mine = tokens;
      if (!mine) throw notSignedIn();
      const stored = await readStored();
      // Ended (signed out, disposed) while storage was read: nothing more is written.
      if (tokens !== mine) throw notSignedIn();
      let base = mine;
      if (stored !== "unreadable") {
        // Another tab signed out, or signed in as someone else: this tab's session is over; storage is that tab's.
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
        // Signed out, disposed, or signed in again while the request was out: those win.
        if (tokens !== mine) throw notSignedIn();
        use(next);
        await save(next);
        return next;
      } catch (error) {
        if (tokens !== mine) throw error;
        if (isCognitoIdpoolError(error, "session-expired")) {
          host.logger.debug("user pool: the refresh token was refused; the session ends");
          // Only tokens read from storage are known to be this session's to delete.
          await end("sessionExpired", stored !== "unreadable");
        } else scheduler.failed(error);
        throw error;
      }
    })().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  const drop = () => {
    const held = tokens;
    use(undefined);
    return held;
  };

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
        if (isCognitoIdpoolError(error) && error.retryable && still && host.serverNow() < still.expiresAt) return still.idToken;
        throw error;
      }
    },
    async forget() {
      use(undefined);
      await host.storage.del(key);
    },
    renew,
    end: drop,
    dispose() {
      drop();
      scheduler.stop();
    },
  };
}

function notSignedIn(): CognitoIdpoolError {
  return new CognitoIdpoolError("not-signed-in", "No user is signed in to the user pool.");
}
