import { issueCredentials } from "../core/credentials.js";
import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { commit, forbidden, ownerOf, planResolution, requireIdentity, unlink } from "./identities.js";
import { verifyLogins } from "./logins.js";
import { COGNITO_LOGIN_KEY, issueOpenIdToken } from "./openid-token.js";
import { requirePool } from "./pools.js";
import { invalidConfiguration, principalTagsOf, resolveRole, sessionContext, trustAllows } from "./roles.js";
import { ARN, IDENTITY_ID, IDENTITY_POOL_ID, list, LOGINS, str, struct, validate } from "./validate.js";

/** GetOpenIdToken's tokens live ten minutes, as AWS documents. */
const OPEN_ID_TOKEN_SECONDS = 600;
/** Session name Cognito uses when it assumes the role for GetCredentialsForIdentity (seen in CloudTrail as the assumed-role ARN's last part). */
const SESSION_NAME = "CognitoIdentityCredentials";

const GET_ID = struct({ AccountId: str({ min: 1, max: 15, pattern: /^\d+$/, patternText: "\\d+" }), IdentityPoolId: IDENTITY_POOL_ID, Logins: LOGINS }, [
  "IdentityPoolId",
]);
const GET_CREDENTIALS = struct({ IdentityId: IDENTITY_ID, Logins: LOGINS, CustomRoleArn: ARN }, ["IdentityId"]);
const GET_OPEN_ID_TOKEN = struct({ IdentityId: IDENTITY_ID, Logins: LOGINS }, ["IdentityId"]);
const UNLINK = struct({ IdentityId: IDENTITY_ID, Logins: LOGINS, LoginsToRemove: list(str({ min: 1, max: 128 })) }, ["IdentityId", "Logins", "LoginsToRemove"]);

/** The four operations AWS serves unsigned: the device side of identity pools. */
export const enhancedFlowOperations = {
  async GetId(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityPoolId, Logins } = validate<{ IdentityPoolId: string; Logins?: Record<string, string> }>(input, GET_ID);
    const pool = requirePool(ctx, IdentityPoolId);
    // The emulator's own OpenID token proves an identity the caller already knows, so AWS takes it
    // only with that IdentityId (GetCredentialsForIdentity, GetOpenIdToken), never to look one up.
    if (Logins && Object.hasOwn(Logins, COGNITO_LOGIN_KEY)) throw new AwsError("NotAuthorizedException", "Invalid login token. Can't pass in a Cognito token.");
    const logins = await verifyLogins(ctx, pool, Logins ?? {});
    const plan = planResolution(ctx.state.cognitoIdentity, pool, undefined, logins);
    commit(ctx.state.cognitoIdentity, plan, ctx.clock.now());
    ctx.log.identityId = plan.identityId;
    return { IdentityId: plan.identityId };
  },

  async GetCredentialsForIdentity(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityId, Logins, CustomRoleArn } = validate<{ IdentityId: string; Logins?: Record<string, string>; CustomRoleArn?: string }>(
      input,
      GET_CREDENTIALS,
    );
    ctx.log.identityId = IdentityId;
    const { identity, pool } = requireIdentity(ctx, IdentityId);
    const logins = await verifyLogins(ctx, pool, Logins ?? {});
    const slice = ctx.state.cognitoIdentity;
    const plan = planResolution(slice, pool, identity, logins);
    const roleArn = resolveRole(pool, logins, CustomRoleArn);
    const context = sessionContext(pool, plan.identityId, logins);
    // Cognito assumes the role through STS; a trust policy that refuses surfaces as a pool misconfiguration.
    if (!trustAllows(ctx.state, roleArn, "cognito-identity.amazonaws.com", context)) throw invalidConfiguration();
    commit(slice, plan, ctx.clock.now());
    const credentials = issueCredentials(ctx.state, ctx.clock, {
      roleArn,
      sessionName: SESSION_NAME,
      lifetimeSeconds: ctx.runtime.credentialLifetimeSeconds ?? 3600,
      context,
    });
    ctx.log.identityId = plan.identityId;
    return {
      IdentityId: plan.identityId,
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration / 1000,
      },
    };
  },

  async GetOpenIdToken(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityId, Logins } = validate<{ IdentityId: string; Logins?: Record<string, string> }>(input, GET_OPEN_ID_TOKEN);
    ctx.log.identityId = IdentityId;
    const { identity, pool } = requireIdentity(ctx, IdentityId);
    // A pool created without AllowClassicFlow allows it (an AWS quirk); only an explicit false refuses.
    if (pool.AllowClassicFlow === false) throw new AwsError("InvalidParameterException", "Basic (classic) flow is not enabled, please use enhanced flow.");
    if (pool.RoleMappings && Object.keys(pool.RoleMappings).length) {
      throw new AwsError("InvalidParameterException", "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.");
    }
    const logins = await verifyLogins(ctx, pool, Logins ?? {});
    // AWS documents SAML identities as enhanced-flow only: the role comes from the assertion, which STS never sees here.
    if (logins.some((l) => l.samlRoles !== undefined)) {
      throw new AwsError("InvalidParameterException", "Basic (classic) flow is not supported with SAML identity providers, please use enhanced flow.");
    }
    const slice = ctx.state.cognitoIdentity;
    const plan = planResolution(slice, pool, identity, logins);
    commit(slice, plan, ctx.clock.now());
    const context = sessionContext(pool, plan.identityId, logins);
    // The token carries the mapped principal tags, so AssumeRoleWithWebIdentity tags the session as the enhanced flow would.
    const token = await issueOpenIdToken(slice, ctx.clock, {
      identityId: plan.identityId,
      poolId: pool.IdentityPoolId,
      amr: context["cognito-identity.amazonaws.com:amr"] as string[],
      lifetimeSeconds: OPEN_ID_TOKEN_SECONDS,
      principalTags: principalTagsOf(context),
    });
    ctx.log.identityId = plan.identityId;
    return { IdentityId: plan.identityId, Token: token };
  },

  async UnlinkIdentity(input: Record<string, unknown>, ctx: ServiceContext) {
    const { IdentityId, Logins, LoginsToRemove } = validate<{ IdentityId: string; Logins: Record<string, string>; LoginsToRemove: string[] }>(input, UNLINK);
    ctx.log.identityId = IdentityId;
    const { identity, pool } = requireIdentity(ctx, IdentityId);
    if (identity.disabled) throw forbidden(IdentityId);
    const logins = await verifyLogins(ctx, pool, Logins);
    const slice = ctx.state.cognitoIdentity;
    if (!logins.some((login) => ownerOf(slice, pool, login) === IdentityId)) {
      throw new AwsError("NotAuthorizedException", "Logins don't match. Please include at least one valid login for this identity or identity pool.");
    }
    for (const provider of LoginsToRemove) {
      if (provider === pool.DeveloperProviderName || provider === COGNITO_LOGIN_KEY) {
        throw new AwsError(
          "InvalidParameterException",
          `Developer-authenticated logins are removed with UnlinkDeveloperIdentity, not ${provider} in LoginsToRemove.`,
        );
      }
      if (!identity.logins.some((l) => l.provider === provider))
        throw new AwsError("InvalidParameterException", `Login ${provider} is not linked to identity '${IdentityId}'.`);
    }
    unlink(slice, identity, (l) => LoginsToRemove.includes(l.provider), ctx.clock.now());
    return {};
  },
};
