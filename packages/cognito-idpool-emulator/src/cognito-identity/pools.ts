import { randomUUID } from "node:crypto";
import { AwsError } from "../core/errors.js";
import type { EmulatorState } from "../state.js";
import type { ServiceContext } from "../service.js";
import { decide } from "../iam/authorize.js";
import { issuerWithoutScheme, samlProviders } from "../iam/state.js";
import { paginate } from "./pagination.js";
import type { IdentityPoolRecord, RoleMapping } from "./state.js";
import { ARN, bool, DEVELOPER_PROVIDER_NAME, IDENTITY_POOL_ID, list, map, MAX_RESULTS, NEXT_TOKEN, str, struct, validate } from "./validate.js";
import { own } from "../core/records.js";

/** Login keys Cognito accepts in SupportedLoginProviders for the social identity providers it checks itself. */
export const SOCIAL_PROVIDERS = ["graph.facebook.com", "accounts.google.com", "www.amazon.com", "appleid.apple.com", "api.twitter.com", "www.digits.com"];
const USER_POOL_PROVIDER = /^cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([\w-]+_[0-9a-zA-Z]+)$/;
/** AWS's quota of identity pools per account and region. */
const POOL_LIMIT = 1000;
const RULES_PER_MAPPING = 25;

const TAG_KEY = str({ min: 1, max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, patternText: "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$" });
const POOL_MEMBERS = {
  IdentityPoolName: str({ min: 1, max: 128, pattern: /^[\w\s+=,.@-]+$/, patternText: "[\\w\\s+=,.@-]+" }),
  AllowUnauthenticatedIdentities: bool,
  AllowClassicFlow: bool,
  SupportedLoginProviders: map(str({ min: 1, max: 128 }), str({ min: 1, max: 128, pattern: /^[\w.;_/-]+$/, patternText: "[\\w.;_/-]+" }), 10),
  DeveloperProviderName: DEVELOPER_PROVIDER_NAME,
  OpenIdConnectProviderARNs: list(ARN),
  CognitoIdentityProviders: list(
    struct({
      ProviderName: str({ min: 1, max: 128, pattern: /^[\w._:/-]+$/, patternText: "[\\w._:/-]+" }),
      ClientId: str({ min: 1, max: 128, pattern: /^[\w_]+$/, patternText: "[\\w_]+" }),
      ServerSideTokenCheck: bool,
    }),
  ),
  SamlProviderARNs: list(ARN),
  IdentityPoolTags: map(TAG_KEY, str({ min: 0, max: 256 }), 50),
};
const CREATE_SHAPE = struct(POOL_MEMBERS, ["IdentityPoolName", "AllowUnauthenticatedIdentities"]);
const UPDATE_SHAPE = struct({ IdentityPoolId: IDENTITY_POOL_ID, ...POOL_MEMBERS }, ["IdentityPoolId", "IdentityPoolName", "AllowUnauthenticatedIdentities"]);
const POOL_ID_SHAPE = struct({ IdentityPoolId: IDENTITY_POOL_ID }, ["IdentityPoolId"]);
const LIST_SHAPE = struct({ MaxResults: MAX_RESULTS, NextToken: NEXT_TOKEN }, ["MaxResults"]);
const MAPPING_RULE = struct(
  {
    Claim: str({ min: 1, max: 64, pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, patternText: "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+" }),
    MatchType: str({ values: ["Equals", "Contains", "StartsWith", "NotEqual"] }),
    Value: str({ min: 1, max: 128 }),
    RoleARN: ARN,
  },
  ["Claim", "MatchType", "Value", "RoleARN"],
);
const ROLES_SHAPE = struct(
  {
    IdentityPoolId: IDENTITY_POOL_ID,
    Roles: map(str({ pattern: /^(un)?authenticated$/, patternText: "(un)?authenticated" }), ARN, 2),
    RoleMappings: map(
      str({ min: 1, max: 128 }),
      struct(
        {
          Type: str({ values: ["Token", "Rules"] }),
          AmbiguousRoleResolution: str({ values: ["AuthenticatedRole", "Deny"] }),
          RulesConfiguration: struct({ Rules: list(MAPPING_RULE, 1, 400) }, ["Rules"]),
        },
        ["Type"],
      ),
      10,
    ),
  },
  ["IdentityPoolId", "Roles"],
);

type PoolConfig = Omit<IdentityPoolRecord, "IdentityPoolId" | "Roles" | "RoleMappings" | "CreationDate">;
const CONFIG_KEYS = Object.keys(POOL_MEMBERS) as (keyof PoolConfig)[];

/** The region an identity pool or identity id names (`eu-west-1:…`). */
export function regionOf(id: string): string {
  return id.slice(0, id.indexOf(":"));
}

/**
 * The pool, or ResourceNotFound as AWS words it. Signed calls only see pools of the region they
 * were signed for, as each AWS region is a separate endpoint; unsigned calls carry no region.
 */
