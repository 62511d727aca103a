import { CognitoIdpoolError, errorCode, errorMessage, isCognitoIdpoolError } from "../errors.js";
import type { IdentityPoolApi } from "../identity-pool/client.js";
import type { IssuedCredentials } from "../identity-pool/credentials.js";
import type { LockManager, Logger, Timers } from "../platform/types.js";
import type { RefreshScheduler } from "../refresh/scheduler.js";
import type {
  AuthState,
  AwsCredentials,
  DeveloperIdentitySource,
  IdentityChange,
  IdentityCredentials,
  LoginValue,
  OpenIdToken,
  SignOutCause,
} from "../types.js";
import type { TabMessage } from "../tabs/channel.js";
import { createEmitter } from "./emitter.js";
import type { IdentityRecords } from "./identity-records.js";
import { DEVELOPER_LOGIN, isDeveloperIdentity, resolveLogins, validateLogins } from "./logins.js";
import type { ServerClock } from "./server-clock.js";

/**
 * Credentials this close to expiry are not handed out even when a refresh failed: a request signed
 * with them could arrive after they expired.
 */
const STILL_VALID_CUSHION_MS = 15_000;
/** A login-token function (`setLogins`) that has not answered after this long fails as a network error. */
const LOGIN_TOKEN_TIMEOUT_MS = 15_000;

export interface EngineDeps {
  allowGuests: boolean;
  refreshMarginMs: number;
  api: IdentityPoolApi;
  serverClock: ServerClock;
  records: IdentityRecords;
  /** Cross-tab lock; `lockName` is per identity pool. */
  lock: LockManager;
  lockName: string;
  logger: Logger;
  timers: Timers;
  storageKind: AuthState["storage"];
  /**
   * Settles once storage is probed (and possibly fell back to memory). A sign-out's deletes wait for
   * it; the other calls come in only after start-up, which waited for it.
   */
  storageReady: Promise<void>;
  /** Posts to the other tabs, when cross-tab messages are on. */
  broadcast(message: TabMessage): void;
}

/** The identity held and its credentials, absent right after `getIdentityId()` for a guest, before any credentials were asked for. */
interface Session extends Partial<IssuedCredentials> {
  identityId: string;
  kind: "guest" | "authenticated";
  /** Server-clock instant after which the credentials are renewed before use. */
  refreshAtServerMs?: number;
}

type SessionWithCredentials = Session & IssuedCredentials & { refreshAtServerMs: number };

/** An identity change other than a sign-out: there is a new identity. */
type NewIdentity = Exclude<IdentityChange, { reason: "signedOut" }>;

/** A developer identity's state between its token function and the engine (see `setDeveloperIdentity`). */
interface Developer {
  identityId?: string;
  guest?: string | undefined;
}

/** Thrown inside an operation that `signOut()` overtook; the operation's result must not be installed. */
class Superseded extends Error {}

/**
 * The credential core: one identity and one set of credentials per page, shared by every caller.
 *
 * - Reads are served from memory until `expiration − margin` (server time); concurrent callers
 *   share one request chain, and `setLogins`/refreshes run one at a time in call order.
 * - Guest identities are created under a cross-tab lock, re-reading storage once it is held.
 * - A login with a cached guest sends the guest id with the logins (link or merge, never GetId).
 * - A cached identity Cognito rejects is replaced once, with a `recovered` event; never in a loop.
 * - `signOut()` takes effect at once: a generation counter, checked after every await, makes
 *   in-flight work discard its result and write nothing more.
 * - A caller never waits on a renewal while the credentials held are still good, and after a
 *   failure callers wait for the scheduler's retry instead of sending requests of their own.
 */
