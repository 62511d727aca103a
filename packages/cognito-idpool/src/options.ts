import { CognitoIdpoolError, invalidOption } from "./errors.js";
import type { BasicFlowOptions } from "./identity-pool/basic-flow.js";
import type { Clock, KeyValueStore, LockManager, Logger, Timers } from "./platform/types.js";
import type { UserPoolOAuthOptions, UserPoolOptions } from "./user-pool/contract.js";

/**
 * Options of {@link createAuth}. Only `identityPoolId` is required.
 *
 * @example
 * ```ts
 * const auth = createAuth({
 *   identityPoolId: "eu-west-1:11111111-2222-3333-4444-555555555555",
 *   allowGuests: true,
 *   refreshMarginSeconds: 300,
 * });
 * ```
 */
export interface AuthOptions {
  /** `<region>:<uuid>`; the region comes from its prefix unless `region` is given. */
  identityPoolId: string;
  /** AWS region of the identity pool, e.g. `eu-west-1`. @default the prefix of `identityPoolId` */
  region?: string;
  /** Hand out guest (unauthenticated) credentials when no login is set. @default true */
  allowGuests?: boolean;
  /** One base URL for every Cognito call, e.g. the local emulator's `http://127.0.0.1:4566`. */
  endpoint?: string;
  /**
   * Where identity ids and, with `userPool`, the user-pool tokens are kept (never AWS credentials
   * or `setLogins` tokens). `"indexeddb"` falls back to memory, with a state event, where IndexedDB
   * is missing or fails.
   * @default "indexeddb"
   */
  storage?: "indexeddb" | "memory" | KeyValueStore;
  /**
   * Renew credentials this long before they expire (server time). Capped at half the credentials'
   * lifetime, so short-lived credentials are still reused.
   * @default 300
   */
  refreshMarginSeconds?: number;
  /** Role to request when the identity pool allows a choice (`CustomRoleArn`). */
  customRoleArn?: string;
  /**
   * `"basic"`: the classic flow, GetOpenIdToken then STS AssumeRoleWithWebIdentity into one of
   * `roles` (which the roles' trust policies must allow), with `sessionPolicy` and
   * `durationSeconds`. The identity pool must allow the basic flow. These three options are
   * checked by the basic flow's module, which the first call needing the identity loads (so that
   * pages on the enhanced flow never download it): a bad one rejects that call with
   * `invalid-options`, before any request.
   * @default "enhanced"
   */
  flow?: "enhanced" | "basic";
  /** With `flow: "basic"`: the role ARNs to assume, which must trust the identity pool's identities. */
  roles?: {
    /** The role of guests; without it, guests get no credentials (`identity-pool-misconfigured`). */
    guest?: string;
    /** The role of identities with a login. */
    authenticated: string;
  };
  /** With `flow: "basic"`: a session policy (a JSON policy document, as an object or a string) that narrows the role's permissions. */
  sessionPolicy?: string | Record<string, unknown>;
  /** With `flow: "basic"`: how long the credentials last, 900 to 43200 seconds (the role's maximum session duration applies). @default 3600 */
  durationSeconds?: number;
  /** Enables user-pool sign-in (`signIn`, `signUp`, …), loaded on first use. */
  userPool?: UserPoolOptions;
  /** Tell other tabs of this origin about sign-out and identity changes (BroadcastChannel). @default true */
  crossTab?: boolean;
  /** Device clock. @default Date.now */
  clock?: Clock;
  /** Timers for refresh and backoff. @default the global setTimeout/clearTimeout */
  timers?: Timers;
  /** Cross-tab lock around identity creation. @default Web Locks, or an in-page lock where they are missing */
  lock?: LockManager;
  /** `fetch` for every Cognito call (identity pool and user pool). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Diagnostics; never receives tokens or secrets. @default silent */
  logger?: Logger;
  /** Source of randomness for backoff jitter, in [0, 1). @default Math.random */
  random?: () => number;
}

