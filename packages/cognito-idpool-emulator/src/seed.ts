import { seedIdentityPools, type IdentityPoolSeed } from "./cognito-identity/index.js";
import { seedSamlIdps, standInMetadata, type SamlIdpSeed } from "./cognito-identity/saml-control.js";
import { seedSocialUsers, type SocialUserSeed } from "./cognito-identity/social-control.js";
import { seedUserPools, type UserPoolSeed } from "./cognito-idp/index.js";
import { createClient } from "./cognito-idp/clients.js";
import { createUserPoolDomain } from "./cognito-idp/domains.js";
import { createIdentityProvider } from "./cognito-idp/identity-providers.js";
import { requirePool } from "./cognito-idp/lookup.js";
import { seedIam, type OidcProviderSeed, type RoleSeed } from "./iam/index.js";
import { seedSamlProviders } from "./iam/saml-providers.js";
import { seedBuckets, type BucketSeed } from "./s3/index.js";
import type { SeedContext, ServiceContext } from "./service.js";

/**
 * One JSON document that creates a whole environment. Applied in dependency order: SAML IdP
 * stand-ins (IAM SAML providers may take their metadata), IAM (identity pools name roles and
 * OIDC and SAML providers), then user pools (identity pools name their
 * clients) with their identity providers and domain before their clients (a client's
 * SupportedIdentityProviders must exist), then identity pools, then buckets. Fixed ids may be given so a demo knows them in advance.
 */
export interface Seed {
  /** IAM roles with their trust policy and inline policies (CreateRole + PutRolePolicy). */
  roles?: RoleSeed[];
  /** IAM OpenID Connect providers (CreateOpenIDConnectProvider). */
  openIdConnectProviders?: OidcProviderSeed[];
  /** SAML IdP stand-ins (`/_emulator/saml/<name>/…`), optionally with a fixed key pair. */
  samlIdentityProviders?: SamlIdpSeed[];
  /** IAM SAML providers (CreateSAMLProvider), ARN `arn:aws:iam::000000000000:saml-provider/<Name>`. */
  samlProviders?: SamlProviderSeedEntry[];
  /** User pools with their app clients, groups and users, and for managed login their domain and identity providers. */
  userPools?: (UserPoolSeed & ManagedLoginSeed)[];
  /** Identity pools with their roles (CreateIdentityPool + SetIdentityPoolRoles). */
  identityPools?: IdentityPoolSeed[];
  /** Users of the Google, Apple, Facebook, Amazon and Twitter stand-ins, optionally with fixed access tokens. */
  socialUsers?: SocialUserSeed[];
  /** S3 buckets with their CORS rules and objects. */
  buckets?: BucketSeed[];
}

/**
 * An IAM SAML provider in a seed: its metadata document, or `standIn`, the name of a SAML IdP
 * stand-in whose metadata to use. With neither, the stand-in called `Name` (made if need be).
 */
export interface SamlProviderSeedEntry {
  Name: string;
  SAMLMetadataDocument?: string;
  standIn?: string;
}

/**
 * Managed login of a user pool in a seed: `Domain`, the prefix CreateUserPoolDomain takes (served
 * at `/_domain/<prefix>`), and `IdentityProviders`, CreateIdentityProvider inputs without the
 * pool id (`{ "ProviderName": "Google", "ProviderType": "Google", "ProviderDetails": {…} }`).
 */
export interface ManagedLoginSeed {
  Domain?: string;
  IdentityProviders?: Record<string, unknown>[];
}

/** What the seed created, so a caller learns generated ids. */
export interface SeedResult {
  /** ARNs of the roles created or updated. */
  roles: string[];
  /** Each user pool's id and name, with its app clients' ids and names. */
  userPools: SeededUserPool[];
  /** Each identity pool's id and name. */
  identityPools: SeededPool[];
  /** Names of the buckets created or updated. */
  buckets: string[];
}

/** A pool (or app client) the seed created or updated. */
export interface SeededPool {
  /** The id AWS would generate (or the fixed one the seed gave). */
  id: string;
  /** Its name. */
  name: string;
}

/** A user pool the seed created or updated, with its app clients. */
export interface SeededUserPool extends SeededPool {
  /** The pool's app clients. */
  clients: SeededPool[];
}

export async function applySeed(seed: Seed, ctx: SeedContext): Promise<SeedResult> {
  if (typeof seed !== "object" || seed === null) throw new TypeError("seed must be a JSON object");
  seedSamlIdps(seed.samlIdentityProviders ?? [], ctx);
  const roles = await seedIam(seed.roles ?? [], seed.openIdConnectProviders ?? [], ctx);
  if (!Array.isArray(seed.samlProviders ?? [])) throw new TypeError("samlProviders must be a list");
  seedSamlProviders(
    (seed.samlProviders ?? []).map((entry, i) => {
      if (typeof entry !== "object" || entry === null || typeof entry.Name !== "string") throw new TypeError(`samlProviders[${i}].Name must be a string`);
      return { Name: entry.Name, SAMLMetadataDocument: entry.SAMLMetadataDocument ?? standInMetadata(ctx, entry.standIn ?? entry.Name) };
    }),
    ctx,
  );
  const userPools = await seedUserPoolsWithLogin(seed.userPools ?? [], ctx);
  const identityPools = await seedIdentityPools(seed.identityPools ?? [], ctx);
  seedSocialUsers(seed.socialUsers ?? [], ctx);
  const buckets = await seedBuckets(seed.buckets ?? [], ctx);
  return { roles, userPools, identityPools, buckets };
}

/**
 * User pools with managed login: each pool is created without its clients, then its identity
 * providers and domain through the AWS operations (so they are checked as CreateIdentityProvider
 * and CreateUserPoolDomain check them), then its clients, whose OAuth settings may name those providers.
 */
async function seedUserPoolsWithLogin(entries: (UserPoolSeed & ManagedLoginSeed)[], ctx: SeedContext): Promise<SeededUserPool[]> {
  if (!Array.isArray(entries)) throw new TypeError("userPools must be a list");
  // These two operations read only the state and the clock, which a seed context has.
  const operationCtx = ctx as ServiceContext;
  const seeded: SeededUserPool[] = [];
  for (const { Domain, IdentityProviders = [], Clients = [], ...entry } of entries) {
    const [pool] = await seedUserPools([entry], ctx);
    for (const provider of IdentityProviders) await createIdentityProvider({ ...provider, UserPoolId: pool!.id }, operationCtx);
    if (Domain !== undefined) createUserPoolDomain({ UserPoolId: pool!.id, Domain }, operationCtx);
    const now = ctx.clock.now();
    const clients = Clients.map(({ ClientId, ...client }) => createClient(requirePool(ctx.state, pool!.id), client, now, ClientId));
    seeded.push({ ...pool!, clients: clients.map((c) => ({ id: c.ClientId, name: c.ClientName })) });
  }
  return seeded;
}
