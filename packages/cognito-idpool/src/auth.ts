import { cancelled, createEngine, type CredentialEngine } from "./core/engine.js";
import { createIdentityRecords } from "./core/identity-records.js";
import { createServerClock } from "./core/server-clock.js";
import { CognitoIdpoolError, errorCode, isCognitoIdpoolError } from "./errors.js";
import { lazyModule } from "./lazy.js";
import { createJsonRpcSend } from "./aws/json-rpc.js";
import { createIdentityPoolApi } from "./identity-pool/client.js";
import { resolveOptions, type AuthOptions } from "./options.js";
import { globalTimers, silentLogger, systemClock } from "./platform/defaults.js";
import type { KeyValueStore } from "./platform/types.js";
import { createRefreshScheduler, type RefreshScheduler, type WakeReason } from "./refresh/scheduler.js";
import { createFallbackStore } from "./storage/fallback-store.js";
import { createIndexedDbStore } from "./storage/idb-store.js";
import { storageKeys } from "./storage/keys.js";
import { createMemoryStore } from "./storage/memory-store.js";
import { openTabChannel, type TabChannel, type TabMessage } from "./tabs/channel.js";
import { createInPageLock, createWebLocksLock, type WebLockApi } from "./tabs/locks.js";
import type { AuthState, CredentialProvider, DeveloperIdentitySource, IdentityChange, IdentityCredentials, OpenIdToken } from "./types.js";
import type { DeviceActions, LoginValue, MfaActions, PasskeyActions, UserPoolActions, UserPoolCore, UserPoolSession } from "./user-pool/contract.js";

/** A Cognito call that takes longer than this is treated as a network failure and retried with backoff. */
const REQUEST_TIMEOUT_MS = 15_000;
/** IndexedDB that does not answer within this time is treated as broken. */
const STORAGE_TIMEOUT_MS = 5_000;
/** How long a tab waits for another tab's identity-creation lock before going ahead without it. */
const LOCK_TIMEOUT_MS = 10_000;

/**
 * Temporary AWS credentials from a Cognito identity pool, for guests and signed-in users.
 * Made by {@link createAuth}. Methods do not use `this`, so they can be passed around unbound.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId: "eu-west-1:11111111-2222-3333-4444-555555555555" });
 * const s3 = new S3Client({ region: "eu-west-1", credentials: auth.credentials });
 * ```
 */
export interface Auth extends UserPoolActions {
  /**
   * An AWS SDK v3 credential provider. Create clients once with it: their next request after a
   * login, merge or sign-out signs with the new identity's credentials. The `expiration` it reports
   * is in the past (the epoch), so that SDK clients, which cache credentials until 5 minutes before
   * `expiration` by the device clock, ask again on every request, even after the device clock moved
   * back; those calls are answered from memory without network.
   *
   * @example
   * ```ts
   * const s3 = new S3Client({ region: "eu-west-1", credentials: auth.credentials });
   * await s3.send(new PutObjectCommand({ Bucket, Key: `private/${await auth.getIdentityId()}/a.txt`, Body: "hi" }));
   * ```
   */
  readonly credentials: CredentialProvider;

  /**
   * Credentials for the current identity (guest, or the one of the logins), plus its id. Served
   * from memory until `expiration − refreshMarginSeconds` on server time; concurrent callers share
   * one request chain. `expiration` is the real expiry converted to the device clock, so it is right
   * even on a device whose clock is off. While a refresh fails with a network or throttling error,
   * still-valid credentials are returned and the refresh is retried in the background.
   *
   * @example
   * ```ts
   * const { accessKeyId, identityId, expiration } = await auth.getCredentials();
   * const fresh = await auth.getCredentials({ forceRefresh: true });
   * ```
   */
  getCredentials(options?: { forceRefresh?: boolean }): Promise<IdentityCredentials>;

  /**
   * The current identity id, creating a guest identity (one `GetId`, no credentials) if needed.
   *
   * @example
   * ```ts
   * const identityId = await auth.getIdentityId();
   * ```
   */
  getIdentityId(): Promise<string>;

  /**
   * Makes these the identity-pool logins, keyed by issuer without scheme. Values may be tokens or
   * functions returning a fresh token (called on every credential fetch). A cached guest is sent
   * along with the logins (one `GetCredentialsForIdentity`, never `GetId`): it is `linked` when the
   * login is new, `merged` into the login's identity otherwise. Resolves once credentials for the
   * logins are in; on failure the previous logins and identity stay.
   *
   * @example
   * ```ts
   * await auth.setLogins({ "accounts.google.com": googleIdToken });
   * await auth.setLogins({ "login.example.com": () => oidcClient.getIdToken() });
   * ```
   */
  setLogins(logins: Record<string, LoginValue>): Promise<void>;

