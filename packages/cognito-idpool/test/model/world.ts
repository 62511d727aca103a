/**
 * The model world: 1–3 tabs of one origin (each a `createAuth` on the same pools) sharing a clock,
 * storage, locks, a BroadcastChannel hub and Cognito; and the model of what they may and may not
 * do, checked after every step. The invariants are the contract's:
 *
 * 1. `fresh-credentials`: no credentials past their server-time expiration are handed out (by
 *    `getCredentials` or `auth.credentials`), and the expiration they report is not later than the
 *    real one.
 * 2. `signout-sticks`: after `signOut()` no tab hands out the signed-out identity's credentials
 *    (the calling tab from the call on, the others once it settled), and once it resolved, storage
 *    holds none of its records (guest or user identity, user-pool tokens).
 * 3. `identity-kept`: a guest or user identity id is never lost, by a tab or from storage, except
 *    through `signOut`, a login, a `merged` or a `recovered` event.
 * 4. `bounded-requests`: requests ≤ 8 × commands + 4 × (seconds each tab was open); no timer storm.
 * 5. `typed-rejections`: every rejection of a public method is a `CognitoIdpoolError`.
 * 6. `no-secrets`: no password, token, secret key or session token (nor an 8-character piece of
 *    one) in any log line, error message (with its causes), state, identity event or cross-tab message.
 */
import { createAuth, type Auth } from "../../src/auth.js";
import type { AwsCredentials, IdentityChange, IdentityCredentials } from "../../src/types.js";
import { CLIENT_ID, FakeAws, IDENTITY_POOL_ID, USER_POOL_ID } from "./fake-aws.js";
import { ChannelHub, FakeWebLocks, SharedStore, WorldTime } from "./platform.js";

export type InvariantName = "fresh-credentials" | "signout-sticks" | "identity-kept" | "bounded-requests" | "typed-rejections" | "no-secrets";
export const INVARIANTS: InvariantName[] = ["fresh-credentials", "signout-sticks", "identity-kept", "bounded-requests", "typed-rejections", "no-secrets"];

export interface WorldParams {
  seed: number;
  /** Device clock minus true time at the start. */
  deviceErrorMs: number;
  credentialLifetimeMs: number;
  idTokenLifetimeMs: number;
  storageLatencyMs: number;
  /** Web Locks that work, or that are present but refuse every request. */
  locks: "web" | "refusing";
}

export interface Violation {
  invariant: InvariantName;
  step: number;
  message: string;
}

interface Tab {
  index: number;
  auth: Auth;
  open: boolean;
  openedAtMono: number;
  closedAtMono?: number;
  /** Identity held (status guest/authenticated) and since when (true time). */
  held?: string;
  heldSince: number;
  /** Identity of the last credentials this tab handed out. */
  lastHanded?: string;
}

interface Op {
  tab: number;
  kind: string;
  principal?: string;
  startTrue: number;
  endTrue?: number;
  /** How it ended: "ok" or the error's code or name. */
  outcome?: string;
}

interface SignOutRecord {
  tab: number;
  step: number;
  atTrue: number;
  /** The world's event sequence number at the call (orders it against token requests of the same instant). */
  seq: number;
  identities: Set<string>;
  principals: Set<string>;
  /** Principals signed in again (a login started after this sign-out). */
  reallowed: Set<string>;
  settled?: "resolved" | "rejected";
}

interface Loss {
  identityId: string;
  atTrue: number;
  storedSince: number;
  step: number;
  where: string;
}

const LOGIN_KINDS = new Set(["setLogins", "signIn", "confirmSignIn"]);
const IDENTITY_ID = /[a-z]{2}(?:-[a-z]+)+-\d+:[0-9a-f-]{36}/g;

export class World {
  readonly time: WorldTime;
  readonly store: SharedStore;
  readonly locks: FakeWebLocks;
  readonly hub: ChannelHub;
  readonly aws: FakeAws;
  readonly tabs: Tab[] = [];
  readonly violations: Violation[] = [];
  /** The commands so far, for failure messages. */
  readonly trail: string[] = [];
  step = 0;
  commands = 0;
  /** The invariant the running property asserts (the others are recorded, not thrown). */
  focus: InvariantName | undefined;
  private activity = 0;
  private sequence = 0;
  private readonly ops: Op[] = [];
  private readonly signOuts: SignOutRecord[] = [];
  private readonly events: { tab: number; change: IdentityChange; atTrue: number }[] = [];
  private readonly transitions: { tab: number; from: string; atTrue: number; since: number; step: number }[] = [];
  private readonly storedSince = new Map<string, number>();
  private readonly losses: Loss[] = [];
  private readonly random: () => number;
  private secretWindows = new Set<string>();
  private secretCount = 0;
  private restoreGlobals: (() => void) | undefined;

