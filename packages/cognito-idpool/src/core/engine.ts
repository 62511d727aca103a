import { CognitoIdpoolError, errorMessage, isCognitoIdpoolError } from "../errors.js";
import type { IdentityPoolApi, IssuedCredentials } from "../identity-pool/client.js";
import type { LockManager, Logger } from "../platform/types.js";
import type { RefreshScheduler } from "../refresh/scheduler.js";
import type { AuthState, AwsCredentials, IdentityChange, IdentityCredentials, LoginValue, SignOutCause } from "../types.js";
import type { TabMessage } from "../tabs/channel.js";
import { Emitter } from "./emitter.js";
import type { IdentityRecords } from "./identity-records.js";
import { resolveLogins, validateLogins } from "./logins.js";
import type { ServerClock } from "./server-clock.js";

/**
 * Credentials this close to expiry are not handed out even when a refresh failed: a request signed
 * with them could arrive after they expired.
 */
const STILL_VALID_CUSHION_MS = 15_000;

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
  storageKind: AuthState["storage"];
  /** Settles once storage is probed (and possibly fell back to memory). */
  storageReady: Promise<void>;
  /** Posts to the other tabs, when cross-tab messages are on. */
  broadcast(message: TabMessage): void;
}

interface HeldCredentials extends IssuedCredentials {
  /** Server-clock instant after which the credentials are renewed before use. */
  refreshAtServerMs: number;
}

interface Session {
  identityId: string;
  kind: "guest" | "authenticated";
  /** Absent right after `getIdentityId()` for a guest, before any credentials were asked for. */
  credentials?: HeldCredentials;
}

type SessionWithCredentials = Session & { credentials: HeldCredentials };

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
 * - `signOut()` takes effect at once: a generation counter makes in-flight work discard its result.
 */
export class CredentialEngine {
  readonly stateEvents: Emitter<AuthState>;
  readonly identityEvents: Emitter<IdentityChange>;

  private logins: Record<string, LoginValue> | undefined;
  private session: Session | undefined;
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private refreshing: { promise: Promise<SessionWithCredentials>; forced: boolean } | undefined;
  private refreshError: CognitoIdpoolError | undefined;
  private storageError: CognitoIdpoolError | undefined;
  /** Start-up may still find a session or identity in storage; a memory store starts empty. */
  private restoring: boolean;
  private lastState: AuthState;
  private scheduler!: RefreshScheduler;

  constructor(private readonly deps: EngineDeps) {
    this.stateEvents = new Emitter(deps.logger, "state");
    this.identityEvents = new Emitter(deps.logger, "identity change");
    this.restoring = deps.storageKind !== "memory";
    this.lastState = this.snapshot();
  }

  /** Wired after construction: the scheduler calls back into {@link refreshInBackground}. */
  attachScheduler(scheduler: RefreshScheduler): void {
    this.scheduler = scheduler;
  }

  get state(): AuthState {
    return this.lastState;
  }

  storageFailed(error: unknown): void {
    this.storageError = new CognitoIdpoolError("storage-unavailable", "Storage failed; identity ids are kept in memory and will not survive a reload.", {
      cause: error,
    });
    this.deps.logger.warn("storage unavailable; falling back to memory", { error: errorMessage(error) });
    this.emitState();
  }

  /**
   * Start-up without a stored user-pool session: holds the stored guest identity (a storage read,
   * no request), so the state names it before anyone asks for credentials.
   */
  async restoreGuest(): Promise<void> {
    if (!this.deps.allowGuests) return;
    const generation = this.generation;
    const identityId = await this.deps.records.readGuest();
    if (identityId && generation === this.generation && !this.session && !this.logins) {
      this.session = { identityId, kind: "guest" };
      this.emitState();
    }
  }

  /** Start-up is over (or was overtaken by a sign-out): the state says what was found. */
  settled(): void {
    this.restoring = false;
    this.emitState();
  }

  async getCredentials(forceRefresh = false): Promise<IdentityCredentials> {
    await this.deps.storageReady;
    const session = await this.freshSession(forceRefresh);
    return { identityId: session.identityId, ...this.toDeviceCredentials(session.credentials) };
  }

