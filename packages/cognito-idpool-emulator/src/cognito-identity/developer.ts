import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { checkPlan, commit, planResolution, requireIdentity, unlink, type Plan } from "./identities.js";
import { verifyLogins, type VerifiedLogin } from "./logins.js";
import { issueOpenIdToken } from "./openid-token.js";
import { requirePool } from "./pools.js";
import { loginKey, type IdentityPoolRecord } from "./state.js";
import {
  DEVELOPER_PROVIDER_NAME,
  DEVELOPER_USER_IDENTIFIER,
  IDENTITY_ID,
  IDENTITY_POOL_ID,
  int,
  LOGINS,
  map,
  MAX_RESULTS,
  NEXT_TOKEN,
  str,
  struct,
  validate,
} from "./validate.js";

/** GetOpenIdTokenForDeveloperIdentity's default TokenDuration: 15 minutes (service model). */
const DEFAULT_TOKEN_SECONDS = 900;

const GET_TOKEN = struct(
  {
    IdentityPoolId: IDENTITY_POOL_ID,
    IdentityId: IDENTITY_ID,
    Logins: LOGINS,
    PrincipalTags: map(str({ min: 1, max: 128 }), str({ min: 1, max: 256 }), 50),
    TokenDuration: int(1, 86400),
  },
  ["IdentityPoolId", "Logins"],
);
const LOOKUP = struct(
  {
    IdentityPoolId: IDENTITY_POOL_ID,
    IdentityId: IDENTITY_ID,
    DeveloperUserIdentifier: DEVELOPER_USER_IDENTIFIER,
    MaxResults: MAX_RESULTS,
    NextToken: NEXT_TOKEN,
  },
  ["IdentityPoolId"],
);
const MERGE = struct(
  {
    SourceUserIdentifier: DEVELOPER_USER_IDENTIFIER,
    DestinationUserIdentifier: DEVELOPER_USER_IDENTIFIER,
    DeveloperProviderName: DEVELOPER_PROVIDER_NAME,
    IdentityPoolId: IDENTITY_POOL_ID,
  },
  ["SourceUserIdentifier", "DestinationUserIdentifier", "DeveloperProviderName", "IdentityPoolId"],
);
const UNLINK = struct(
  {
    IdentityId: IDENTITY_ID,
    IdentityPoolId: IDENTITY_POOL_ID,
    DeveloperProviderName: DEVELOPER_PROVIDER_NAME,
    DeveloperUserIdentifier: DEVELOPER_USER_IDENTIFIER,
  },
  ["IdentityId", "IdentityPoolId", "DeveloperProviderName", "DeveloperUserIdentifier"],
);

/**
 * Developer-authenticated identities: the developer's backend (signed calls) vouches for its own
 * user ids under the pool's DeveloperProviderName and hands the device an OpenID token, which the
 * device sends as the `cognito-identity.amazonaws.com` login.
 */