  constructor(readonly params: WorldParams) {
    this.random = prng(params.seed);
    const touch = () => void this.activity++;
    this.time = new WorldTime(Date.UTC(2031, 4, 1, 9, 0, 0), params.deviceErrorMs, () => this.settle());
    this.store = new SharedStore(this.time, params.storageLatencyMs, touch, () => this.storageChanged());
    this.locks = new FakeWebLocks(touch);
    this.locks.refusing = params.locks === "refusing";
    this.hub = new ChannelHub(touch);
    this.aws = new FakeAws(
      { trueNow: () => this.time.trueNow(), timers: this.time, touch, seq: () => ++this.sequence },
      params.credentialLifetimeMs,
      params.idTokenLifetimeMs,
    );
  }

  // --- lifecycle ------------------------------------------------------------------------------------

  /**
   * `createAuth` reads `BroadcastChannel` and `navigator.locks` from globals (there is no option for
   * either): the world's are installed for the run, and `Math.random` (used by the user-pool code
   * for jitter) is seeded so that a seed and path replay exactly.
   */
  install(): void {
    const g = globalThis as Record<string, unknown>;
    const saved = ["BroadcastChannel", "navigator"].map((name) => [name, Object.getOwnPropertyDescriptor(g, name)] as const);
    const random = Math.random;
    Object.defineProperty(g, "BroadcastChannel", { value: this.hub.Channel, configurable: true, writable: true });
    Object.defineProperty(g, "navigator", { value: { locks: this.locks }, configurable: true, writable: true });
    Math.random = this.random;
    this.restoreGlobals = () => {
      Math.random = random;
      for (const [name, descriptor] of saved) {
        if (descriptor) Object.defineProperty(g, name, descriptor);
        else delete g[name];
      }
    };
  }

  uninstall(): void {
    for (const tab of this.tabs) if (tab.open) this.dispose(tab);
    this.restoreGlobals?.();
    this.restoreGlobals = undefined;
  }

