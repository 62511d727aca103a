import { ACCOUNT_ID } from "../core/account.js";
import { AwsError } from "../core/errors.js";
import type { JsonOperation, JsonService, ServiceContext } from "../service.js";
import type { EmulatorResponse } from "../core/types.js";
import { COGNITO_ISSUER, openIdJwks } from "./openid-token.js";
import { decide, deniedMessage } from "../iam/authorize.js";
import type { SeedContext } from "../service.js";
import { developerOperations } from "./developer.js";
import { enhancedFlowOperations } from "./enhanced-flow.js";
import { identityAdminOperations } from "./identity-admin.js";
import { principalTagOperations } from "./principal-tags.js";
import { CREATE_POOL_SHAPE, createPool, poolOperations, regionOf, replacePoolConfig, SET_ROLES_SHAPE, setRoles } from "./pools.js";
import type { IdentityPoolRecord, RoleMapping } from "./state.js";
import { IDENTITY_POOL_ID, struct, validate } from "./validate.js";

/**
 * An identity pool in a seed file: CreateIdentityPool's input, optionally a fixed IdentityPoolId
 * (its prefix is the region) or a Region, plus Roles and RoleMappings as SetIdentityPoolRoles takes them.
 */
export interface IdentityPoolSeed {
  IdentityPoolId?: string;
  /** Region for a generated id; default us-east-1. */
  Region?: string;
  IdentityPoolName: string;
  AllowUnauthenticatedIdentities: boolean;
  AllowClassicFlow?: boolean;
  SupportedLoginProviders?: Record<string, string>;
  DeveloperProviderName?: string;
  OpenIdConnectProviderARNs?: string[];
  CognitoIdentityProviders?: { ProviderName: string; ClientId: string; ServerSideTokenCheck?: boolean }[];
  /** ARNs of IAM SAML providers (created by the seed's `samlProviders`, or earlier). */
  SamlProviderARNs?: string[];
  IdentityPoolTags?: Record<string, string>;
  Roles?: { authenticated?: string; unauthenticated?: string };
  RoleMappings?: Record<string, RoleMapping>;
}

const unsigned = (handler: JsonOperation["handler"]): JsonOperation => ({ auth: "none", handler });

/**
 * Signed operations, authorized as IAM would: issued credentials need `cognito-identity:<Operation>`
 * on the pool from their role's policies (AccessDeniedException otherwise); root may do anything.
 */
const SIGNED_OPERATIONS: Record<string, JsonOperation["handler"]> = {
  GetOpenIdTokenForDeveloperIdentity: developerOperations.GetOpenIdTokenForDeveloperIdentity,
  LookupDeveloperIdentity: developerOperations.LookupDeveloperIdentity,
  MergeDeveloperIdentities: developerOperations.MergeDeveloperIdentities,
  UnlinkDeveloperIdentity: developerOperations.UnlinkDeveloperIdentity,
  DescribeIdentity: identityAdminOperations.DescribeIdentity,
  ListIdentities: identityAdminOperations.ListIdentities,
  DeleteIdentities: identityAdminOperations.DeleteIdentities,
  CreateIdentityPool: poolOperations.CreateIdentityPool,
  DescribeIdentityPool: poolOperations.DescribeIdentityPool,
  UpdateIdentityPool: poolOperations.UpdateIdentityPool,
  DeleteIdentityPool: poolOperations.DeleteIdentityPool,
  ListIdentityPools: poolOperations.ListIdentityPools,
  SetIdentityPoolRoles: poolOperations.SetIdentityPoolRoles,
  GetIdentityPoolRoles: poolOperations.GetIdentityPoolRoles,
  SetPrincipalTagAttributeMap: principalTagOperations.SetPrincipalTagAttributeMap,
  GetPrincipalTagAttributeMap: principalTagOperations.GetPrincipalTagAttributeMap,
};

function signed(name: string, handler: JsonOperation["handler"]): JsonOperation {
  return {
    auth: "sigv4",
    handler(input, ctx) {
      const action = `cognito-identity:${name}`;
      const resource = poolArn(input, ctx);
      const decision = decide(ctx.state, ctx.principal, action, resource);
      if (decision !== "Allow") throw new AwsError("AccessDeniedException", deniedMessage(ctx.principal, action, resource, decision));
      return handler(input, ctx);
    },
  };
}