  async getIdentityId(): Promise<string> {
    await this.deps.storageReady;
    if (this.session) return this.session.identityId;
    if (this.logins) return (await this.freshSession(false)).identityId;
    try {
      return await this.enqueue(async () => {
        const generation = this.generation;
        if (this.session) return this.session.identityId;
        this.assertGuestsAllowed();
        const { identityId, created } = await this.guestIdentity(generation);
        this.check(generation);
        this.session = { identityId, kind: "guest" };
        this.emitState();
        if (created) this.announce({ reason: "created", identityId }, "guest");
        return identityId;
      });
    } catch (error) {
      if (error instanceof Superseded) return this.getIdentityId();
      throw error;
    }
  }

  /** Background refresh from the scheduler; outcomes are reported to the scheduler by {@link refresh}. */
  refreshInBackground(): Promise<unknown> {
    return this.freshSession(false, true);
  }

  async setLogins(logins: Record<string, LoginValue>): Promise<void> {
    validateLogins(logins);
    const copy = { ...logins };
    await this.deps.storageReady;
    const generation = this.generation;
    await this.enqueue(async () => {
      if (generation !== this.generation) throw cancelled();
      const previous = this.logins;
      this.logins = copy;
      try {
        await this.refreshAuthenticated(generation);
      } catch (error) {
        if (error instanceof Superseded) throw cancelled();
        if (this.generation === generation) this.logins = previous;
        throw error;
      }
    });
  }

  /**
   * Forgets logins, credentials and identities, in memory at once and then in storage. The next
   * guest call creates a fresh guest identity. `fromOtherTab`: another tab already cleared storage.
   */
  async signOut(options: { cause?: SignOutCause; fromOtherTab?: boolean } = {}): Promise<void> {
    const cause = options.cause ?? "signOut";
    const previousIdentityId = this.session?.identityId;
    const held = this.session !== undefined || this.logins !== undefined;
    this.generation += 1;
    this.refreshing = undefined;
    this.logins = undefined;
    this.session = undefined;
    this.refreshError = undefined;
    this.restoring = false;
    this.scheduler.cancel();
    const cleared = options.fromOtherTab
      ? Promise.resolve()
      : this.deps.storageReady.then(() => Promise.all([this.deps.records.deleteUser(), this.deps.records.deleteGuest()]));
    // New work waits for the clearing, never for the overtaken work, which may hang on the network.
    this.queue = cleared.catch(() => {});
    this.emitState();
    // An expired session is told even when this page held nothing yet (a reload found the stored
    // session dead): that is when the app must send the user back to sign-in.
    if (held || (cause === "sessionExpired" && !options.fromOtherTab))
      this.identityEvents.emit({ reason: "signedOut", cause, ...(previousIdentityId ? { previousIdentityId } : {}) });
    if (!options.fromOtherTab) this.deps.broadcast({ type: "signedOut", cause });
    await cleared;
  }

  /** Another tab changed identity. If it replaced the one this tab holds, forget ours so the next call re-reads storage. */
  identityChangedElsewhere(message: Extract<TabMessage, { type: "identity" }>): boolean {
    if (!this.session || message.previousIdentityId !== this.session.identityId || message.identityId === this.session.identityId) return false;
    this.session = undefined;
    this.scheduler.cancel();
    this.emitState();
    return true;
  }

  private freshSession(force: boolean, fromScheduler = false): Promise<SessionWithCredentials> {
    if (!this.logins && !this.deps.allowGuests) return Promise.reject(guestsDisabled());
    if (!force && this.usable(this.session)) return Promise.resolve(this.session);
    // During a backoff, callers get the still-valid credentials instead of hammering a throttled or
    // unreachable Cognito at their own pace; only the scheduler's retries go out.
    if (!force && !fromScheduler && this.scheduler.attempts > 0 && this.stillValid(this.session)) return Promise.resolve(this.session);
    if (this.refreshing && (!force || this.refreshing.forced)) return this.refreshing.promise;
    const promise: Promise<SessionWithCredentials> = this.enqueue(() => this.refresh(force)).finally(() => {
      if (this.refreshing?.promise === promise) this.refreshing = undefined;
    });
    this.refreshing = { promise, forced: force };
    return promise;
  }

  private async refresh(force: boolean): Promise<SessionWithCredentials> {
    const generation = this.generation;
    if (!force && this.usable(this.session)) return this.session;
    try {
      return this.logins ? await this.refreshAuthenticated(generation) : await this.refreshGuest(generation);
    } catch (error) {
      // Overtaken by signOut(): serve the state as it is now.
      if (error instanceof Superseded) return this.freshSession(force);
      const failure = isCognitoIdpoolError(error) ? error : new CognitoIdpoolError("service-error", String(error), { cause: error });
      this.refreshError = failure;
      this.scheduler.failed(failure);
      this.emitState();
      // A transient failure must not fail callers while the credentials they have still work.
      if (failure.retryable && this.stillValid(this.session)) return this.session;
      throw failure;
    }
  }