export function requirePool(ctx: ServiceContext, poolId: string): IdentityPoolRecord {
  const pool = own(ctx.state.cognitoIdentity.pools, poolId);
  if (!pool || (ctx.principal && regionOf(poolId) !== ctx.region)) throw new AwsError("ResourceNotFoundException", `IdentityPool '${poolId}' not found.`);
  return pool;
}

/** Creates a pool from CreateIdentityPool's input (already validated), in `region` or with a fixed id. */
export function createPool(state: EmulatorState, input: PoolConfig, region: string, now: number, fixedId?: string): IdentityPoolRecord {
  const pools = state.cognitoIdentity.pools;
  if (Object.keys(pools).filter((id) => regionOf(id) === region).length >= POOL_LIMIT) {
    throw new AwsError("LimitExceededException", `The maximum number of identity pools (${POOL_LIMIT}) has been reached for this account in ${region}.`);
  }
  const config = checkConfig(state, input);
  const pool: IdentityPoolRecord = { IdentityPoolId: fixedId ?? `${region}:${randomUUID()}`, ...config, Roles: {}, CreationDate: now };
  pools[pool.IdentityPoolId] = pool;
  return pool;
}

/** Replaces a pool's configuration (UpdateIdentityPool is a full replacement; roles are kept). */
export function replacePoolConfig(state: EmulatorState, pool: IdentityPoolRecord, input: PoolConfig): void {
  if (pool.DeveloperProviderName !== undefined && input.DeveloperProviderName !== undefined && input.DeveloperProviderName !== pool.DeveloperProviderName) {
    throw new AwsError("InvalidParameterException", "DeveloperProviderName cannot be changed once it is set.");
  }
  const config = checkConfig(state, { ...input, DeveloperProviderName: input.DeveloperProviderName ?? pool.DeveloperProviderName });
  for (const key of CONFIG_KEYS) delete pool[key];
  Object.assign(pool, config);
}

/** The checks CreateIdentityPool makes beyond the input shape; returns just the configuration members. */
function checkConfig(state: EmulatorState, input: PoolConfig): PoolConfig {
  for (const key of Object.keys(input.SupportedLoginProviders ?? {})) {
    if (!SOCIAL_PROVIDERS.includes(key)) {
      throw new AwsError(
        "InvalidParameterException",
        `${key} is not a supported login provider. Register OpenID Connect issuers with IAM and list them in OpenIdConnectProviderARNs.`,
      );
    }
  }
  for (const arn of input.OpenIdConnectProviderARNs ?? []) {
    if (!state.iam.oidcProviders[arn]) throw new AwsError("InvalidParameterException", `Invalid OpenIdConnectProviderARN: ${arn} does not exist.`);
  }
  const seen = new Set<string>();
  for (const provider of input.CognitoIdentityProviders ?? []) {
    if (!USER_POOL_PROVIDER.test(provider.ProviderName)) {
      throw new AwsError(
        "InvalidParameterException",
        `Invalid Cognito Identity Provider name: ${provider.ProviderName}. Expected cognito-idp.<region>.amazonaws.com/<userPoolId>.`,
      );
    }
    const key = `${provider.ProviderName}:${provider.ClientId}`;
    if (seen.has(key)) throw new AwsError("InvalidParameterException", `Duplicate CognitoIdentityProvider: ${key}.`);
    seen.add(key);
  }
  for (const arn of input.SamlProviderARNs ?? []) {
    if (!Object.hasOwn(samlProviders(state.iam), arn)) throw new AwsError("InvalidParameterException", `Invalid SamlProviderARN: ${arn} does not exist.`);
  }
  const config = {} as Record<string, unknown>;
  for (const key of CONFIG_KEYS) if (input[key] !== undefined) config[key] = structuredClone(input[key]);
  return config as unknown as PoolConfig;
}

/** The pool as the API shows it (the IdentityPool structure). */
export function describePool(pool: IdentityPoolRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { IdentityPoolId: pool.IdentityPoolId };
  for (const key of CONFIG_KEYS) if (pool[key] !== undefined) out[key] = pool[key];
  return out;
}

/** SetIdentityPoolRoles' checks: every mapping names a configured provider and is complete. */
export function setRoles(pool: IdentityPoolRecord, roles: Record<string, string>, mappings: Record<string, RoleMapping> | undefined): void {
  for (const [key, mapping] of Object.entries(mappings ?? {})) {
    if (!mappingKeys(pool).has(key))
      throw new AwsError("InvalidParameterException", `${key} is not a valid RoleMapping ProviderName or is not a configured provider.`);
    if (!mapping.AmbiguousRoleResolution)
      throw new AwsError("InvalidParameterException", `AmbiguousRoleResolution must be specified for the RoleMapping of ${key}.`);
    if (mapping.Type === "Rules") {
      const rules = mapping.RulesConfiguration?.Rules;
      if (!rules) throw new AwsError("InvalidParameterException", `RulesConfiguration is required for the Rules RoleMapping of ${key}.`);
      if (rules.length > RULES_PER_MAPPING)
        throw new AwsError("LimitExceededException", `A RoleMapping can have at most ${RULES_PER_MAPPING} rules; ${key} has ${rules.length}.`);
    }
  }
  pool.Roles = { ...roles };
  if (mappings && Object.keys(mappings).length) pool.RoleMappings = structuredClone(mappings);
  else delete pool.RoleMappings;
}

