import { randomUUID } from "node:crypto";
import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import type { VerifiedLogin } from "./logins.js";
import { regionOf } from "./pools.js";
import { loginKey, type CognitoIdentityState, type IdentityPoolRecord, type IdentityRecord, type LinkedLogin } from "./state.js";
import { own } from "../core/records.js";

/** AWS's limit of logins linked to one identity (stated for MergeDeveloperIdentities). */
const MAX_LINKED_LOGINS = 20;

export const forbidden = (id: string) => new AwsError("NotAuthorizedException", `Access to Identity '${id}' is forbidden.`);
export const notFound = (id: string) => new AwsError("ResourceNotFoundException", `Identity '${id}' not found.`);
const loginsDontMatch = () =>
  new AwsError("NotAuthorizedException", "Logins don't match. Please include at least one valid login for this identity or identity pool.");
const guestsNotSupported = () => new AwsError("NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.");

/** An identity and its pool, or ResourceNotFound. Signed calls only see their own region, like the pools. */
export function requireIdentity(ctx: ServiceContext, identityId: string): { identity: IdentityRecord; pool: IdentityPoolRecord } {
  const slice = ctx.state.cognitoIdentity;
  const identity = own(slice.identities, identityId);
  const pool = identity && slice.pools[identity.IdentityPoolId];
  if (!identity || !pool || (ctx.principal && regionOf(identityId) !== ctx.region)) throw notFound(identityId);
  return { identity, pool };
}

/** IdentityDescription as DescribeIdentity and ListIdentities return it: provider names only, dates in epoch seconds. */
export function describeIdentity(identity: IdentityRecord): Record<string, unknown> {
  const providers = [...new Set(identity.logins.map((l) => l.provider))];
  return {
    IdentityId: identity.IdentityId,
    ...(providers.length ? { Logins: providers } : {}),
    CreationDate: identity.CreationDate / 1000,
    LastModifiedDate: identity.LastModifiedDate / 1000,
  };
}

/**
 * What a call will change, worked out completely before anything changes so that a failing call
 * (bad token, conflict, missing role) leaves state untouched (R6).
 */
export interface Plan {
  poolId: string;
  /** The identity the response names. */
  identityId: string;
  /** Set when the call creates the identity. */
  create?: { authenticated: boolean };
  /** Logins to link to `identityId`. */
  link: LinkedLogin[];
  /** Identities merged into `identityId`: disabled, their logins moved over. */
  absorb: string[];
}

export interface ResolveOptions {
  /** The developer's backend (a signed call) may link logins to any identity it names. */
  trusted?: boolean;
}

/**
 * How Cognito links logins to identities and merges identities, for GetId (no `given`) and for
 * GetCredentialsForIdentity / GetOpenIdToken / GetOpenIdTokenForDeveloperIdentity (with `given`).
 * The rules, named R1–R6 here and in the tests:
 *
 * - R1: without logins, GetId creates a new guest identity (if the pool allows guests).
 * - R2: with logins, GetId never consults a guest: a known login names its identity, logins of
 *   several identities merge them into the oldest, unknown logins create an authenticated identity.
 * - R3: a guest identity used without logins stays a guest; an authenticated one is refused.
 * - R4: a guest identity used with logins (a) keeps its id and links new logins, becoming
 *   authenticated, or (b) with a login already linked to identity A, merges into A and answers A.
 * - R5: an authenticated identity must be proved by one of its own logins; logins of another
 *   identity do not merge them.
 * - R6: a failing call (bad token, conflict, missing role) changes nothing; see {@link Plan}.
 *
 * [INF] When several identities merge, the oldest survives; AWS documents that identities merge,
 * not which one remains.
 */
export function planResolution(
  slice: CognitoIdentityState,
  pool: IdentityPoolRecord,
  given: IdentityRecord | undefined,
  logins: VerifiedLogin[],
  options: ResolveOptions = {},
): Plan {
  const poolId = pool.IdentityPoolId;
  const base = { poolId, link: [] as LinkedLogin[], absorb: [] as string[] };

  if (logins.length === 0) {
    // R1 / R3: guests.
    if (!given) {
      if (!pool.AllowUnauthenticatedIdentities) throw guestsNotSupported();
      return { ...base, identityId: newIdentityId(poolId), create: { authenticated: false } };
    }
    if (given.disabled || given.authenticated) throw forbidden(given.IdentityId);
    if (!pool.AllowUnauthenticatedIdentities) throw guestsNotSupported();
    return { ...base, identityId: given.IdentityId };
  }

  const owners = logins.map((login) => ownerOf(slice, pool, login));
  const ownerSet = [...new Set(owners.filter((o): o is string => o !== undefined))];
  const unlinked = logins.filter((login, i) => owners[i] === undefined && !login.provesIdentity).map(({ provider, subject }) => ({ provider, subject }));

  let current = given;
  if (current?.disabled) {
    // A guest that lost a merge, sent again with the winner's login: answer with the winner, as R4b does. [INF]
    const survivor = current.mergedInto && followMerges(slice, current.mergedInto);
    if (options.trusted || !survivor || !ownerSet.includes(survivor)) throw forbidden(current.IdentityId);
    current = slice.identities[survivor];
  }

  let target: string;
  let create: Plan["create"];
  if (!current) {
    // R2: a known login names its identity; logins of several identities merge into the oldest.
    if (ownerSet.length) target = oldest(slice, ownerSet);
    else {
      target = newIdentityId(poolId);
      create = { authenticated: true };
    }
  } else if (options.trusted) {
    target = current.IdentityId;
  } else if (!current.authenticated) {
    // R4: a guest with a new login keeps its id (a); with a known login it merges into that login's identity (b).
    target = ownerSet.length ? oldest(slice, ownerSet) : current.IdentityId;
  } else {
    // R5: an authenticated identity must be proved by one of its own logins; no merge otherwise.
    if (!ownerSet.includes(current.IdentityId)) throw loginsDontMatch();
    target = current.IdentityId;
  }

  const absorb = ownerSet.filter((id) => id !== target);
  if (current && current.IdentityId !== target && !absorb.includes(current.IdentityId)) absorb.push(current.IdentityId);
  const plan: Plan = { ...base, identityId: target, link: unlinked, absorb };
  if (create) plan.create = create;
  checkPlan(slice, pool, plan);
  return plan;
}