/** Options with defaults applied and checked. Platform defaults that need browser globals are resolved in `createAuth`. */
export interface ResolvedOptions {
  identityPoolId: string;
  region: string;
  allowGuests: boolean;
  endpoint: string | undefined;
  storage: "indexeddb" | "memory" | KeyValueStore;
  refreshMarginMs: number;
  customRoleArn: string | undefined;
  /** With `flow: "basic"`: the options, whose basic-flow ones its module checks. */
  basic: BasicFlowOptions | undefined;
  userPool: (UserPoolOptions & { region: string }) | undefined;
  crossTab: boolean;
  clock: Clock | undefined;
  timers: Timers | undefined;
  lock: LockManager | undefined;
  fetch: typeof globalThis.fetch | undefined;
  logger: Logger | undefined;
  random: (() => number) | undefined;
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
/** Cognito's own pattern (`[\w-]+:[0-9a-f-]+`, at most 55 characters) with a region before the colon. */
const IDENTITY_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+):[0-9a-f-]+$/;
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+)_[0-9A-Za-z]+$/;
const CLIENT_ID = /^[\w+]{1,128}$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Checked by the basic flow's module (src/identity-pool/basic-flow.ts): given with the enhanced flow, they are a mistake, not a no-op. */
const BASIC_ONLY: Check = ['goes with flow: "basic"', () => false];

/** Tokens and passwords go to the endpoint: in clear only to this machine (the emulator), never across a network. */
const ENDPOINT = "must be https: (or http: to localhost, 127.x.x.x or [::1]): secrets would travel in clear";

type Check = [expected: string, test: (value: unknown) => boolean];

/** Options other than `identityPoolId`, in checking order: what each must be, and the test. */
const CHECKS: Record<Exclude<keyof AuthOptions, "identityPoolId">, Check> = {
  region: ['must be an AWS region such as "eu-west-1"', (v) => typeof v === "string" && REGION.test(v)],
  allowGuests: ["must be true or false", isBoolean],
  endpoint: [ENDPOINT, isEndpoint],
  storage: [
    'must be "indexeddb", "memory" or an object with get, set and del methods',
    (v) => v === "indexeddb" || v === "memory" || hasMethods(v, ["get", "set", "del"]),
  ],
  refreshMarginSeconds: ["must be a number of seconds from 0 to 43200", (v) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 43_200],
  customRoleArn: ['must be an IAM role ARN such as "arn:aws:iam::123456789012:role/Name"', (v) => typeof v === "string" && ROLE_ARN.test(v)],
  flow: ['must be "enhanced" or "basic"', (v) => v === "enhanced" || v === "basic"],
  roles: BASIC_ONLY,
  sessionPolicy: BASIC_ONLY,
  durationSeconds: BASIC_ONLY,
  crossTab: ["must be true or false", isBoolean],
  clock: ["must be an object whose now() returns a finite number", (v) => hasMethods(v, ["now"]) && returns(() => (v as Clock).now(), Number.isFinite)],
  timers: ["must be an object with setTimeout and clearTimeout", (v) => hasMethods(v, ["setTimeout", "clearTimeout"])],
  lock: ["must be an object with a request() method", (v) => hasMethods(v, ["request"])],
  fetch: ["must be a fetch function", (v) => typeof v === "function"],
  logger: ["must be an object with debug and warn methods", (v) => hasMethods(v, ["debug", "warn"])],
  random: [
    "must be a function returning a number in [0, 1)",
    (v) => typeof v === "function" && returns(v as () => unknown, (n) => typeof n === "number" && n >= 0 && n < 1),
  ],
  // Last: its own options are checked after all the others.
  userPool: ["must be an object { userPoolId, clientId }", (v) => typeof v === "object" && v !== null],
};

/** The options of `userPool`, in checking order; only `endpoint` may be left out. */
const USER_POOL_CHECKS: Record<keyof UserPoolOptions, Check> = {
  userPoolId: ['must look like "eu-west-1_AbCdEf123"', (v) => typeof v === "string" && USER_POOL_ID.test(v)],
  clientId: ["must be an app client id", (v) => typeof v === "string" && CLIENT_ID.test(v)],
  endpoint: [ENDPOINT, (v) => v === undefined || isEndpoint(v)],
  // Last: its own options are checked after the others.
  oauth: ["must be an object { domain, redirectUri }", (v) => v === undefined || (typeof v === "object" && v !== null)],
};