  /**
   * Signs in with a developer-authenticated identity: your backend calls
   * `GetOpenIdTokenForDeveloperIdentity` (signed, with its AWS credentials) and hands the page the
   * identity id and token. Credentials come from `GetCredentialsForIdentity` for that identity
   * with the login `cognito-identity.amazonaws.com`, never from `GetId` (which Cognito refuses for
   * this token). A function is called whenever a new token is needed (each credential renewal),
   * with the cached guest's id so the backend can link it (`IdentityId`), or merge it; identity
   * changes and sign-out are as for `setLogins`.
   *
   * @example
   * ```ts
   * await auth.setDeveloperIdentity(async ({ guestIdentityId }) =>
   *   (await fetch("/api/cognito-token", { method: "POST", body: JSON.stringify({ guestIdentityId }) })).json(),
   * );
   * ```
   */
  setDeveloperIdentity(source: DeveloperIdentitySource): Promise<void>;

  /**
   * The identity's own OpenID Connect token (`GetOpenIdToken`), for services that trust Cognito as
   * an issuer (`https://cognito-identity.amazonaws.com`, audience the identity pool id). Guests
   * have one too. `expiration` is on the device clock.
   *
   * @example
   * ```ts
   * const { token } = await auth.getOpenIdToken();
   * await fetch("/api/partner", { headers: { authorization: `Bearer ${token}` } });
   * ```
   */
  getOpenIdToken(): Promise<OpenIdToken>;

  /**
   * Unlinks a login set with `setLogins` from the identity (`UnlinkIdentity` with the current
   * tokens): the identity stays, with the other logins, and the login is gone from it and from the
   * logins held. Removing the last login leaves the identity unreachable from this page: that is
   * a sign-out.
   *
   * @example
   * ```ts
   * await auth.removeLogin("graph.facebook.com");
   * ```
   */
  removeLogin(providerName: string): Promise<void>;

  /**
   * Signs out at once in this page: from the call on, no credentials of the signed-out identity are
   * handed out, the state says `signedOut`, and every sign-in, `setLogins`, restore or renewal under
   * way here or in another tab rejects `cancelled` (or ends silently) and writes nothing. Then tells
   * the other tabs and clears storage (user-pool tokens, identity records, the guest), retrying a
   * refused delete, and last revokes the user-pool refresh token (`global: true`: signs out every
   * device). The next guest call gets a fresh guest identity. Storage that still refuses
   * (`storage-unavailable`), a failed revocation or a missing `userPool` option (with `global`) are
   * thrown afterwards; the page is signed out all the same. `redirect: true` (with
   * `userPool.oauth`) then leaves the page for the login pages' `/logout`, ending their own session
   * too, which sends the user back to `logoutUri`.
   *
   * @example
   * ```ts
   * await auth.signOut();
   * await auth.signOut({ global: true }); // user pool only
   * await auth.signOut({ redirect: true }); // and the managed login pages' session
   * ```
   */
  signOut(options?: { global?: boolean; redirect?: boolean }): Promise<void>;

  /**
   * Calls `listener` now with the current state and again on every change (status, identity,
   * expiration, storage fallback, refresh errors). Returns the unsubscribe function.
   *
   * @example
   * ```ts
   * const unsubscribe = auth.subscribe((state) => render(state.status, state.identityId));
   * // React: useSyncExternalStore(auth.subscribe, auth.getState)
   * ```
   */
  subscribe(listener: (state: AuthState) => void): () => void;

  /**
   * The current state (the same object until it changes).
   *
   * @example
   * ```ts
   * if (auth.getState().status === "authenticated") showAccountMenu();
   * ```
   */
  getState(): AuthState;

  /**
   * Resolves once start-up has settled, that is once `getState().status` has left `restoring` for
   * what storage held: `authenticated` (a stored user-pool session was restored and its credentials
   * are in), `guest` (the stored guest identity is held; no request was made for it) or
   * `signedOut` (nothing usable was stored, the stored session had expired, or `signOut()` came
   * first). Never rejects: when Cognito could not be reached, it resolves with status `signedOut`,
   * the stored session stays stored, and the next call that needs credentials retries the restore
   * (rejecting with the network error while it fails). Returns the same promise every time.
   *
   * @example
   * ```ts
   * await auth.ready();
   * if (auth.getState().status !== "authenticated") showSignInForm();
   * ```
   */
  ready(): Promise<void>;

