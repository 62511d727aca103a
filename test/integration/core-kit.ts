import "fake-indexeddb/auto";
import { SetIdentityPoolRolesCommand, type CreateIdentityPoolInput } from "@aws-sdk/client-cognito-identity";
import { CreateOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
import { createStore, entries, type UseStore } from "idb-keyval";
import { createRole, cognitoTrustPolicy, createTestPool, startIdentityKit, type IdentityKit } from "cognito-idpool-emulator/testing";
import { startOidcIssuer, type TestIssuer } from "cognito-idpool-emulator/testing";
import { createAuth, type Auth } from "../../packages/cognito-idpool/src/auth.js";
import type { AuthOptions } from "../../packages/cognito-idpool/src/options.js";

/**
 * Shared set-up of the SDK-core integration tests: the emulator (driven through real AWS SDK
 * clients for set-up), a local OpenID Connect issuer registered with IAM, and IndexedDB from
 * fake-indexeddb, so `createAuth` runs with its default storage exactly as in a browser.
 */
export interface CoreKit {
  kit: IdentityKit;
  issuer: TestIssuer;
  url: string;
  stop(): Promise<void>;
}

export const OIDC_CLIENT_ID = "web";

export async function startCoreKit(): Promise<CoreKit> {
  const kit = await startIdentityKit();
  const issuer = await startOidcIssuer({ path: "/realms/core" });
  return {
    kit,
    issuer,
    url: kit.emulator.url,
    async stop() {
      await kit.stop();
      await issuer.stop();
    },
  };
}

export interface CorePool {
  poolId: string;
  authRoleArn: string;
  unauthRoleArn: string;
}

/** A fresh identity pool (so storage keys never collide between tests) trusting the local issuer. */
export async function newPool(
  core: CoreKit,
  input: Partial<CreateIdentityPoolInput> = {},
  policies: { authenticated?: Record<string, unknown>; unauthenticated?: Record<string, unknown> } = {},
): Promise<CorePool> {
  const { kit, issuer } = core;
  const { OpenIDConnectProviderArn } = await kit.iam
    .send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: [OIDC_CLIENT_ID] }))
    .catch(async (error: { name?: string }) => {
      if (error.name !== "EntityAlreadyExistsException") throw error;
      return { OpenIDConnectProviderArn: `arn:aws:iam::000000000000:oidc-provider/${issuer.loginKey}` };
    });
  const pool = await createTestPool(kit, { OpenIdConnectProviderARNs: [OpenIDConnectProviderArn!], ...input });
  if (!policies.authenticated && !policies.unauthenticated) return pool;
  const authRoleArn = await createRole(kit.iam, "CoreAuth", cognitoTrustPolicy(pool.poolId, "authenticated"), policies.authenticated ?? {});
  const unauthRoleArn = await createRole(kit.iam, "CoreUnauth", cognitoTrustPolicy(pool.poolId, "unauthenticated"), policies.unauthenticated ?? {});
  await kit.identity.send(
    new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.poolId, Roles: { authenticated: authRoleArn, unauthenticated: unauthRoleArn } }),
  );
  return { poolId: pool.poolId, authRoleArn, unauthRoleArn };
}

/** One emulator request-log entry. */
export interface LoggedRequest {
  service: string;
  operation: string;
  identityId?: string;
  status: number;
}

/** Identity-pool requests since the last {@link clearRequests}, from `GET /_emulator/requests`. */
export async function identityRequests(core: CoreKit): Promise<LoggedRequest[]> {
  const { requests } = (await core.kit.emulator.control("requests")) as { requests: LoggedRequest[] };
  return requests.filter((r) => r.service === "cognito-identity");
}

/** User-pool requests since the last {@link clearRequests}. */
export async function userPoolRequests(core: CoreKit): Promise<LoggedRequest[]> {
  const { requests } = (await core.kit.emulator.control("requests")) as { requests: LoggedRequest[] };
  return requests.filter((r) => r.service === "cognito-idp");
}

export async function clearRequests(core: CoreKit): Promise<void> {
  await core.kit.emulator.control("requests", undefined, "DELETE");
}

export const count = (requests: LoggedRequest[], operation: string) => requests.filter((r) => r.operation === operation).length;

/** A page of the SDK against the emulator. */
export function page(core: CoreKit, pool: CorePool, options: Partial<AuthOptions> = {}): Auth {
  return createAuth({ identityPoolId: pool.poolId, endpoint: core.url, crossTab: false, ...options });
}

/** The identity pool's entry for a user-pool app client (`CognitoIdentityProviders` of {@link newPool}'s input). */
export function userPoolProvider(userPoolId: string, clientId: string): { ProviderName: string; ClientId: string } {
  return { ProviderName: `cognito-idp.${userPoolId.slice(0, userPoolId.indexOf("_"))}.amazonaws.com/${userPoolId}`, ClientId: clientId };
}

let sdkDatabase: UseStore | undefined;

/**
 * Everything `createAuth`'s default storage keeps for one identity pool, by key, read straight from
 * (fake) IndexedDB: the database and object store the SDK's IndexedDB store opens.
 */
export async function storedFor(identityPoolId: string): Promise<Record<string, unknown>> {
  sdkDatabase ??= createStore("cognito-idpool", "kv");
  const prefix = `cognito-idpool:${identityPoolId}:`;
  return Object.fromEntries((await entries(sdkDatabase)).filter(([key]) => String(key).startsWith(prefix)).map(([key, value]) => [String(key), value]));
}

/** The login map of the local issuer for `sub`, as a function minting a fresh ID token on every call. */
export function oidcLogin(core: CoreKit, sub: string, issuedAt?: () => number): Record<string, () => Promise<string>> {
  return { [core.issuer.loginKey]: () => core.issuer.mint({ sub, aud: OIDC_CLIENT_ID }, issuedAt ? { issuedAt: issuedAt() } : {}) };
}