export function createEngine(deps: EngineDeps) {
  const { records, api, serverClock, logger, allowGuests } = deps;
  const stateEvents = createEmitter<AuthState>(logger, "state");
  const identityEvents = createEmitter<IdentityChange>(logger, "identity change");
  let heldLogins: Record<string, LoginValue> | undefined;
  /**
   * With `setDeveloperIdentity`: the identity its source named with the last token, and the cached
   * guest to hand the source next (its one login is a token function that fills these in).
   */
  let developer: Developer | undefined;
  let current: Session | undefined;
  /** Bumped by every sign-out and by `dispose()`; work that started under another value is void. */
  let gen = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let refreshing: { promise: Promise<SessionWithCredentials>; forced: boolean } | undefined;
  let refreshError: CognitoIdpoolError | undefined;
  let storageError: CognitoIdpoolError | undefined;
  /** The user-pool tokens' expiry (server ms), while the sign-in module holds some. */
  let tokensExpireAt: number | undefined;
  /** Start-up may still find a session or identity in storage; a memory store starts empty. */
  let restoring = deps.storageKind !== "memory";
  /** Wired after construction by {@link attachScheduler}: the scheduler calls back into `refreshInBackground`. */
  let sched!: RefreshScheduler;
  let lastState = snapshot();

  function storageFailed(error: unknown): void {
    storageError = new CognitoIdpoolError("storage-unavailable", "Storage failed; identity ids are kept in memory only.", { cause: error });
    logger.warn("storage unavailable; falling back to memory", { error: errorMessage(error) });
    emitState();
  }

  /**
   * Start-up without a stored user-pool session: holds the stored guest identity (a storage read,
   * no request), so the state names it before anyone asks for credentials.
   */
  async function restoreGuest(generation = gen): Promise<void> {
    if (!allowGuests) return;
    const identityId = await records.readGuest();
    if (identityId && generation === gen && !current && !heldLogins) {
      current = { identityId, kind: "guest" };
      emitState();
    }
  }

  /** Start-up is over (or was overtaken by a sign-out): the state says what was found. */
  function settled(): void {
    restoring = false;
    emitState();
  }

  async function getCredentials(forceRefresh = false): Promise<IdentityCredentials> {
    const session = await freshSession(forceRefresh);
    return { identityId: session.identityId, ...toDeviceCredentials(session) };
  }

  async function getIdentityId(): Promise<string> {
    if (current) return current.identityId;
    if (heldLogins) return (await freshSession(false)).identityId;
    try {
      return await enqueue(async () => {
        const generation = gen;
        if (current) return current.identityId;
        assertGuestsAllowed();
        // Same retry schedule as credentials: during a backoff only the scheduler's retry sends GetId.
        if (sched.waiting() && refreshError) throw refreshError;
        const { identityId, created } = await guestIdentity(generation).catch((error: unknown) => {
          throw error instanceof Superseded ? error : failed(error);
        });
        check(generation);
        current = { identityId, kind: "guest" };
        emitState();
        if (created) announce({ reason: "created", identityId }, "guest");
        return identityId;
      });
    } catch (error) {
      if (error instanceof Superseded) return getIdentityId();
      throw error;
    }
  }

  /** Background refresh from the scheduler; outcomes are reported to the scheduler by {@link refresh}. */
  function refreshInBackground(): Promise<unknown> {
    return freshSession(false, true);
  }

  /** `generation`: the one current when the caller asked, so a sign-out while start-up runs still cancels. */
  function setLogins(logins: Record<string, LoginValue>, generation = gen): Promise<void> {
    validateLogins(logins);
    return hold({ ...logins }, undefined, generation);
  }

  /**
   * A developer-authenticated identity: its token is the one login, and asking for a token also
   * names the identity, whose credentials are then fetched (never GetId, which Cognito refuses for
   * this token).
   */
  function setDeveloperIdentity(source: DeveloperIdentitySource, generation = gen): Promise<void> {
    if (typeof source != "function" && !isDeveloperIdentity(source))
      throw new CognitoIdpoolError("invalid-argument", "setDeveloperIdentity() takes { identityId, token } or a function returning that.");
    const state: Developer = {};
    const token = async () => {
      const value = typeof source == "function" ? await source(state.guest ? { guestIdentityId: state.guest } : {}) : source;
      if (!isDeveloperIdentity(value))
        throw new CognitoIdpoolError("login-rejected", "setDeveloperIdentity()'s function did not return { identityId, token }.");
      state.identityId = value.identityId;
      return value.token;
    };
    return hold({ [DEVELOPER_LOGIN]: token }, state, generation);
  }

  /** Makes these the logins, with credentials for them, or leaves the previous ones when that fails. */
  async function hold(logins: Record<string, LoginValue>, state: Developer | undefined, generation: number): Promise<void> {
    await enqueue(async () => {
      if (generation !== gen) throw cancelled();
      const previous = [heldLogins, developer] as const;
      heldLogins = logins;
      developer = state;
      try {
        await refreshAuthenticated(generation, true);
      } catch (error) {
        if (error instanceof Superseded) throw cancelled();
        if (gen === generation) [heldLogins, developer] = previous;
        throw error;
      }
    });
  }

  const tokens = () => resolveLogins(heldLogins ?? {}, { timers: deps.timers, timeoutMs: LOGIN_TOKEN_TIMEOUT_MS });

  /** The identity's OpenID Connect token (GetOpenIdToken), with the logins held, or as a guest. */
  async function getOpenIdToken(): Promise<OpenIdToken> {
    const generation = gen;
    const logins = heldLogins && (await tokens());
    const { identityId, token } = await api.getOpenIdToken((await freshSession(false)).identityId, logins);
    check(generation);
    let exp: unknown;
    try {
      exp = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).exp;
    } catch {
      // Not a JWT: reported below.
    }
    if (typeof exp != "number") throw new CognitoIdpoolError("service-error", "Cognito returned an OpenID token without an expiry.", { retryable: true });
    return { identityId, token, expiration: new Date(serverClock.toDevice(exp * 1000)) };
  }

  /**
   * UnlinkIdentity: the login leaves the identity (and the logins held). With others left, their
   * credentials are fetched again; without, the identity cannot be reached from this page any
   * more, which is a sign-out.
   */
  async function removeLogin(provider: string): Promise<void> {
    if (!heldLogins || developer || typeof provider != "string" || !Object.hasOwn(heldLogins, provider))
      throw new CognitoIdpoolError("invalid-argument", `removeLogin(): "${String(provider)}" is not one of the logins set with setLogins().`);
    const { identityId } = await freshSession(false);
    const generation = gen;
    const logins = await tokens();
    check(generation);
    await api.unlinkIdentity(identityId, logins, provider);
    check(generation);
    const { [provider]: _removed, ...rest } = heldLogins;
    if (!Object.keys(rest).length) return signOut();
    await records.writeUser({ identityId, providers: Object.keys(rest) });
    check(generation);
    await hold(rest, undefined, generation);
  }

  /**
   * Forgets logins, credentials and identities: in memory at once (before the first await), then
   * the other tabs are told, then storage is cleared. The next guest call creates a fresh guest
   * identity. Rejects `storage-unavailable` when storage still refuses the deletes; this page is
   * signed out all the same. `local`: this tab's session ended because of another tab's change
   * (or the user pool ended it), so storage and the other tabs are not this tab's to touch.
   */
  async function signOut(options: { cause?: SignOutCause; local?: boolean } = {}): Promise<void> {
    const cause = options.cause ?? "signOut";
    const previousIdentityId = current?.identityId;
    const held = current !== undefined || heldLogins !== undefined;
    dispose();
    heldLogins = developer = current = refreshError = undefined;
    restoring = false;
    sched.cancel();
    if (options.local) records.forgetKnown();
    const cleared = options.local ? undefined : deps.storageReady.then(() => Promise.all([records.deleteUser(), records.deleteGuest()]));
    // New work waits for the clearing, never for the overtaken work, which may hang on the network.
    queue = Promise.resolve(cleared).catch(() => {});
    emitState();
    // An expired session is told even when this page held nothing yet (a reload found the stored
    // session dead): that is when the app must send the user back to sign-in.
    if (held || cause === "sessionExpired") identityEvents.emit({ reason: "signedOut", cause, ...(previousIdentityId && { previousIdentityId }) });
    if (!cleared) return;
    deps.broadcast({ type: "signedOut", cause });
    try {
      await cleared;
    } catch (error) {
      throw new CognitoIdpoolError("storage-unavailable", "Signed out, but storage refused to forget the identity.", { cause: error });
    }
  }

  /** Voids work under way (it settles without installing anything); used by `signOut` and the page's `dispose()`. */
  function dispose(): void {
    gen += 1;
    refreshing = undefined;
  }

  /** Another tab changed identity. If it replaced the one this tab holds, forget ours so the next call re-reads storage. */
  function identityChangedElsewhere(message: Extract<TabMessage, { type: "identity" }>): boolean {
    if (!current || message.previousIdentityId !== current.identityId || message.identityId === current.identityId) return false;
    current = undefined;
    sched.cancel();
    emitState();
    return true;
  }

  function freshSession(force: boolean, fromScheduler = false): Promise<SessionWithCredentials> {
    if (!heldLogins && !allowGuests) return Promise.reject(guestsDisabled());
    const session = current;
    if (!force && usable(session)) return Promise.resolve(session);
    const waiting = sched.waiting();
    if (!force && !fromScheduler) {
      // Within the refresh margin the held credentials are still good: renew behind the caller's
      // back. During a backoff, only the scheduler's retries go out, whatever callers hold.
      if (stillValid(session)) {
        if (!waiting) freshSession(false, true).catch(() => {});
        return Promise.resolve(session);
      }
      if (waiting && refreshError) return Promise.reject(refreshError);
    }
    if (refreshing && (!force || refreshing.forced)) return refreshing.promise;
    // The generation of the call, not of when the queue reaches it: a sign-out in between (which
    // also resets the queue) must cancel this refresh rather than let it run for the next identity.
    const generation = gen;
    const promise: Promise<SessionWithCredentials> = enqueue(() => refresh(force, generation)).finally(() => {
      if (refreshing?.promise === promise) refreshing = undefined;
    });
    refreshing = { promise, forced: force };
    return promise;
  }

  async function refresh(force: boolean, generation: number): Promise<SessionWithCredentials> {
    if (!force && usable(current)) return current;
    try {
      check(generation);
      return heldLogins ? await refreshAuthenticated(generation) : await refreshGuest(generation);
    } catch (error) {
      // Overtaken by signOut() or dispose(): nothing of it is installed, and nothing is started on its behalf.
      if (error instanceof Superseded) throw cancelled();
      const failure = failed(error);
      // A transient failure must not fail callers while the credentials they have still work.
      if (failure.retryable && stillValid(current)) return current;
      throw failure;
    }
  }

  /** A request failed: the state shows it and the scheduler's backoff starts (and retries, when retryable). */
  function failed(error: unknown): CognitoIdpoolError {
    refreshError = isCognitoIdpoolError(error) ? error : new CognitoIdpoolError("service-error", `Unexpected ${errorCode(error)}.`);
    sched.failed(refreshError);
    emitState();
    return refreshError;
  }

  async function refreshGuest(generation: number): Promise<SessionWithCredentials> {
    assertGuestsAllowed();
    let identityId: string;
    let created = false;
    if (current?.kind === "guest") identityId = current.identityId;
    else {
      const stored = await records.readGuest();
      check(generation);
      if (stored) identityId = stored;
      else ({ identityId, created } = await guestIdentity(generation));
    }

    // The old id stays, in memory and storage, until its replacement is stored: a rejection that
    // was not genuine (a blip, a wrong endpoint) followed by a failed GetId must not orphan it.
    const [issued, change] = await issueOrReplace(
      generation,
      identityId,
      created,
      "guest",
      async () => (await guestIdentity(generation, identityId)).identityId,
    );
    return install("guest", issued, change);
  }

  /**
   * The guest identity id: from storage, or made with GetId. Serialized across tabs so two tabs
   * opened at once on a fresh browser make one identity: whoever gets the lock second finds the
   * first one's id in storage. `rejected` is an id Cognito refused, which must not be reused.
   */
  function guestIdentity(generation: number, rejected?: string): Promise<{ identityId: string; created: boolean }> {
    return deps.lock.request(deps.lockName, async () => {
      const stored = await records.readGuest();
      check(generation);
      if (stored && stored !== rejected) return { identityId: stored, created: false };
      const identityId = await api.getId();
      check(generation);
      await records.writeGuest(identityId);
      check(generation);
      return { identityId, created: true };
    });
  }

  /** `loginsChanged`: called by `setLogins`, whose identity then takes over the shared user record (see {@link storeUser}). */
  async function refreshAuthenticated(generation: number, loginsChanged = false): Promise<SessionWithCredentials> {
    const providers = Object.keys(heldLogins ?? {});

    // Which identity these logins continue: ours in memory, the one stored for these providers, or the cached guest.
    let base: Session | undefined = current;
    if (!base) {
      const user = await records.readUser();
      check(generation);
      if (user && user.providers.some((p) => providers.includes(p))) base = { identityId: user.identityId, kind: "authenticated" };
      else if (allowGuests) {
        const guest = await records.readGuest();
        check(generation);
        if (guest) base = { identityId: guest, kind: "guest" };
      }
    }

    // A developer identity's source is told the cached guest, which the backend links or merges.
    if (developer) developer.guest = base?.kind === "guest" ? base.identityId : undefined;
    const logins = await tokens();
    check(generation);
    const developerIdentityId = developer?.identityId;

    let created = false;
    if (!base) {
      base = { identityId: developerIdentityId ?? (await api.getId(logins)), kind: "authenticated" };
      created = !developerIdentityId;
      check(generation);
    }

    // Deleted, disabled, or another user's identity ("Logins don't match"): start again from the
    // logins, once. The replacement's record overwrites the old one once it exists (see refreshGuest).
    // A developer identity is the backend's: its credentials are for the identity it names, or none.
    const [issued, createdOrRecovered] = await issueOrReplace(
      generation,
      developerIdentityId ?? base.identityId,
      created,
      "authenticated",
      developerIdentityId ? undefined : () => api.getId(logins),
      logins,
    );
    await storeUser(issued.identityId, providers, base, loginsChanged, generation);
    let change = createdOrRecovered;
    if (change) return install("authenticated", issued, change);
    if (base.kind === "guest" && issued.identityId === base.identityId) {
      change = { reason: "linked", identityId: issued.identityId, previousIdentityId: base.identityId };
    } else if (issued.identityId !== base.identityId) {
      change = { reason: "merged", identityId: issued.identityId, previousIdentityId: base.identityId };
      if (base.kind === "guest" && stillValid(base)) change.previousCredentials = toDeviceCredentials(base);
    }
    return install("authenticated", issued, change);
  }

  /**
   * {@link issue} for `identityId`, with the change it makes (`created` when it was just made). When
   * Cognito rejects an identity it did not just make, once more for the one `replace()` makes, as
   * `recovered`: a second rejection propagates, so recovery happens once per call, never in a loop.
   */
  async function issueOrReplace(
    generation: number,
    identityId: string,
    created: boolean,
    kind: Session["kind"],
    replace: (() => Promise<string>) | undefined,
    logins?: Record<string, string>,
  ): Promise<[IssuedCredentials, NewIdentity | undefined]> {
    try {
      const issued = await issue(generation, identityId, logins);
      return [issued, created ? { reason: "created", identityId: issued.identityId } : undefined];
    } catch (error) {
      if (!isCognitoIdpoolError(error, "identity-rejected") || created || !replace) throw error;
      check(generation);
      logger.warn(`Cognito rejected the cached ${kind} identity; replacing it`, { identityId, cognito: error.message });
      const replacement = await replace();
      check(generation);
      const issued = await issue(generation, replacement, logins);
      return [issued, { reason: "recovered", identityId: issued.identityId, previousIdentityId: identityId }];
    }
  }

  /**
   * Records the identity `base` led to. Every tab of the pool shares the one user record, and tabs
   * may hold different users: the record is taken over only when this tab's identity changes (new
   * logins, or a guest that became authenticated); a renewal only updates a record of its own
   * identity. Otherwise two tabs would overwrite each other's record on every renewal, and a reload
   * would continue the wrong user's identity (recovering it away) or lose one. A record that is
   * gone is not written back by a renewal either: another tab signed out.
   */
  async function storeUser(identityId: string, providers: string[], base: Session, loginsChanged: boolean, generation: number): Promise<void> {
    const previous = await records.readUser();
    check(generation);
    const same = previous?.identityId === identityId;
    const known = same ? previous.providers : [];
    const record = { identityId, providers: [...new Set([...known, ...providers])] };
    // Unchanged records are not rewritten: that is all a renewal usually finds.
    const ours = same || loginsChanged || base.kind === "guest" || previous?.identityId === base.identityId;
    if (ours && !(same && record.providers.length === known.length)) await records.writeUser(record);
    check(generation);
    // The guest these logins continued is linked or merged now, so its record goes; a different guest stored there is another tab's (made after a sign-out there).
    if (base.kind === "guest" && (await records.readGuest()) === base.identityId) await records.deleteGuest();
    check(generation);
  }

  /**
   * GetCredentialsForIdentity, checked: credentials that arrive with less life than the cushion
   * (already expired on the server's own clock) cannot be handed out, and installing them would
   * plan the next refresh at once; they fail as a retryable error, retried with the backoff.
   */
  async function issue(generation: number, identityId: string, logins?: Record<string, string>): Promise<IssuedCredentials> {
    const issued = await api.getCredentialsForIdentity(identityId, logins);
    check(generation);
    if (!(issued.expirationServerMs - serverClock.now() > STILL_VALID_CUSHION_MS)) {
      throw new CognitoIdpoolError("service-error", "Cognito issued credentials that had already expired.", { retryable: true });
    }
    return issued;
  }

  function install(kind: Session["kind"], issued: IssuedCredentials, change: NewIdentity | undefined): SessionWithCredentials {
    const serverNow = serverClock.now();
    // Half the lifetime at most, so short-lived credentials (tests, custom roles) are still reused.
    const margin = Math.min(deps.refreshMarginMs, Math.max(0, (issued.expirationServerMs - serverNow) / 2));
    const session: SessionWithCredentials = { ...issued, kind, refreshAtServerMs: issued.expirationServerMs - margin };
    current = session;
    refreshError = undefined;
    sched.planAt(session.refreshAtServerMs);
    logger.debug("credentials issued", {
      identityId: issued.identityId,
      kind,
      expiresInSeconds: Math.round((issued.expirationServerMs - serverNow) / 1000),
    });
    emitState();
    if (change) announce(change, kind);
    return session;
  }

  function announce(change: NewIdentity, kind: Session["kind"]): void {
    identityEvents.emit(change);
    deps.broadcast({
      type: "identity",
      identityId: change.identityId,
      kind,
      ...(change.previousIdentityId && { previousIdentityId: change.previousIdentityId }),
    });
  }

  function usable(session: Session | undefined): session is SessionWithCredentials {
    return session?.refreshAtServerMs !== undefined && serverClock.now() < session.refreshAtServerMs;
  }

  function stillValid(session: Session | undefined): session is SessionWithCredentials {
    return session?.expirationServerMs !== undefined && serverClock.now() < session.expirationServerMs - STILL_VALID_CUSHION_MS;
  }

  function toDeviceCredentials(credentials: IssuedCredentials): AwsCredentials {
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: new Date(serverClock.toDevice(credentials.expirationServerMs)),
    };
  }

  function assertGuestsAllowed(): void {
    if (!allowGuests) throw guestsDisabled();
  }

  function check(generation: number): void {
    if (generation !== gen) throw new Superseded();
  }

  function enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = queue.then(operation);
    queue = result.catch(() => {});
    return result;
  }

  function snapshot(): AuthState {
    const session = current;
    const state: AuthState = {
      status: session?.kind ?? (heldLogins ? "authenticated" : restoring ? "restoring" : "signedOut"),
      storage: storageError ? "memory" : deps.storageKind,
    };
    if (session) state.identityId = session.identityId;
    if (session?.expirationServerMs) state.expiration = new Date(serverClock.toDevice(session.expirationServerMs));
    if (tokensExpireAt) state.tokenExpiration = new Date(serverClock.toDevice(tokensExpireAt));
    if (storageError) state.storageError = storageError;
    if (refreshError) state.refreshError = refreshError;
    return state;
  }

  /** Emits the state when a field changed (a date: its time). */
  function emitState(): void {
    const next = snapshot();
    const fields = (state: AuthState) => [
      state.status,
      state.identityId,
      state.expiration?.getTime(),
      state.tokenExpiration?.getTime(),
      state.storage,
      state.storageError,
      state.refreshError,
    ];
    const before = fields(lastState);
    if (fields(next).some((value, i) => value !== before[i])) stateEvents.emit((lastState = next));
  }

  return {
    stateEvents,
    identityEvents,
    /** Bumped by every sign-out and by `dispose()`; work that started under another value is void. */
    get generation() {
      return gen;
    },
    get state() {
      return lastState;
    },
    attachScheduler(scheduler: RefreshScheduler) {
      sched = scheduler;
    },
    storageFailed,
    tokensChanged(expiresAt: number | undefined) {
      tokensExpireAt = expiresAt;
      emitState();
    },
    restoreGuest,
    settled,
    getCredentials,
    getIdentityId,
    refreshInBackground,
    setLogins,
    setDeveloperIdentity,
    getOpenIdToken,
    removeLogin,
    signOut,
    dispose,
    identityChangedElsewhere,
  };
}

export type CredentialEngine = ReturnType<typeof createEngine>;

function guestsDisabled(): CognitoIdpoolError {
  return new CognitoIdpoolError("guests-disabled", "No login is set and allowGuests is false: sign in or call setLogins() first.");
}

export function cancelled(): CognitoIdpoolError {
  return new CognitoIdpoolError("cancelled", "signOut() was called before this took effect.");
}