  /**
   * Calls `listener` whenever the identity changes: `created`, `linked`, `merged` (with the guest's
   * `previousCredentials`), `recovered` or `signedOut`. Returns the unsubscribe function.
   *
   * @example
   * ```ts
   * auth.onIdentityChange(({ reason, previousIdentityId, identityId }) => console.log(reason, previousIdentityId, "→", identityId));
   * ```
   */
  onIdentityChange(listener: (change: IdentityChange) => void): () => void;

  /**
   * Server time minus device time in ms, from Cognito's `Date` headers (0 until the first response).
   * Useful as an AWS SDK client's `systemClockOffset` on devices with a wrong clock.
   *
   * @example
   * ```ts
   * const s3 = new S3Client({ region, credentials: auth.credentials, systemClockOffset: auth.clockOffsetMs() });
   * ```
   */
  clockOffsetMs(): number;

  /**
   * Stops timers and listeners and closes the cross-tab channel. Work under way ends without effect, and every later call rejects `cancelled`.
   *
   * @example
   * ```ts
   * auth.dispose();
   * ```
   */
  dispose(): void;
}

/** Without Web Locks, every auth of this page shares one in-page lock (see createInPageLock for what that does not cover). */
let pageLock: ReturnType<typeof createInPageLock> | undefined;

interface BrowserGlobals {
  navigator?: { locks?: WebLockApi };
  document?: {
    visibilityState?: string;
    addEventListener(type: string, listener: () => void): void;
    removeEventListener(type: string, listener: () => void): void;
  };
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
  BroadcastChannel?: typeof BroadcastChannel;
  location: { assign(url: string): void; search: string };
}

/**
 * Creates the credential source for one identity pool. Options are checked here, before any
 * request: a malformed one throws {@link CognitoIdpoolError} `invalid-options` naming it. This is
 * the only place that reads browser globals (IndexedDB, Web Locks, BroadcastChannel, page events);
 * every one of them can be replaced through the options.
 *
 * @example
 * ```ts
 * import { createAuth } from "cognito-idpool";
 * import { S3Client, ListObjectsV2Command } from "@aws-sdk/client-s3";
 *
 * const auth = createAuth({ identityPoolId: "eu-west-1:11111111-2222-3333-4444-555555555555" });
 * const s3 = new S3Client({ region: "eu-west-1", credentials: auth.credentials });
 * await s3.send(new ListObjectsV2Command({ Bucket: "my-bucket", Prefix: `private/${await auth.getIdentityId()}/` }));
 *
 * auth.onIdentityChange((change) => console.log(change.reason, change.identityId));
 * await auth.setLogins({ "accounts.google.com": googleIdToken }); // the guest is linked or merged
 * ```
 */