  private async refreshGuest(generation: number): Promise<SessionWithCredentials> {
    this.assertGuestsAllowed();
    let identityId: string;
    let created = false;
    if (this.session?.kind === "guest") identityId = this.session.identityId;
    else {
      const stored = await this.deps.records.readGuest();
      this.check(generation);
      if (stored) identityId = stored;
      else ({ identityId, created } = await this.guestIdentity(generation));
    }

    let issued: IssuedCredentials;
    try {
      issued = await this.deps.api.getCredentialsForIdentity(identityId);
    } catch (error) {
      if (!isCognitoIdpoolError(error, "identity-rejected") || created) throw error;
      this.check(generation);
      this.deps.logger.warn("Cognito rejected the cached guest identity; replacing it", { identityId, cognito: error.message });
      if (this.session?.identityId === identityId) this.session = undefined;
      const replacement = await this.guestIdentity(generation, identityId);
      // A second rejection propagates: recovery happens once per call, never in a loop.
      issued = await this.deps.api.getCredentialsForIdentity(replacement.identityId);
      this.check(generation);
      return this.install("guest", issued, { reason: "recovered", identityId: issued.identityId, previousIdentityId: identityId });
    }
    this.check(generation);
    return this.install("guest", issued, created ? { reason: "created", identityId: issued.identityId } : undefined);
  }

  /**
   * The guest identity id: from storage, or made with GetId. Serialized across tabs so two tabs
   * opened at once on a fresh browser make one identity: whoever gets the lock second finds the
   * first one's id in storage. `rejected` is an id Cognito refused, which must not be reused.
   */
  private guestIdentity(generation: number, rejected?: string): Promise<{ identityId: string; created: boolean }> {
    return this.deps.lock.request(this.deps.lockName, async () => {
      const stored = await this.deps.records.readGuest();
      this.check(generation);
      if (stored && stored !== rejected) return { identityId: stored, created: false };
      if (stored) await this.deps.records.deleteGuest();
      const identityId = await this.deps.api.getId();
      this.check(generation);
      await this.deps.records.writeGuest(identityId);
      return { identityId, created: true };
    });
  }

  private async refreshAuthenticated(generation: number): Promise<SessionWithCredentials> {
    const logins = await resolveLogins(this.logins ?? {});
    this.check(generation);
    const providers = Object.keys(logins);
    const { records, api } = this.deps;

    // Which identity these logins continue: ours in memory, the one stored for these providers, or the cached guest.
    let base: Session | undefined = this.session;
    if (!base) {
      const user = await records.readUser();
      this.check(generation);
      if (user && user.providers.some((p) => providers.includes(p))) base = { identityId: user.identityId, kind: "authenticated" };
      else if (this.deps.allowGuests) {
        const guest = await records.readGuest();
        this.check(generation);
        if (guest) base = { identityId: guest, kind: "guest" };
      }
    }

    let created = false;
    if (!base) {
      base = { identityId: await api.getId(logins), kind: "authenticated" };
      created = true;
      this.check(generation);
    }

    let issued: IssuedCredentials;
    try {
      issued = await api.getCredentialsForIdentity(base.identityId, logins);
    } catch (error) {
      if (!isCognitoIdpoolError(error, "identity-rejected") || created) throw error;
      // Deleted, disabled, or another user's identity ("Logins don't match"): start again from the logins, once.
      this.check(generation);
      this.deps.logger.warn("Cognito rejected the cached identity for these logins; replacing it", { identityId: base.identityId, cognito: error.message });
      if (base.kind === "guest") await records.deleteGuest();
      else await records.deleteUser();
      if (this.session?.identityId === base.identityId) this.session = undefined;
      this.check(generation);
      const identityId = await api.getId(logins);
      this.check(generation);
      issued = await api.getCredentialsForIdentity(identityId, logins);
      this.check(generation);
      await this.storeUser(issued.identityId, providers, base.kind === "guest", generation);
      return this.install("authenticated", issued, { reason: "recovered", identityId: issued.identityId, previousIdentityId: base.identityId });
    }
    this.check(generation);
    await this.storeUser(issued.identityId, providers, base.kind === "guest", generation);

    let change: IdentityChange | undefined;
    if (created) change = { reason: "created", identityId: issued.identityId };
    else if (base.kind === "guest" && issued.identityId === base.identityId) {
      change = { reason: "linked", identityId: issued.identityId, previousIdentityId: base.identityId };
    } else if (issued.identityId !== base.identityId) {
      change = { reason: "merged", identityId: issued.identityId, previousIdentityId: base.identityId };
      if (base.kind === "guest" && this.stillValid(base)) change.previousCredentials = this.toDeviceCredentials(base.credentials);
    }
    return this.install("authenticated", issued, change);
  }