/** The pool a call is about (named, or the pool of the named identity), as IAM resource ARN. */
function poolArn(input: Record<string, unknown>, ctx: ServiceContext): string {
  const slice = ctx.state.cognitoIdentity;
  const identityId = typeof input["IdentityId"] === "string" ? input["IdentityId"] : undefined;
  const poolId =
    typeof input["IdentityPoolId"] === "string"
      ? input["IdentityPoolId"]
      : identityId && Object.hasOwn(slice.identities, identityId)
        ? slice.identities[identityId]!.IdentityPoolId
        : "";
  return `arn:aws:cognito-identity:${ctx.region}:${ACCOUNT_ID}:identitypool/${poolId}`;
}

export const cognitoIdentityService: JsonService = {
  service: "cognito-identity",
  targetPrefix: "AWSCognitoIdentityService",
  operations: {
    // Public: AWS serves these four unsigned (and ignores a signature if one is sent).
    GetId: unsigned(enhancedFlowOperations.GetId),
    GetCredentialsForIdentity: unsigned(enhancedFlowOperations.GetCredentialsForIdentity),
    GetOpenIdToken: unsigned(enhancedFlowOperations.GetOpenIdToken),
    UnlinkIdentity: unsigned(enhancedFlowOperations.UnlinkIdentity),
    ...Object.fromEntries(Object.entries(SIGNED_OPERATIONS).map(([name, handler]) => [name, signed(name, handler)])),
  },
};

const SEED_ID = struct({ IdentityPoolId: IDENTITY_POOL_ID });

/**
 * Creates the seed's identity pools with the API's checks. Applied again on every start with
 * `--data`, so a pool that already exists (same fixed id, or same name in the region) has its
 * configuration and roles replaced and keeps its identities.
 */
export async function seedIdentityPools(seeds: IdentityPoolSeed[], ctx: SeedContext): Promise<{ id: string; name: string }[]> {
  const created: { id: string; name: string }[] = [];
  for (const seed of seeds) {
    if (typeof seed !== "object" || seed === null) throw new AwsError("ValidationException", "Each identity pool seed must be an object.");
    const input = seed as unknown as Record<string, unknown>;
    validate(input, SEED_ID);
    const config = validate<Omit<IdentityPoolRecord, "IdentityPoolId" | "Roles" | "CreationDate">>(input, CREATE_POOL_SHAPE);
    const region = seed.IdentityPoolId ? regionOf(seed.IdentityPoolId) : (seed.Region ?? "us-east-1");
    const pools = ctx.state.cognitoIdentity.pools;
    let pool = seed.IdentityPoolId
      ? pools[seed.IdentityPoolId]
      : Object.values(pools).find((p) => regionOf(p.IdentityPoolId) === region && p.IdentityPoolName === seed.IdentityPoolName);
    if (pool) replacePoolConfig(ctx.state, pool, config);
    else pool = createPool(ctx.state, config, region, ctx.clock.now(), seed.IdentityPoolId);
    const roles = validate<{ Roles: Record<string, string>; RoleMappings?: Record<string, RoleMapping> }>(
      { IdentityPoolId: pool.IdentityPoolId, Roles: seed.Roles ?? {}, RoleMappings: seed.RoleMappings },
      SET_ROLES_SHAPE,
    );
    setRoles(pool, roles.Roles, roles.RoleMappings);
    created.push({ id: pool.IdentityPoolId, name: pool.IdentityPoolName });
  }
  return created;
}

/**
 * `GET /.well-known/jwks_uri | openid-configuration`: Cognito Identity as an OpenID Connect issuer,
 * for services that verify `GetOpenIdToken`'s tokens. The issuer stays AWS's (tokens carry it);
 * `jwks_uri` points at this emulator, where the keys are.
 */
export function serveCognitoIdentityWellKnown(file: "jwks_uri" | "openid-configuration", ctx: ServiceContext): EmulatorResponse {
  const body =
    file === "jwks_uri"
      ? openIdJwks(ctx.state.cognitoIdentity)
      : {
          issuer: COGNITO_ISSUER,
          jwks_uri: `${ctx.baseUrl}/.well-known/jwks_uri`,
          response_types_supported: ["code", "token"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
        };
  return { status: 200, headers: { "content-type": "application/json", "cache-control": "max-age=3600" }, body: JSON.stringify(body) };
}
