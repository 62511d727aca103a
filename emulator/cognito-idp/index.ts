import { AwsError } from "../core/errors.js";
import type { EmulatorState } from "../core/state.js";
import type { EmulatorResponse, JsonService, ServiceContext } from "../core/types.js";
import type { SeedContext } from "../seed.js";

/** Seed entry for a user pool. STUB: owned by the user-pool work. */
export interface UserPoolSeed {
  Id?: string;
  PoolName: string;
  [key: string]: unknown;
}

export const cognitoIdpService: JsonService = {
  service: "cognito-idp",
  targetPrefix: "AWSCognitoIdentityProviderService",
  operations: {},
};

export function serveUserPoolWellKnown(poolId: string, _file: string, _ctx: ServiceContext): EmulatorResponse {
  throw new AwsError("ResourceNotFoundException", `User pool ${poolId} does not exist.`);
}

export function lastCodeSent(_state: EmulatorState, _poolId: string, _username: string): { code: string; kind: string } | undefined {
  return undefined;
}

/**
 * The public keys (JWKS) a user pool signs its tokens with, for the identity-pool side to verify
 * user-pool ID tokens in process (their issuer is https://cognito-idp.<region>.amazonaws.com/…,
 * which the emulator cannot fetch). undefined when the pool does not exist.
 */
export function userPoolJwks(_state: EmulatorState, _userPoolId: string): { keys: Record<string, unknown>[] } | undefined {
  return undefined;
}

/** The app client ids of a user pool (an identity pool's CognitoIdentityProviders name them). */
export function userPoolClientIds(_state: EmulatorState, _userPoolId: string): string[] {
  return [];
}

/**
 * ServerSideTokenCheck: is a verified ID token still good at the user pool? `signed-out` after
 * GlobalSignOut (tokens issued before it), `user-deleted` when the user is gone.
 */
export function userPoolTokenStatus(_state: EmulatorState, _userPoolId: string, _claims: Record<string, unknown>): "valid" | "signed-out" | "user-deleted" | "disabled" {
  return "valid";
}

export async function seedUserPools(seeds: UserPoolSeed[], _ctx: SeedContext): Promise<{ id: string; name: string; clients: { id: string; name: string }[] }[]> {
  if (seeds.length) throw new Error("user pools are not implemented yet");
  return [];
}
