import { seedIdentityPools, type IdentityPoolSeed } from "./cognito-identity/index.js";
import { seedUserPools, type UserPoolSeed } from "./cognito-idp/index.js";
import type { EmulatorClock } from "./core/clock.js";
import type { EmulatorState } from "./core/state.js";
import { seedIam, type OidcProviderSeed, type RoleSeed } from "./iam/index.js";
import { seedBuckets, type BucketSeed } from "./s3/index.js";

/**
 * One JSON document that creates a whole environment. Applied in dependency order: IAM first
 * (identity pools name roles and OIDC providers), then user pools (identity pools name their
 * clients), then identity pools, then buckets. Fixed ids may be given so a demo knows them in advance.
 */
export interface Seed {
  roles?: RoleSeed[];
  openIdConnectProviders?: OidcProviderSeed[];
  userPools?: UserPoolSeed[];
  identityPools?: IdentityPoolSeed[];
  buckets?: BucketSeed[];
}

export interface SeedContext {
  state: EmulatorState;
  clock: EmulatorClock;
  baseUrl: string;
}

/** What the seed created, so a caller learns generated ids. */
export interface SeedResult {
  roles: string[];
  userPools: { id: string; name: string; clients: { id: string; name: string }[] }[];
  identityPools: { id: string; name: string }[];
  buckets: string[];
}

export async function applySeed(seed: Seed, ctx: SeedContext): Promise<SeedResult> {
  if (typeof seed !== "object" || seed === null) throw new TypeError("seed must be a JSON object");
  const roles = await seedIam(seed.roles ?? [], seed.openIdConnectProviders ?? [], ctx);
  const userPools = await seedUserPools(seed.userPools ?? [], ctx);
  const identityPools = await seedIdentityPools(seed.identityPools ?? [], ctx);
  const buckets = await seedBuckets(seed.buckets ?? [], ctx);
  return { roles, userPools, identityPools, buckets };
}
