/**
 * Keeps the user-pool tokens alive: renews them with GetTokensFromRefreshToken before they expire
 * (on the core's retry schedule, plus on demand), with storage as the source of truth shared by
 * every tab. Renewals are serialized across tabs by a Web Lock per user-pool session: inside it,
 * storage is read again and a newer token set another tab stored is adopted instead of renewing,
 * and a rotated refresh token is stored before the lock is released. So with refresh-token
 * rotation on (the old token dies after the app client's grace period), no two tabs ever renew
 * with the same refresh token. A refused refresh token ends the session in this tab, unless
 * storage meanwhile holds a newer one; a network failure or throttling only postpones the renewal;
 * storage that cannot be read is never taken for another tab's sign-out.
 */
import { CognitoIdpoolError, errorCode, isCognitoIdpoolError } from "../errors.js";
import { classify } from "../aws/outcome.js";
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
  /** The tokens, renewed first when they are within the renewal margin; offline or throttled, unexpired ones as they are. */
  fresh(): Promise<Tokens>;
  /**
   * Renews the tokens now (`force`, the default), or only when they are near expiry; either way
   * newer ones another tab stored are taken first. A refused refresh token ends the session.
   */
  renew(force?: boolean): Promise<Tokens>;
  /** New tokens for `base`'s refresh token, neither stored nor used (a sign-out's last call). */
  exchange(base: Tokens): Promise<Tokens>;
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
  /** The server does not know GetTokensFromRefreshToken: REFRESH_TOKEN_AUTH from then on. */
  let legacyRefresh = false;
  const scheduler = host.scheduler(() => renew(false));

  const needsRenewal = (t: Tokens) => host.serverNow() >= t.expiresAt - renewalMarginMs(t);

  /** Makes `next` this tab's tokens (or none), and plans their renewal afresh. */
  function use(next: Tokens | undefined) {
    tokens = next;
    host.tokensChanged(next?.expiresAt);
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

  /**
   * Asks the pool for new tokens. GetTokensFromRefreshToken works with rotation on and off; a
   * server that does not know it (older emulators such as cognito-local) gets REFRESH_TOKEN_AUTH,
   * which the app client must then allow.
   */
  async function exchange(base: Tokens): Promise<Tokens> {
    const { clientId } = host.options;
    // Tokens issued to a remembered device are renewed naming it, as the user pool requires.
    const device = base.deviceKey ? { DeviceKey: base.deviceKey } : {};
    const result = await call(async () => {
      if (!legacyRefresh) {
        try {
          return (await api.send("GetTokensFromRefreshToken", { ClientId: clientId, RefreshToken: base.refreshToken, ...device })).AuthenticationResult;
        } catch (error) {
          if (!/^(UnknownOperationException|Unsupported)$/.test(classify(error).type)) throw error;
          legacyRefresh = true;
        }
      }
      const AuthParameters = { REFRESH_TOKEN: base.refreshToken, ...(device.DeviceKey ? { DEVICE_KEY: device.DeviceKey } : {}) };
      return (await api.send("InitiateAuth", { AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: clientId, AuthParameters })).AuthenticationResult;
    }, "refresh");
    if (!result?.IdToken || !result.AccessToken) throw new CognitoIdpoolError("service-error", "The user pool renewed the session but returned no tokens.");
    // A rotating app client sends a new refresh token; the old one dies after its grace period.
    return withClaims({ ...toStored(base), idToken: result.IdToken, accessToken: result.AccessToken, refreshToken: result.RefreshToken ?? base.refreshToken });
  }

  /**
   * Which tokens to go on from: storage's when another tab renewed or rotated since this tab read
   * them (issued at or after ours, and not ours), else this tab's. `undefined` when storage shows
   * the session is over here (another tab signed out, or signed in as someone else).
   */
  function current(stored: Tokens | undefined | "unreadable", mine: Tokens): Tokens | undefined {
    if (stored === "unreadable") return mine;
    if (!stored || stored.sub !== mine.sub) return undefined;
    return stored.refreshToken !== mine.refreshToken ? (stored.issuedAt >= mine.issuedAt ? stored : mine) : stored.expiresAt > mine.expiresAt ? stored : mine;
  }

  /**
   * Renews under the cross-tab lock, or adopts what another tab renewed. `force`: ask the pool even
   * when the tokens at hand are not near expiry (fresh claims after an attribute change, a token the
   * identity pool refused, `getTokens({ forceRefresh })`).
   */
  function renew(force = true): Promise<Tokens> {
    const started = inflight;
    if (started && !force) return started;
    const run = (async () => {
      await started?.catch(() => undefined);
      return host.lock.request(key, () => renewLocked(force));
    })().finally(() => {
      if (inflight === run) inflight = undefined;
    });
    inflight = run;
    return run;
  }

  async function renewLocked(force: boolean): Promise<Tokens> {
    const mine = tokens;
    if (!mine) throw notSignedIn();
    let stored = await readStored();
    // Ended (signed out, disposed) while storage was read: nothing more is written.
    if (tokens !== mine) throw notSignedIn();
    let base = current(stored, mine);
    if (!base) {
      await end("signOut", false);
      throw notSignedIn();
    }
    // Another tab renewed meanwhile: its tokens do unless they too are due. This tab's own tokens are
    // renewed, even a little before the margin: the timer fires early by its jitter.
    if (base !== mine) {
      use(base);
      if (!force && !needsRenewal(base)) return base;
    }
    for (let adopted = false; ; adopted = true) {
      const held: Tokens | undefined = tokens;
      try {
        const next = await exchange(base);
        // Signed out, disposed, or signed in again while the request was out: those win.
        if (tokens !== held) throw notSignedIn();
        use(next);
        // Stored before the lock is released: the next tab to renew reads the rotated token.
        await save(next);
        return next;
      } catch (error) {
        if (tokens !== held) throw error;
        if (!isCognitoIdpoolError(error, "session-expired")) {
          scheduler.failed(error);
          throw error;
        }
        // Refused (with rotation, RefreshTokenReuseException): another tab may have rotated it
        // without this tab seeing, so storage is read once more before the session is given up.
        stored = await readStored();
        if (tokens !== held) throw error;
        const newer = current(stored, base);
        if (!adopted && newer && newer.refreshToken !== base.refreshToken) {
          use((base = newer));
          if (!force && !needsRenewal(base)) return base;
          continue;
        }
        host.logger.debug("user pool: the refresh token was refused; the session ends");
        // Only tokens read from storage are known to be this session's to delete.
        await end("sessionExpired", stored !== "unreadable" && stored?.refreshToken === base.refreshToken);
        throw error;
      }
    }
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
    async fresh() {
      const t = tokens;
      if (!t) throw notSignedIn();
      if (!needsRenewal(t)) return t;
      try {
        return await renew(false);
      } catch (error) {
        // Offline or throttled: a token that has not expired yet still works.
        const still = tokens;
        if (isCognitoIdpoolError(error) && error.retryable && still && host.serverNow() < still.expiresAt) return still;
        throw error;
      }
    },
    async forget() {
      use(undefined);
      await host.storage.del(key);
    },
    renew,
    exchange,
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