export function createAuth(options: AuthOptions): Auth {
  const o = resolveOptions(options);
  const g = globalThis as unknown as BrowserGlobals;
  const clock = o.clock ?? systemClock;
  const timers = o.timers ?? globalTimers;
  const logger = o.logger ?? silentLogger;
  const random = o.random ?? Math.random;
  const keys = storageKeys(o.identityPoolId, o.userPool);
  const serverClock = createServerClock(clock);
  const serverNow = () => serverClock.now();
  const observeServerDate = (date: string | undefined) => serverClock.observe(date);
  const lock =
    o.lock ?? (g.navigator?.locks ? createWebLocksLock(g.navigator.locks, { timers, logger, timeoutMs: LOCK_TIMEOUT_MS }) : (pageLock ??= createInPageLock()));

  const primary: KeyValueStore = o.storage === "indexeddb" ? createIndexedDbStore() : o.storage === "memory" ? createMemoryStore() : o.storage;
  const store = createFallbackStore(primary, {
    timers,
    timeoutMs: STORAGE_TIMEOUT_MS,
    random,
    probeKey: keys.probe,
    onFallback: (error) => engine.storageFailed(error),
  });
  const storageReady = store.probe();

  let channel: TabChannel | undefined;
  const engine: CredentialEngine = createEngine({
    allowGuests: o.allowGuests,
    refreshMarginMs: o.refreshMarginMs,
    api: createIdentityPoolApi({
      identityPoolId: o.identityPoolId,
      region: o.region,
      endpoint: o.endpoint,
      customRoleArn: o.customRoleArn,
      basic: o.basic,
      fetch: o.fetch,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      timers,
      observeServerDate,
    }),
    serverClock,
    records: createIdentityRecords(store, keys, logger),
    lock,
    lockName: keys.lockName,
    logger,
    timers,
    storageKind: typeof o.storage === "string" ? o.storage : "custom",
    storageReady,
    broadcast: (message) => channel?.post(message),
  });
  /** Every retry schedule of the page (credentials, user-pool tokens): woken together, stopped together. */
  const schedulers = new Set<RefreshScheduler>();
  const newScheduler = (refresh: () => Promise<unknown>) => {
    const scheduler = createRefreshScheduler({ timers, serverNow, random, logger, refresh });
    schedulers.add(scheduler);
    return scheduler;
  };
  // A start-up that failed is retried in the credentials' retry slot, by whoever needs it first.
  const scheduler = newScheduler(() => (retryStart ? ensureReady() : engine.refreshInBackground()));
  engine.attachScheduler(scheduler);

  // --- user pool, loaded on first use ---------------------------------------------------------
  /** The loaded module's session, reachable synchronously so a sign-out ends it before anything else runs. */
  let loaded: UserPoolSession | undefined;
  let disposed = false;
  const tokensKey = keys.userPoolTokens!;
  // The module makes its host from these parts itself: that wiring is not downloaded by guest pages.
  const core: UserPoolCore | undefined = o.userPool && {
    options: o.userPool,
    endpoint: o.endpoint,
    storage: store,
    tokensKey,
    deviceKey: keys.device,
    oauthKey: keys.oauth,
    lock,
    timers,
    logger,
    random,
    fetch: o.fetch,
    jsonRpc: createJsonRpcSend,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    scheduler: newScheduler,
    clock: serverClock,
    engine,
  };
  const userPoolModule = lazyModule(() => import("./user-pool/session.js"), "the user-pool sign-in module");
  const loadUserPool = async (operation: string): Promise<UserPoolSession> => {
    if (!core) throw notConfigured(operation);
    const module = await userPoolModule();
    if (!loaded) {
      loaded = module.startUserPoolSession(core);
      if (disposed) loaded.dispose();
    }
    return loaded;
  };
  /** Sign-outs asked for in this page or announced by another tab: a user-pool call begun before one is cancelled. */
  let signOuts = 0;
  // --- start-up: storage probe, then a stored user-pool session (or else the stored guest) is restored before credentials are served
  let ready: Promise<void> | undefined;
  let retryStart = false;
  const start = async () => {
    // A sign-out or dispose() while this runs wins: nothing is restored after it.
    const generation = engine.generation;
    await storageReady;
    if (!core || (await store.get(tokensKey)) === undefined) return engine.restoreGuest(generation);
    try {
      const session = await loadUserPool("restore");
      if (generation === engine.generation) await session.restore();
    } catch (error) {
      // Offline: fail callers until the shared backoff's next slot, then try again. Anything else: carry on as not signed in.
      if (isCognitoIdpoolError(error) && error.retryable) throw error;
      if (!isCognitoIdpoolError(error, "cancelled")) logger.warn("could not restore the user-pool session", { code: errorCode(error) });
    }
  };
  const ensureReady = (): Promise<void> => {
    if (!ready || (retryStart && !scheduler.waiting())) {
      retryStart = false;
      ready = start().catch((error: unknown) => {
        retryStart = true;
        scheduler.failed(error);
        throw error;
      });
    }
    return ready;
  };
  /** Start-up settled, its failure left to the calls that need credentials (user-pool calls act on the state it left). */
  const startedUp = () => ensureReady().catch(() => {});
  /** The first start-up attempt, settled: the state leaves `restoring` here (or at a sign-out before). */
  const restored = startedUp().then(() => engine.settled());

  /**
   * The user-pool module, once a session being restored after a reload has settled: signing in
   * must not race it. A sign-out or `dispose()` meanwhile cancels the call.
   */
  const userPool = async (operation: string): Promise<UserPoolSession> => {
    // Sign-outs asked for (here or in another tab) from the call on; a stored session that start-up
    // finds expired ends before the call begins, so only the generation after start-up counts.
    const asked = signOuts;
    if (core) await startedUp();
    const generation = engine.generation;
    const session = await loadUserPool(operation);
    // dispose() meanwhile too: the generation read above may already be the one after it.
    if (asked !== signOuts || generation !== engine.generation || disposed) throw cancelled();
    return session;
  };

  // --- other tabs --------------------------------------------------------------------------------
  const onTabMessage = (message: TabMessage) => {
    if (message.type === "signedOut") {
      signOuts += 1;
      // That tab cleared storage: this one only ends its own session.
      loaded?.end();
      void engine.signOut({ cause: message.cause, local: true });
      return;
    }
    // Our guest was linked or merged in another tab: pick up that tab's sign-in if it left one in storage.
    if (engine.identityChangedElsewhere(message) && message.kind === "authenticated" && core) {
      ready = undefined;
      void startedUp();
    }
  };
  if (o.crossTab && typeof g.BroadcastChannel === "function") {
    channel = openTabChannel(g.BroadcastChannel, keys.channelName, onTabMessage, logger);
  }

  // --- page lifecycle: timers of hidden or sleeping pages fire late, so re-check on wake-up ------
  const wake = (reason: WakeReason) => schedulers.forEach((s) => s.wake(reason));
  const onVisibility = () => {
    if (g.document?.visibilityState === "visible") wake("visible");
  };
  const onPageShow = () => wake("pageshow");
  const onOnline = () => wake("online");
  g.document?.addEventListener("visibilitychange", onVisibility);
  g.addEventListener?.("pageshow", onPageShow);
  g.addEventListener?.("online", onOnline);

  /** Start-up done, for a call that needs credentials; `dispose()` meanwhile cancels it (it would otherwise start work for a torn-down object). */
  const readyForCall = async () => {
    await ensureReady();
    if (disposed) throw cancelled();
  };

  const getCredentials = async (opts: { forceRefresh?: boolean } = {}) => {
    await readyForCall();
    return engine.getCredentials(opts.forceRefresh === true);
  };

  /** Signs out locally, then clears storage, then revokes; see {@link Auth.signOut}. */
  const signOut = async (opts: { global?: boolean; redirect?: boolean } = {}) => {
    signOuts += 1;
    const global = opts.global === true;
    // Memory first, before any await: the user-pool session, then the identity side.
    const failures: unknown[] = [];
    const revoke = loaded?.end();
    const cleared = engine.signOut().catch((error: unknown) => failures.unshift(error));
    if (core) {
      try {
        await storageReady;
        // Deleted here, not by the module: it may never load (an offline page served from cache).
        const stored = revoke ? undefined : await store.get(tokensKey);
        await store.del(tokensKey);
        if (revoke) await revoke(global);
        else if (stored !== undefined) await (await loadUserPool("signOut")).end(stored)?.(global);
      } catch (error) {
        failures.push(error);
      }
    } else if (global) failures.push(notConfigured("signOut({ global: true })"));
    await cleared;
    if (failures.length) throw failures[0];
    // Signed out here first, as every sign-out; then the login pages end their own session.
    if (opts.redirect) g.location.assign((await loadUserPool("signOut({ redirect: true })")).logoutUrl());
  };

  /** The one error boundary: whatever escapes is a CognitoIdpoolError, and an unexpected error's message (which may quote a response) stays out. */
  const guard =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      // A disposed object does nothing more: work started on it would outlive the page's teardown.
      if (disposed) throw cancelled();
      try {
        return await method(...args);
      } catch (error) {
        throw isCognitoIdpoolError(error) ? error : new CognitoIdpoolError("service-error", `Unexpected ${errorCode(error)}.`);
      }
    };
  /** Methods answered by the lazily loaded user-pool module: `names` of it (or of its `group`), each behind the error boundary. */
  const viaUserPool = <T>(names: readonly string[], group?: Grouped) =>
    Object.fromEntries(
      names.map((name) => [
        name,
        guard(async (...args: unknown[]) => {
          const session = await userPool(group ? `${group}.${name}()` : `${name}()`);
          return ((group ? session[group] : session) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!(...args);
        }),
      ]),
    ) as T;

  const userPoolCalls = viaUserPool<Omit<UserPoolActions, Grouped>>(USER_POOL_CALLS);
  return {
    credentials: guard(async (opts?: { forceRefresh?: boolean }) => {
      const c = await getCredentials({ forceRefresh: opts?.forceRefresh === true });
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        // Already expired, whatever the device clock says: AWS SDK v3 clients keep credentials until
        // 5 minutes before the expiration they were handed, judged by the device clock when they sign
        // (smithy's memoizeIdentityProvider). Any real date would let a client made once keep signing
        // as the previous identity after a login, merge or sign-out, or with expired credentials once
        // the device clock moved back past it. So every request asks again, answered from memory.
        expiration: new Date(0),
      };
    }),
    getCredentials: guard(getCredentials),
    getIdentityId: guard(async () => {
      await readyForCall();
      return engine.getIdentityId();
    }),
    setDeveloperIdentity: guard(async (source: DeveloperIdentitySource) => {
      const generation = engine.generation;
      await startedUp();
      return engine.setDeveloperIdentity(source, generation);
    }),
    getOpenIdToken: guard(async () => {
      await readyForCall();
      return engine.getOpenIdToken();
    }),
    removeLogin: guard(async (providerName: string) => {
      await readyForCall();
      return engine.removeLogin(providerName);
    }),
    setLogins: guard(async (logins: Record<string, LoginValue>) => {
      const generation = engine.generation;
      await startedUp();
      return engine.setLogins(logins, generation);
    }),
    signOut: guard(signOut),
    subscribe(listener) {
      const unsubscribe = engine.stateEvents.add(listener);
      listener(engine.state);
      return unsubscribe;
    },
    getState: () => engine.state,
    ready: () => restored,
    onIdentityChange: (listener) => engine.identityEvents.add(listener),
    clockOffsetMs: () => serverClock.offsetMs(),
    ...userPoolCalls,
    // Every load of the callback page calls this; one without an answer of the login pages loads nothing.
    handleRedirect: async () => (!core || /[?&](code|error)=/.test(g.location.search) ? userPoolCalls.handleRedirect() : { status: "none" }),
    mfa: viaUserPool<MfaActions>(MFA_CALLS, "mfa"),
    passkeys: viaUserPool<PasskeyActions>(PASSKEY_CALLS, "passkeys"),
    devices: viaUserPool<DeviceActions>(DEVICE_CALLS, "devices"),
    dispose() {
      disposed = true;
      engine.dispose();
      schedulers.forEach((s) => s.stop());
      channel?.close();
      g.document?.removeEventListener("visibilitychange", onVisibility);
      g.removeEventListener?.("pageshow", onPageShow);
      g.removeEventListener?.("online", onOnline);
      loaded?.dispose();
    },
  };
}