/** The options of `userPool.oauth`, in checking order. The login pages send codes to the redirect URIs: the endpoint rule applies. */
const OAUTH_CHECKS: Record<keyof UserPoolOAuthOptions, Check> = {
  domain: ["must be a host name or a base URL", (v) => typeof v === "string" && (v.includes("://") ? isEndpoint(v) : /^[\w-]+(\.[\w-]+)+$/.test(v))],
  redirectUri: [ENDPOINT, isEndpoint],
  logoutUri: [ENDPOINT, (v) => v === undefined || isEndpoint(v)],
  scopes: ["must be an array of scope names", (v) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === "string" && /^\S+$/.test(s)))],
};

const POOL_EXAMPLE = '"eu-west-1:00000000-0000-0000-0000-000000000000"';

/** Checks every option before anything else happens; throws `invalid-options` naming the option. */
export function resolveOptions(input: AuthOptions): ResolvedOptions {
  if (typeof input !== "object" || input === null) throw invalidOption("options", "must be an object such as { identityPoolId }", input);
  rejectUnknown(input, ["identityPoolId", ...Object.keys(CHECKS)], "");
  const { identityPoolId } = input;
  if (typeof identityPoolId !== "string") throw invalidOption("identityPoolId", `is required: a string like ${POOL_EXAMPLE}`, identityPoolId);
  const poolMatch = identityPoolId.length <= 55 ? IDENTITY_POOL_ID.exec(identityPoolId) : null;
  if (!poolMatch) {
    const hint = USER_POOL_ID.test(identityPoolId) ? " That is a user pool id." : "";
    throw invalidOption("identityPoolId", `must look like ${POOL_EXAMPLE} (region, colon, lower-case uuid).${hint}`, identityPoolId);
  }
  const basic = input.flow === "basic";
  check(basic ? { ...input, roles: undefined, sessionPolicy: undefined, durationSeconds: undefined } : input, CHECKS, "", true);

  let userPool: ResolvedOptions["userPool"];
  if (input.userPool !== undefined) {
    rejectUnknown(input.userPool, Object.keys(USER_POOL_CHECKS), "userPool.");
    check(input.userPool, USER_POOL_CHECKS, "userPool.", false);
    const { userPoolId, clientId, endpoint, oauth } = input.userPool;
    if (oauth) {
      rejectUnknown(oauth, Object.keys(OAUTH_CHECKS), "userPool.oauth.");
      check(oauth, OAUTH_CHECKS, "userPool.oauth.", false);
    }
    userPool = {
      userPoolId,
      clientId,
      region: USER_POOL_ID.exec(userPoolId)![1]!,
      ...(endpoint !== undefined && { endpoint: endpoint.replace(/\/+$/, "") }),
      ...(oauth && { oauth }),
    };
  }

  // Every option below passed its check above.
  return {
    ...input,
    region: input.region ?? poolMatch[1]!,
    allowGuests: input.allowGuests ?? true,
    endpoint: input.endpoint?.replace(/\/+$/, ""),
    storage: input.storage ?? "indexeddb",
    refreshMarginMs: (input.refreshMarginSeconds ?? 300) * 1000,
    userPool,
    basic: basic ? input : undefined,
    crossTab: input.crossTab ?? true,
  } as ResolvedOptions;
}

function rejectUnknown(input: object, known: string[], prefix: string): void {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) throw new CognitoIdpoolError("invalid-options", `Unknown option "${prefix}${key}" for createAuth().`);
  }
}

/** Throws for the first value that fails its check; `optional`: undefined values pass. */
function check(input: object, checks: Record<string, Check>, prefix: string, optional: boolean): void {
  for (const [name, [expected, test]] of Object.entries(checks)) {
    const value: unknown = (input as Record<string, unknown>)[name];
    if (!(optional && value === undefined) && !test(value)) throw invalidOption(prefix + name, expected, value);
  }
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === "boolean";
}

function isEndpoint(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || (url.protocol === "http:" && /^(localhost|\[::1\]|127(\.\d+){3})$/.test(url.hostname))) && !url.search && !url.hash;
  } catch {
    return false;
  }
}

/** Calls an option's function once, as createAuth will: a bad answer (or a throw) is caught here rather than as a request loop later. */
function returns(run: () => unknown, test: (value: unknown) => boolean): boolean {
  try {
    return test(run());
  } catch {
    return false;
  }
}

function hasMethods(value: unknown, names: string[]): boolean {
  return typeof value === "object" && value !== null && names.every((n) => typeof (value as Record<string, unknown>)[n] === "function");
}