  private async storeUser(identityId: string, providers: string[], removeGuest: boolean, generation: number): Promise<void> {
    const { records } = this.deps;
    const previous = await records.readUser();
    this.check(generation);
    const known = previous?.identityId === identityId ? previous.providers : [];
    await records.writeUser({ identityId, providers: [...new Set([...known, ...providers])] });
    if (removeGuest) await records.deleteGuest();
  }

  private install(kind: Session["kind"], issued: IssuedCredentials, change: IdentityChange | undefined): SessionWithCredentials {
    const serverNow = this.deps.serverClock.now();
    // Half the lifetime at most, so short-lived credentials (tests, custom roles) are still reused.
    const margin = Math.min(this.deps.refreshMarginMs, Math.max(0, (issued.expirationServerMs - serverNow) / 2));
    const credentials: HeldCredentials = { ...issued, refreshAtServerMs: issued.expirationServerMs - margin };
    const session: SessionWithCredentials = { identityId: issued.identityId, kind, credentials };
    this.session = session;
    this.refreshError = undefined;
    this.scheduler.planAt(credentials.refreshAtServerMs);
    this.deps.logger.debug("credentials issued", {
      identityId: issued.identityId,
      kind,
      expiresInSeconds: Math.round((issued.expirationServerMs - serverNow) / 1000),
    });
    this.emitState();
    if (change) this.announce(change, kind);
    return session;
  }

  private announce(change: IdentityChange, kind: Session["kind"]): void {
    this.identityEvents.emit(change);
    if (change.identityId) {
      this.deps.broadcast({
        type: "identity",
        identityId: change.identityId,
        kind,
        ...(change.previousIdentityId ? { previousIdentityId: change.previousIdentityId } : {}),
      });
    }
  }

  private usable(session: Session | undefined): session is SessionWithCredentials {
    return session?.credentials !== undefined && this.deps.serverClock.now() < session.credentials.refreshAtServerMs;
  }

  private stillValid(session: Session | undefined): session is SessionWithCredentials {
    return session?.credentials !== undefined && this.deps.serverClock.now() < session.credentials.expirationServerMs - STILL_VALID_CUSHION_MS;
  }

  private toDeviceCredentials(credentials: HeldCredentials): AwsCredentials {
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: new Date(this.deps.serverClock.toDevice(credentials.expirationServerMs)),
    };
  }

  private assertGuestsAllowed(): void {
    if (!this.deps.allowGuests) throw guestsDisabled();
  }

  private check(generation: number): void {
    if (generation !== this.generation) throw new Superseded();
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => {});
    return result;
  }

  private snapshot(): AuthState {
    const session = this.session;
    const state: AuthState = {
      status: session?.kind ?? (this.logins ? "authenticated" : this.restoring ? "restoring" : "signedOut"),
      storage: this.storageError ? "memory" : this.deps.storageKind,
    };
    if (session) state.identityId = session.identityId;
    if (session?.credentials) state.expiration = new Date(this.deps.serverClock.toDevice(session.credentials.expirationServerMs));
    if (this.storageError) state.storageError = this.storageError;
    if (this.refreshError) state.refreshError = this.refreshError;
    return state;
  }

  private emitState(): void {
    const next = this.snapshot();
    const prev = this.lastState;
    if (
      next.status === prev.status &&
      next.identityId === prev.identityId &&
      next.expiration?.getTime() === prev.expiration?.getTime() &&
      next.storage === prev.storage &&
      next.storageError === prev.storageError &&
      next.refreshError === prev.refreshError
    ) {
      return;
    }
    this.lastState = next;
    this.stateEvents.emit(next);
  }
}

function guestsDisabled(): CognitoIdpoolError {
  return new CognitoIdpoolError("guests-disabled", "No login is set and allowGuests is false: sign in or call setLogins() before asking for credentials.");
}

function cancelled(): CognitoIdpoolError {
  return new CognitoIdpoolError("cancelled", "signOut() was called before the logins took effect.");
}