/** The groups of user-pool calls (`auth.mfa.*`, …). */
type Grouped = "mfa" | "passkeys" | "devices";
/** Every method of {@link UserPoolActions} outside the groups; the type check below fails when one is missing. */
const USER_POOL_CALLS = [
  "signIn",
  "confirmSignIn",
  "signUp",
  "confirmSignUp",
  "resendSignUpCode",
  "forgotPassword",
  "confirmForgotPassword",
  "getUser",
  "getTokens",
  "fetchUserAttributes",
  "updateUserAttributes",
  "sendUserAttributeVerificationCode",
  "confirmUserAttribute",
  "deleteUserAttributes",
  "updatePassword",
  "deleteUser",
  "signInWithRedirect",
  "handleRedirect",
  "signInWithPopup",
] as const satisfies readonly Exclude<keyof UserPoolActions, Grouped>[];
const MFA_CALLS = ["setUpTotp", "verifyTotp", "setPreference", "getPreference"] as const satisfies readonly (keyof MfaActions)[];
const PASSKEY_CALLS = ["register", "list", "delete"] as const satisfies readonly (keyof PasskeyActions)[];
const DEVICE_CALLS = ["remember", "forget", "list"] as const satisfies readonly (keyof DeviceActions)[];
// Compile-time completeness: a method added to the contract but not to these lists is an error here.
const allForwarded: [
  Exclude<keyof UserPoolActions, Grouped | (typeof USER_POOL_CALLS)[number]>,
  Exclude<keyof MfaActions, (typeof MFA_CALLS)[number]>,
  Exclude<keyof PasskeyActions, (typeof PASSKEY_CALLS)[number]>,
  Exclude<keyof DeviceActions, (typeof DEVICE_CALLS)[number]>,
] extends [never, never, never, never]
  ? true
  : never = true;
void allForwarded;

function notConfigured(operation: string): CognitoIdpoolError {
  return new CognitoIdpoolError(
    "user-pool-not-configured",
    `${operation} needs the userPool option: createAuth({ identityPoolId, userPool: { userPoolId, clientId } }).`,
  );
}