/** One login per provider and identity (several developer user ids are allowed), at most 20 in all. */
export function checkPlan(slice: CognitoIdentityState, pool: IdentityPoolRecord, plan: Plan): void {
  const existing = slice.identities[plan.identityId]?.logins ?? [];
  const all = [...existing, ...plan.absorb.flatMap((id) => slice.identities[id]?.logins ?? []), ...plan.link];
  const byProvider = new Map<string, string>();
  for (const { provider, subject } of all) {
    if (provider === pool.DeveloperProviderName) continue;
    const other = byProvider.get(provider);
    if (other !== undefined && other !== subject) {
      throw new AwsError("ResourceConflictException", `Identity '${plan.identityId}' is already linked to a different ${provider} login.`);
    }
    byProvider.set(provider, subject);
  }
  if (all.length > MAX_LINKED_LOGINS) throw new AwsError("LimitExceededException", `An identity can have at most ${MAX_LINKED_LOGINS} linked logins.`);
}

/** Applies a checked plan. Synchronous, so no other request sees half of it. */
export function commit(slice: CognitoIdentityState, plan: Plan, now: number): IdentityRecord {
  if (plan.create) {
    slice.identities[plan.identityId] = {
      IdentityId: plan.identityId,
      IdentityPoolId: plan.poolId,
      logins: [],
      authenticated: plan.create.authenticated,
      disabled: false,
      CreationDate: now,
      LastModifiedDate: now,
    };
  }
  const target = slice.identities[plan.identityId]!;
  const moved = plan.absorb.flatMap((id) => {
    const loser = slice.identities[id]!;
    const logins = loser.logins;
    loser.logins = [];
    loser.disabled = true;
    loser.mergedInto = plan.identityId;
    loser.LastModifiedDate = now;
    return logins;
  });
  const added = [...moved, ...plan.link].filter((l) => !target.logins.some((t) => t.provider === l.provider && t.subject === l.subject));
  if (added.length || plan.absorb.length) {
    target.logins.push(...added);
    target.authenticated = true;
    target.LastModifiedDate = now;
  }
  for (const login of added) slice.logins[loginKey(plan.poolId, login.provider, login.subject)] = plan.identityId;
  return target;
}

/** Removes logins from an identity. It stays authenticated (and so unusable once it has none left). */
export function unlink(slice: CognitoIdentityState, identity: IdentityRecord, remove: (login: LinkedLogin) => boolean, now: number): void {
  for (const login of identity.logins.filter(remove)) delete slice.logins[loginKey(identity.IdentityPoolId, login.provider, login.subject)];
  identity.logins = identity.logins.filter((l) => !remove(l));
  identity.LastModifiedDate = now;
}

export function deleteIdentity(slice: CognitoIdentityState, identityId: string): void {
  const identity = slice.identities[identityId];
  if (!identity) return;
  for (const login of identity.logins) delete slice.logins[loginKey(identity.IdentityPoolId, login.provider, login.subject)];
  delete slice.identities[identityId];
}

/** The identity a verified login belongs to, if any. */
export function ownerOf(slice: CognitoIdentityState, pool: IdentityPoolRecord, login: VerifiedLogin): string | undefined {
  if (login.provesIdentity) {
    const proved = slice.identities[login.provesIdentity];
    const owner = proved && proved.IdentityPoolId === pool.IdentityPoolId ? followMerges(slice, proved.IdentityId) : undefined;
    if (!owner) throw notFound(login.provesIdentity);
    return owner;
  }
  return slice.logins[loginKey(pool.IdentityPoolId, login.provider, login.subject)];
}

/** Where a chain of merges ends (the enabled identity that holds the logins now). */
function followMerges(slice: CognitoIdentityState, identityId: string): string | undefined {
  let id: string | undefined = identityId;
  for (let hops = 0; id && hops < 100; hops++) {
    const identity: IdentityRecord | undefined = slice.identities[id];
    if (!identity) return undefined;
    if (!identity.disabled) return id;
    id = identity.mergedInto;
  }
  return undefined;
}

function oldest(slice: CognitoIdentityState, ids: string[]): string {
  return [...ids].sort((a, b) => slice.identities[a]!.CreationDate - slice.identities[b]!.CreationDate || (a < b ? -1 : 1))[0]!;
}

/** `<region>:<uuid>` with the pool's region; randomUUID is lower-case hex as the id pattern needs. */
function newIdentityId(poolId: string): string {
  return `${regionOf(poolId)}:${randomUUID()}`;
}