  /** Lets everything that can run without time passing run (promise chains, cross-tab messages, stream reads). */
  async settle(): Promise<void> {
    let quiet = 0;
    let last = this.activity;
    for (let i = 0; i < 300 && quiet < 3; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.activity === last) quiet++;
      else {
        quiet = 0;
        last = this.activity;
      }
    }
  }

  openTabs(): Tab[] {
    return this.tabs.filter((t) => t.open);
  }

  /** A new page of the origin. */
  openTab(): Tab {
    const index = this.tabs.length;
    const logs: string[] = [];
    const auth = this.guard("createAuth", index, () =>
      createAuth({
        identityPoolId: IDENTITY_POOL_ID,
        userPool: { userPoolId: USER_POOL_ID, clientId: CLIENT_ID },
        storage: this.store,
        clock: this.time,
        timers: this.time,
        fetch: this.aws.fetchFor(index),
        random: this.random,
        logger: {
          debug: (message, details) => this.scan(`log of tab ${index}`, `${message} ${safeJson(details)}`, logs),
          warn: (message, details) => this.scan(`log of tab ${index}`, `${message} ${safeJson(details)}`, logs),
        },
      }),
    );
    const tab: Tab = { index, auth: auth!, open: true, openedAtMono: this.time.mono, heldSince: this.time.trueNow() };
    this.tabs.push(tab);
    if (!auth) return tab;
    this.guard("subscribe", index, () =>
      auth.subscribe((state) => {
        this.scan(`state of tab ${index}`, safeJson({ ...state, storageError: state.storageError?.message, refreshError: state.refreshError?.message }));
        if (!tab.open || state.status === "restoring") return;
        const held = state.status === "guest" || state.status === "authenticated" ? state.identityId : undefined;
        if (tab.held !== undefined && held !== tab.held) {
          this.transitions.push({ tab: index, from: tab.held, atTrue: this.time.trueNow(), since: tab.heldSince, step: this.step });
        }
        if (held !== tab.held) tab.heldSince = this.time.trueNow();
        tab.held = held;
      }),
    );
    this.guard("onIdentityChange", index, () =>
      auth.onIdentityChange((change) => {
        const { previousCredentials: _credentials, ...rest } = change as IdentityChange & { previousCredentials?: unknown };
        this.scan(`identity event of tab ${index}`, safeJson(rest));
        this.events.push({ tab: index, change, atTrue: this.time.trueNow() });
      }),
    );
    return tab;
  }

  dispose(tab: Tab): void {
    tab.open = false;
    tab.closedAtMono = this.time.mono;
    this.guard("dispose", tab.index, () => tab.auth.dispose());
  }

  // --- calls --------------------------------------------------------------------------------------

  /** Starts a public call without waiting for it: it settles in a later step (or never, with a stall), and is checked when it does. */
  call<T>(tab: Tab, kind: string, run: (auth: Auth) => Promise<T>, options: { principal?: string; onValue?: (value: T) => void } = {}): void {
    const op: Op = { tab: tab.index, kind, startTrue: this.time.trueNow(), ...(options.principal ? { principal: options.principal } : {}) };
    this.ops.push(op);
    if (LOGIN_KINDS.has(kind) && op.principal) {
      for (const record of this.signOuts) if (record.principals.has(op.principal)) record.reallowed.add(op.principal);
    }
    let promise: Promise<T>;
    try {
      promise = run(tab.auth);
    } catch (error) {
      op.endTrue = this.time.trueNow();
      this.rejected(tab.index, kind, error);
      return;
    }
    promise.then(
      (value) => {
        op.endTrue = this.time.trueNow();
        op.outcome = "ok";
        options.onValue?.(value);
      },
      (error: unknown) => {
        op.endTrue = this.time.trueNow();
        op.outcome = String((error as { code?: unknown; name?: unknown })?.code ?? (error as { name?: unknown })?.name);
        this.rejected(tab.index, kind, error);
      },
    );
  }

  /** The calls so far and how they ended, for debugging a run. */
  outcomes(): string[] {
    return this.ops.map((op) => `${op.tab}:${op.kind}→${op.outcome ?? "pending"}`);
  }

  getCredentials(tab: Tab, kind: "getCredentials" | "credentials", forceRefresh = false): void {
    this.call(tab, kind, (auth) => (kind === "credentials" ? auth.credentials({ forceRefresh }) : auth.getCredentials({ forceRefresh })), {
      onValue: (credentials) => this.handedOut(tab, kind, credentials),
    });
  }

  signOut(tab: Tab, global: boolean): void {
    const identities = new Set<string>();
    if (tab.held) identities.add(tab.held);
    if (tab.lastHanded) identities.add(tab.lastHanded);
    const state = tab.auth.getState();
    if (state.identityId) identities.add(state.identityId);
    const principals = new Set<string>();
    for (const id of identities) for (const p of this.aws.principalsOf(id)) principals.add(p);
    for (const op of this.ops) if (op.tab === tab.index && op.principal && LOGIN_KINDS.has(op.kind)) principals.add(op.principal);
    const record: SignOutRecord = {
      tab: tab.index,
      step: this.step,
      atTrue: this.time.trueNow(),
      seq: ++this.sequence,
      identities,
      principals,
      reallowed: new Set(),
    };
    this.signOuts.push(record);
    tab.lastHanded = undefined;
    this.ops.push({ tab: tab.index, kind: "signOut", startTrue: record.atTrue });
    const op = this.ops[this.ops.length - 1]!;
    let promise: Promise<void>;
    try {
      promise = tab.auth.signOut({ global });
    } catch (error) {
      record.settled = "rejected";
      this.rejected(tab.index, "signOut", error);
      return;
    }
    promise.then(
      () => {
        op.endTrue = this.time.trueNow();
        op.outcome = "ok";
        record.settled = "resolved";
      },
      (error: unknown) => {
        op.endTrue = this.time.trueNow();
        op.outcome = String((error as { code?: unknown } | null)?.code ?? (error as { name?: unknown } | null)?.name);
        record.settled = "rejected";
        this.rejected(tab.index, "signOut", error);
      },
    );
  }

  // --- observations -----------------------------------------------------------------------------

  private handedOut(tab: Tab, kind: string, credentials: AwsCredentials | IdentityCredentials): void {
    const issued = this.aws.credentials.get(credentials.accessKeyId);
    const where = `${kind}() in tab ${tab.index}`;
    if (!issued || issued.secretAccessKey !== credentials.secretAccessKey || issued.sessionToken !== credentials.sessionToken) {
      this.violate("fresh-credentials", `${where} handed out credentials Cognito never issued (${credentials.accessKeyId})`);
      return;
    }
    const now = this.time.trueNow();
    if (now >= issued.expirationMs) {
      this.violate(
        "fresh-credentials",
        `${where} handed out ${issued.accessKeyId}, expired ${Math.round((now - issued.expirationMs) / 1000)} s ago on server time`,
      );
    }
    const reported = credentials.expiration instanceof Date ? credentials.expiration.getTime() : NaN;
    const reportedServer = reported - this.time.deviceErrorMs;
    if (!Number.isFinite(reported)) this.violate("fresh-credentials", `${where} reported expiration ${String(credentials.expiration)}`);
    else if (reportedServer > issued.expirationMs + 5_000) {
      this.violate(
        "fresh-credentials",
        `${where} reported ${issued.accessKeyId} valid ${Math.round((reportedServer - issued.expirationMs) / 1000)} s past its real expiration`,
      );
    }
    tab.lastHanded = issued.identityId;
    for (const record of this.signOuts) {
      if (record.tab !== tab.index && record.settled === undefined) continue;
      if (this.forbiddenIdentities(record).has(issued.identityId)) {
        this.violate(
          "signout-sticks",
          `${where} handed out credentials of ${issued.identityId} after signOut() in tab ${record.tab} (step ${record.step}) signed it out`,
        );
      }
    }
  }

  private rejected(tab: number, kind: string, error: unknown): void {
    const name = (error as { name?: unknown } | null)?.name;
    const code = (error as { code?: unknown } | null)?.code;
    if (name !== "CognitoIdpoolError" || typeof code !== "string") {
      this.violate("typed-rejections", `${kind}() in tab ${tab} rejected with ${describe(error)}`);
    }
    let depth = 0;
    for (let e: unknown = error; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
      this.scan(`error of ${kind}() in tab ${tab}`, `${String((e as { message?: unknown }).message ?? e)}`);
    }
  }

  private guard<T>(kind: string, tab: number, run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      this.rejected(tab, kind, error);
      return undefined;
    }
  }

  /** Identities a sign-out forbids now: the ones it signed out, and those of its principals, unless signed in again since. */
  private forbiddenIdentities(record: SignOutRecord): Set<string> {
    const out = new Set<string>();
    for (const id of record.identities) {
      if (!this.aws.principalsOf(id).some((p) => record.reallowed.has(p))) out.add(id);
    }
    for (const p of record.principals) {
      if (record.reallowed.has(p)) continue;
      const id = this.aws.identityOf(p);
      if (id) out.add(id);
    }
    return out;
  }

  private forbiddenTokens(record: SignOutRecord): string[] {
    return this.aws.tokens.filter((t) => record.principals.has(t.principal) && t.requestedAt < record.seq).map((t) => t.token);
  }

  private storageChanged(): void {
    const now = this.time.trueNow();
    const present = new Set(JSON.stringify([...this.store.data.values()]).match(IDENTITY_ID) ?? []);
    for (const id of present) if (!this.storedSince.has(id)) this.storedSince.set(id, now);
    for (const [id, since] of [...this.storedSince]) {
      if (!present.has(id)) {
        this.storedSince.delete(id);
        this.losses.push({ identityId: id, atTrue: now, storedSince: since, step: this.step, where: "storage" });
      }
    }
  }

  /** A change of identity (or its loss) since `since`, at `at`, is explained by a sign-out or a login under way meanwhile, or a merged/recovered event. */
  private justified(identityId: string, since: number, at: number): boolean {
    if (this.ops.some((op) => (op.kind === "signOut" || LOGIN_KINDS.has(op.kind)) && op.startTrue <= at && (op.endTrue === undefined || op.endTrue >= since)))
      return true;
    // Without a working lock (Web Locks present but refusing), two tabs that make a guest at the
    // same moment each store their own and the last write wins: the documented cost of running
    // unlocked. Only that case is excused: GetId calls of two tabs within the few seconds before
    // the lost id was stored.
    if (this.params.locks === "refusing") {
      const racing = new Set(this.aws.requests.filter((r) => r.operation === "GetId" && r.at <= since && r.at >= since - 5_000).map((r) => r.tab));
      if (racing.size > 1) return true;
    }
    return this.events.some((e) => (e.change.reason === "merged" || e.change.reason === "recovered") && e.change.previousIdentityId === identityId);
  }

  // --- invariants ---------------------------------------------------------------------------------

  violate(invariant: InvariantName, message: string): void {
    this.violations.push({ invariant, step: this.step, message });
  }

  /** After every step. `final`: the run is over and faults are healed, so losses from storage count too. */
  checkStep(final = false): void {
    // 2. signed-out records stay out of storage once signOut() resolved (checked when no storage operation is still queued).
    if (this.store.pending === 0) {
      const stored = JSON.stringify([...this.store.data.entries()]);
      for (const record of this.signOuts) {
        if (record.settled !== "resolved") continue;
        for (const id of this.forbiddenIdentities(record)) {
          if (stored.includes(id))
            this.violate("signout-sticks", `storage still holds ${id} after signOut() in tab ${record.tab} (step ${record.step}) resolved`);
        }
        if (this.forbiddenTokens(record).some((token) => stored.includes(token))) {
          this.violate(
            "signout-sticks",
            `storage still holds user-pool tokens of ${[...record.principals].join(",")} after signOut() in tab ${record.tab} (step ${record.step}) resolved`,
          );
        }
      }
    }
    // 3. identities held by a tab are lost only for a reason.
    for (const t of this.transitions.splice(0)) {
      if (this.tabs[t.tab]?.held === t.from) continue;
      if (!this.justified(t.from, t.since, t.atTrue)) {
        this.violate(
          "identity-kept",
          `tab ${t.tab} lost identity ${t.from} (now ${this.tabs[t.tab]?.held ?? "none"}) with no sign-out, login, merge or recovery`,
        );
      }
    }
    if (final) {
      for (const loss of this.losses.splice(0)) {
        if (this.storedSince.has(loss.identityId)) continue;
        if (!this.justified(loss.identityId, loss.storedSince, loss.atTrue)) {
          this.violate("identity-kept", `storage lost identity ${loss.identityId} at step ${loss.step} with no sign-out, login, merge or recovery`);
        }
      }
    }
    // 4. requests stay within a bound of the operations performed.
    let openSeconds = 0;
    for (const tab of this.tabs) openSeconds += Math.ceil(((tab.closedAtMono ?? this.time.mono) - tab.openedAtMono) / 1000);
    const bound = 8 * this.commands + 4 * openSeconds;
    if (this.aws.requests.length > bound) {
      const counts: Record<string, number> = {};
      for (const r of this.aws.requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
      this.violate(
        "bounded-requests",
        `${this.aws.requests.length} requests > bound ${bound} (8 × ${this.commands} commands + 4 × ${openSeconds} tab-seconds): ${safeJson(counts)}`,
      );
    }
    if (this.time.firedInLastAdvance > 3_000) this.violate("bounded-requests", `timer storm: more than 3000 timers fired in one advance`);
    // 6. cross-tab messages.
    for (const post of this.hub.posts.splice(0)) this.scan("cross-tab message", safeJson(post));
  }

  /** Throws on the first violation of the focused invariant, with the commands that led to it. */
  assertFocus(): void {
    const found = this.violations.find((v) => v.invariant === this.focus);
    if (!found) return;
    throw new Error(
      `invariant ${found.invariant} violated at step ${found.step}: ${found.message}\n  world: ${JSON.stringify(this.params)}\n  steps: ${this.trail.map((s, i) => `${i + 1}. ${s}`).join("  ")}`,
    );
  }

  private scan(where: string, text: string, sink?: string[]): void {
    sink?.push(text);
    if (this.aws.secrets.size !== this.secretCount) {
      this.secretCount = this.aws.secrets.size;
      this.secretWindows = new Set();
      for (const secret of this.aws.secrets) for (let i = 0; i + 8 <= secret.length; i++) this.secretWindows.add(secret.slice(i, i + 8));
    }
    for (let i = 0; i + 8 <= text.length; i++) {
      if (this.secretWindows.has(text.slice(i, i + 8))) {
        this.violate("no-secrets", `${where} contains secret material: ${JSON.stringify(text.slice(0, 160))}`);
        return;
      }
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name} ${JSON.stringify(error.name)}: ${error.message.slice(0, 120)}`;
  return `${typeof error} ${String(error).slice(0, 80)}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v)) ?? "";
  } catch {
    return String(value);
  }
}

/** mulberry32: a small seeded generator, so the SDK's jitter replays with the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