export const developerOperations = {
  async GetOpenIdTokenForDeveloperIdentity(input: Record<string, unknown>, ctx: ServiceContext) {
    const request = validate<{
      IdentityPoolId: string;
      IdentityId?: string;
      Logins: Record<string, string>;
      PrincipalTags?: Record<string, string>;
      TokenDuration?: number;
    }>(input, GET_TOKEN);
    if (request.IdentityId) ctx.log.identityId = request.IdentityId;
    const pool = requirePool(ctx, request.IdentityPoolId);
    const developer = developerProvider(pool);
    const userId = request.Logins[developer];
    if (userId === undefined) throw new AwsError("InvalidParameterException", `Logins must contain the identity pool's developer provider ${developer}.`);
    const { [developer]: _, ...others } = request.Logins;
    const verified = await verifyLogins(ctx, pool, others);

    const slice = ctx.state.cognitoIdentity;
    const given = request.IdentityId === undefined ? undefined : identityInPool(ctx, request.IdentityId, pool);
    const owner = slice.logins[loginKey(pool.IdentityPoolId, developer, userId)];
    if (given && owner && owner !== given.IdentityId) {
      throw new AwsError(
        "DeveloperUserAlreadyRegisteredException",
        `Developer user identifier ${userId} is already registered with Cognito under a different identity ID.`,
      );
    }
    const developerLogin: VerifiedLogin = { provider: developer, subject: userId, claims: {}, amr: [developer, `${developer}:${userId}`], mappingKeys: [] };
    const logins = [developerLogin, ...verified];
    const plan = planResolution(slice, pool, given, logins, { trusted: true });
    commit(slice, plan, ctx.clock.now());
    const token = await issueOpenIdToken(slice, ctx.clock, {
      identityId: plan.identityId,
      poolId: pool.IdentityPoolId,
      amr: ["authenticated", ...new Set(logins.flatMap((l) => l.amr))],
      lifetimeSeconds: request.TokenDuration ?? DEFAULT_TOKEN_SECONDS,
      principalTags: request.PrincipalTags,
    });
    ctx.log.identityId = plan.identityId;
    return { IdentityId: plan.identityId, Token: token };
  },

  LookupDeveloperIdentity(input: Record<string, unknown>, ctx: ServiceContext) {
    const request = validate<{ IdentityPoolId: string; IdentityId?: string; DeveloperUserIdentifier?: string; MaxResults?: number; NextToken?: string }>(
      input,
      LOOKUP,
    );
    const pool = requirePool(ctx, request.IdentityPoolId);
    if (request.IdentityId === undefined && request.DeveloperUserIdentifier === undefined) {
      throw new AwsError("InvalidParameterException", "Either IdentityId or DeveloperUserIdentifier must be given.");
    }
    let identityId = request.IdentityId;
    if (request.DeveloperUserIdentifier !== undefined) {
      const owner = ctx.state.cognitoIdentity.logins[loginKey(pool.IdentityPoolId, pool.DeveloperProviderName ?? "", request.DeveloperUserIdentifier)];
      if (!owner) throw userNotFound(request.DeveloperUserIdentifier);
      if (identityId !== undefined && identityId !== owner) {
        throw new AwsError(
          "ResourceConflictException",
          `Developer user identifier ${request.DeveloperUserIdentifier} does not belong to identity '${identityId}'.`,
        );
      }
      identityId = owner;
    }
    ctx.log.identityId = identityId!;
    const identity = identityInPool(ctx, identityId!, pool);
    const users = identity.logins.filter((l) => l.provider === pool.DeveloperProviderName).map((l) => l.subject);
    const start = request.NextToken === undefined ? 0 : offsetFrom(request.NextToken);
    const end = request.MaxResults === undefined ? users.length : start + request.MaxResults;
    return {
      IdentityId: identity.IdentityId,
      DeveloperUserIdentifierList: users.slice(start, end),
      NextToken: end < users.length ? Buffer.from(String(end)).toString("base64url") : undefined,
    };
  },

  MergeDeveloperIdentities(input: Record<string, unknown>, ctx: ServiceContext) {
    const request = validate<{ SourceUserIdentifier: string; DestinationUserIdentifier: string; DeveloperProviderName: string; IdentityPoolId: string }>(
      input,
      MERGE,
    );
    const pool = requirePool(ctx, request.IdentityPoolId);
    const developer = matchingDeveloperProvider(pool, request.DeveloperProviderName);
    const slice = ctx.state.cognitoIdentity;
    const destination = slice.logins[loginKey(pool.IdentityPoolId, developer, request.DestinationUserIdentifier)];
    if (!destination) throw userNotFound(request.DestinationUserIdentifier);
    ctx.log.identityId = destination;
    const source = slice.logins[loginKey(pool.IdentityPoolId, developer, request.SourceUserIdentifier)];
    if (source !== destination) {
      // A source user Cognito has not seen yet is simply associated with the destination identity.
      const plan: Plan = source
        ? { poolId: pool.IdentityPoolId, identityId: destination, link: [], absorb: [source] }
        : { poolId: pool.IdentityPoolId, identityId: destination, link: [{ provider: developer, subject: request.SourceUserIdentifier }], absorb: [] };
      checkPlan(slice, pool, plan);
      commit(slice, plan, ctx.clock.now());
    }
    return { IdentityId: destination };
  },

  UnlinkDeveloperIdentity(input: Record<string, unknown>, ctx: ServiceContext) {
    const request = validate<{ IdentityId: string; IdentityPoolId: string; DeveloperProviderName: string; DeveloperUserIdentifier: string }>(input, UNLINK);
    ctx.log.identityId = request.IdentityId;
    const pool = requirePool(ctx, request.IdentityPoolId);
    const developer = matchingDeveloperProvider(pool, request.DeveloperProviderName);
    const identity = identityInPool(ctx, request.IdentityId, pool);
    const linked = (l: { provider: string; subject: string }) => l.provider === developer && l.subject === request.DeveloperUserIdentifier;
    if (!identity.logins.some(linked)) {
      throw new AwsError(
        "ResourceNotFoundException",
        `Developer user identifier ${request.DeveloperUserIdentifier} is not linked to identity '${request.IdentityId}'.`,
      );
    }
    unlink(ctx.state.cognitoIdentity, identity, linked, ctx.clock.now());
    return {};
  },
};

function developerProvider(pool: IdentityPoolRecord): string {
  if (!pool.DeveloperProviderName) throw new AwsError("InvalidParameterException", `Identity pool '${pool.IdentityPoolId}' has no DeveloperProviderName.`);
  return pool.DeveloperProviderName;
}

function matchingDeveloperProvider(pool: IdentityPoolRecord, name: string): string {
  const developer = developerProvider(pool);
  if (name !== developer) throw new AwsError("InvalidParameterException", `${name} is not the developer provider of identity pool '${pool.IdentityPoolId}'.`);
  return developer;
}

function identityInPool(ctx: ServiceContext, identityId: string, pool: IdentityPoolRecord) {
  const { identity } = requireIdentity(ctx, identityId);
  if (identity.IdentityPoolId !== pool.IdentityPoolId) throw new AwsError("ResourceNotFoundException", `Identity '${identityId}' not found.`);
  return identity;
}

function userNotFound(userId: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Developer user identifier ${userId} not found.`);
}

function offsetFrom(token: string): number {
  const offset = Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isSafeInteger(offset) || offset < 0) throw new AwsError("InvalidParameterException", "The NextToken is not valid.");
  return offset;
}
