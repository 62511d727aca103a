import type { ServiceContext } from "../service.js";
import { deleteIdentity, describeIdentity, requireIdentity } from "./identities.js";
import { paginate } from "./pagination.js";
import { regionOf, requirePool } from "./pools.js";
import { bool, IDENTITY_ID, IDENTITY_POOL_ID, list, MAX_RESULTS, NEXT_TOKEN, struct, validate } from "./validate.js";

const DESCRIBE = struct({ IdentityId: IDENTITY_ID }, ["IdentityId"]);
const LIST = struct({ IdentityPoolId: IDENTITY_POOL_ID, MaxResults: MAX_RESULTS, NextToken: NEXT_TOKEN, HideDisabled: bool }, ["IdentityPoolId", "MaxResults"]);
const DELETE = struct({ IdentityIdsToDelete: list(IDENTITY_ID, 1, 60) }, ["IdentityIdsToDelete"]);

/** Signed administration of identities. Disabled (merged-away) identities stay listed unless HideDisabled. */
export const identityAdminOperations = {
  DescribeIdentity(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityId } = validate<{ IdentityId: string }>(input, DESCRIBE);
    ctx.log.identityId = IdentityId;
    return describeIdentity(requireIdentity(ctx, IdentityId).identity);
  },

  ListIdentities(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId, MaxResults, NextToken, HideDisabled } = validate<{
      IdentityPoolId: string;
      MaxResults: number;
      NextToken?: string;
      HideDisabled?: boolean;
    }>(input, LIST);
    requirePool(ctx, IdentityPoolId);
    const identities = Object.values(ctx.state.cognitoIdentity.identities).filter((i) => i.IdentityPoolId === IdentityPoolId && !(HideDisabled && i.disabled));
    const { page, nextToken } = paginate(identities, (i) => [i.CreationDate, i.IdentityId], MaxResults, NextToken);
    return { IdentityPoolId, Identities: page.map(describeIdentity), NextToken: nextToken };
  },

  /** Unknown ids are accepted silently (the model has no ResourceNotFound here); none ever fails. */
  DeleteIdentities(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityIdsToDelete } = validate<{ IdentityIdsToDelete: string[] }>(input, DELETE);
    for (const id of IdentityIdsToDelete) if (regionOf(id) === ctx.region) deleteIdentity(ctx.state.cognitoIdentity, id);
    return { UnprocessedIdentityIds: [] };
  },
};
