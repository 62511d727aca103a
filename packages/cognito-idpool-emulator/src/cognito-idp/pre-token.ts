import type { ServiceContext } from "../service.js";
import type { PoolUser, UserPool } from "./state.js";
import { groupClaims, type ClaimsOverride } from "./tokens.js";
import { eventAttributes, invokeTrigger, stringMap, unrecognizable } from "./triggers.js";

/** Where tokens are being minted, as the PreTokenGeneration event's triggerSource names it. */
export type TokenSource =
  | "TokenGeneration_Authentication"
  | "TokenGeneration_NewPasswordChallenge"
  | "TokenGeneration_RefreshTokens"
  /** A sign-in through managed login (hosted-ui/). */
  | "TokenGeneration_HostedAuth";

/**
 * Runs the pool's PreTokenGeneration trigger (V1_0 event) before tokens are signed and reads its
 * `claimsOverrideDetails`; undefined when the pool has no such trigger or it changes nothing.
 */
export async function preTokenGeneration(
  ctx: ServiceContext,
  pool: UserPool,
  clientId: string,
  user: PoolUser,
  source: TokenSource,
  clientMetadata: Record<string, string> | undefined,
): Promise<ClaimsOverride | undefined> {
  const groups = groupClaims(pool, user);
  const response = await invokeTrigger(ctx, pool, "PreTokenGeneration", {
    triggerSource: source,
    userName: user.Username,
    clientId,
    request: {
      userAttributes: eventAttributes(user),
      groupConfiguration: { groupsToOverride: groups.groups ?? [], iamRolesToOverride: groups.roles ?? [], preferredRole: groups.preferredRole ?? null },
      clientMetadata: clientMetadata ?? {},
    },
    response: { claimsOverrideDetails: null },
  });
  const details = response?.["claimsOverrideDetails"];
  if (details === undefined || details === null) return undefined;
  if (typeof details !== "object" || Array.isArray(details)) throw unrecognizable();
  const given = details as Record<string, unknown>;
  const suppress = given["claimsToSuppress"] ?? [];
  if (!Array.isArray(suppress) || suppress.some((c) => typeof c !== "string")) throw unrecognizable();
  const override: ClaimsOverride = { add: stringMap(given, "claimsToAddOrOverride") ?? {}, suppress: suppress as string[] };
  const groupDetails = given["groupOverrideDetails"];
  if (groupDetails !== undefined && groupDetails !== null) {
    if (typeof groupDetails !== "object" || Array.isArray(groupDetails)) throw unrecognizable();
    const { groupsToOverride, iamRolesToOverride, preferredRole } = groupDetails as Record<string, unknown>;
    const list = (value: unknown): string[] | undefined => {
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw unrecognizable();
      return value as string[];
    };
    if (preferredRole !== undefined && preferredRole !== null && typeof preferredRole !== "string") throw unrecognizable();
    const groupsList = list(groupsToOverride);
    const rolesList = list(iamRolesToOverride);
    override.groups = {
      ...(groupsList ? { groups: groupsList } : {}),
      ...(rolesList ? { roles: rolesList } : {}),
      ...(preferredRole !== undefined ? { preferredRole: preferredRole as string | null } : {}),
    };
  }
  return override;
}
