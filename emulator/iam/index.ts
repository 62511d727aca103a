import type { QueryService } from "../core/types.js";
import type { SeedContext } from "../seed.js";

/** STUB: owned by the IAM/STS work. */
export interface RoleSeed {
  RoleName: string;
  AssumeRolePolicyDocument: unknown;
  Policies?: Record<string, unknown>;
}
export interface OidcProviderSeed {
  Url: string;
  ClientIDList: string[];
}

export const iamService: QueryService = {
  service: "iam",
  xmlns: "https://iam.amazonaws.com/doc/2010-05-08/",
  operations: {},
};

export async function seedIam(roles: RoleSeed[], providers: OidcProviderSeed[], _ctx: SeedContext): Promise<string[]> {
  if (roles.length || providers.length) throw new Error("IAM is not implemented yet");
  return [];
}
