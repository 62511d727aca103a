import { ACCOUNT_ID } from "../core/account.js";
import type { XmlValue } from "../core/types.js";
import type { QueryService, ServiceContext } from "../service.js";
import { findRoleByArn } from "../iam/state.js";
import { assumeRoleWithWebIdentity } from "./web-identity.js";

export const stsService: QueryService = {
  service: "sts",
  xmlns: "https://sts.amazonaws.com/doc/2011-06-15/",
  operations: {
    // Unsigned on AWS too: the token is the credential.
    AssumeRoleWithWebIdentity: { auth: "none", handler: assumeRoleWithWebIdentity },
    GetCallerIdentity: { auth: "sigv4", handler: (_params, ctx) => callerIdentity(ctx) },
  },
};

/** Root answers as the account; issued credentials as their assumed role (`<RoleId>:<session>`). */
function callerIdentity(ctx: ServiceContext): XmlValue {
  const principal = ctx.principal!;
  if (principal.kind === "root") return { UserId: ACCOUNT_ID, Account: ACCOUNT_ID, Arn: principal.arn };
  const { credentials } = principal;
  const roleId = findRoleByArn(ctx.state.iam, credentials.roleArn)?.RoleId ?? credentials.roleArn;
  return { UserId: `${roleId}:${credentials.sessionName}`, Account: ACCOUNT_ID, Arn: credentials.assumedRoleArn };
}