/**
 * Keys a RoleMapping may use: `<userPoolProvider>:<clientId>` for user pools, the domain for social
 * providers, and for OIDC both the IAM provider ARN (the developer guide's form) and the login key;
 * SAML providers by their ARN (the login key).
 */
export function mappingKeys(pool: IdentityPoolRecord): Set<string> {
  const keys = new Set<string>(Object.keys(pool.SupportedLoginProviders ?? {}));
  for (const arn of pool.SamlProviderARNs ?? []) keys.add(arn);
  for (const p of pool.CognitoIdentityProviders ?? []) keys.add(`${p.ProviderName}:${p.ClientId}`);
  for (const arn of pool.OpenIdConnectProviderARNs ?? []) {
    keys.add(arn);
    keys.add(issuerWithoutScheme(arn.slice(arn.indexOf(":oidc-provider/") + ":oidc-provider/".length)));
  }
  return keys;
}

/** Deletes a pool with its identities and their login index entries. */
function deletePool(state: EmulatorState, poolId: string): void {
  const slice = state.cognitoIdentity;
  delete slice.pools[poolId];
  for (const [id, identity] of Object.entries(slice.identities)) if (identity.IdentityPoolId === poolId) delete slice.identities[id];
  for (const [key, id] of Object.entries(slice.logins)) if (!slice.identities[id]) delete slice.logins[key];
}

export const poolOperations = {
  CreateIdentityPool(input: Record<string, unknown>, ctx: ServiceContext) {
    const config = validate<PoolConfig>(input, CREATE_SHAPE);
    return describePool(createPool(ctx.state, config, ctx.region, ctx.clock.now()));
  },

  DescribeIdentityPool(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId } = validate<{ IdentityPoolId: string }>(input, POOL_ID_SHAPE);
    return describePool(requirePool(ctx, IdentityPoolId));
  },

  UpdateIdentityPool(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId, ...config } = validate<PoolConfig & { IdentityPoolId: string }>(input, UPDATE_SHAPE);
    const pool = requirePool(ctx, IdentityPoolId);
    replacePoolConfig(ctx.state, pool, config);
    return describePool(pool);
  },

  DeleteIdentityPool(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId } = validate<{ IdentityPoolId: string }>(input, POOL_ID_SHAPE);
    requirePool(ctx, IdentityPoolId);
    deletePool(ctx.state, IdentityPoolId);
    return {};
  },

  ListIdentityPools(input: Record<string, unknown>, ctx: ServiceContext) {
    const { MaxResults, NextToken } = validate<{ MaxResults: number; NextToken?: string }>(input, LIST_SHAPE);
    const pools = Object.values(ctx.state.cognitoIdentity.pools).filter((p) => regionOf(p.IdentityPoolId) === ctx.region);
    const { page, nextToken } = paginate(pools, (p) => [p.CreationDate, p.IdentityPoolId], MaxResults, NextToken);
    return { IdentityPools: page.map((p) => ({ IdentityPoolId: p.IdentityPoolId, IdentityPoolName: p.IdentityPoolName })), NextToken: nextToken };
  },

  SetIdentityPoolRoles(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId, Roles, RoleMappings } = validate<{
      IdentityPoolId: string;
      Roles: Record<string, string>;
      RoleMappings?: Record<string, RoleMapping>;
    }>(input, ROLES_SHAPE);
    const pool = requirePool(ctx, IdentityPoolId);
    // Handing a role to Cognito is passing it: the caller needs iam:PassRole on each, as with any AWS service.
    const passed = [...Object.values(Roles), ...Object.values(RoleMappings ?? {}).flatMap((m) => m.RulesConfiguration?.Rules.map((r) => r.RoleARN) ?? [])];
    for (const roleArn of passed) {
      if (decide(ctx.state, ctx.principal, "iam:PassRole", roleArn) !== "Allow")
        throw new AwsError("NotAuthorizedException", `Access to Role '${roleArn}' is forbidden.`);
    }
    setRoles(pool, Roles, RoleMappings);
    return {};
  },

  GetIdentityPoolRoles(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId } = validate<{ IdentityPoolId: string }>(input, POOL_ID_SHAPE);
    const pool = requirePool(ctx, IdentityPoolId);
    return { IdentityPoolId, Roles: pool.Roles, RoleMappings: pool.RoleMappings };
  },
};

export { CREATE_SHAPE as CREATE_POOL_SHAPE, ROLES_SHAPE as SET_ROLES_SHAPE };
