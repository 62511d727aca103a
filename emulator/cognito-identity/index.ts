import type { JsonService } from "../core/types.js";
import type { SeedContext } from "../seed.js";

/** Seed entry for an identity pool: CreateIdentityPool's input plus roles. STUB: owned by the identity-pool work. */
export interface IdentityPoolSeed {
  IdentityPoolId?: string;
  IdentityPoolName: string;
  AllowUnauthenticatedIdentities: boolean;
  [key: string]: unknown;
}

export const cognitoIdentityService: JsonService = {
  service: "cognito-identity",
  targetPrefix: "AWSCognitoIdentityService",
  operations: {},
};

export async function seedIdentityPools(seeds: IdentityPoolSeed[], _ctx: SeedContext): Promise<{ id: string; name: string }[]> {
  if (seeds.length) throw new Error("identity pools are not implemented yet");
  return [];
}
