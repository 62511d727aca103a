import { AwsError } from "../core/errors.js";
import type { EmulatorState } from "../state.js";
import { findRoleByArn, type IamRole } from "../iam/state.js";
import { evaluatePolicies, type PolicyDocument } from "../policy/index.js";
import type { VerifiedLogin } from "./logins.js";
import { COGNITO_LOGIN_KEY } from "./openid-token.js";
import { mappedPrincipalTags } from "./principal-tags.js";
import type { IdentityPoolRecord, MappingRule, RoleMapping } from "./state.js";

export const invalidConfiguration = () =>
  new AwsError("InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration. Check assigned IAM roles for this pool.");
/** AWS's message. [INF] The error type that carries it was not captured; NotAuthorizedException is our choice. */
const ambiguousDenied = () => new AwsError("NotAuthorizedException", "The ambiguous role mapping rules denied this request.");

/**
 * The role for a call, resolved as Cognito does: guests get the unauthenticated role;
 * users get the role mapping of the first login that has one (Token: `cognito:roles` /
 * `cognito:preferred_role`; Rules: first matching rule), else the authenticated role. A
 * CustomRoleArn only matters where a mapping offers a choice; elsewhere it is ignored.
 * A SAML login without a role mapping takes its role from the assertion (see {@link fromSamlRoles}).
 */
export function resolveRole(pool: IdentityPoolRecord, logins: VerifiedLogin[], customRoleArn: string | undefined): string {
  if (logins.length === 0) return pool.Roles["unauthenticated"] ?? throwError(invalidConfiguration());
  for (const login of logins) {
    for (const key of login.mappingKeys) {
      const mapping = pool.RoleMappings?.[key];
      if (mapping) return fromMapping(pool, mapping, login.claims, customRoleArn);
    }
    if (login.samlRoles?.length) return fromSamlRoles(login.samlRoles, customRoleArn);
  }
  return pool.Roles["authenticated"] ?? throwError(invalidConfiguration());
}

function fromMapping(pool: IdentityPoolRecord, mapping: RoleMapping, claims: Record<string, unknown>, customRoleArn: string | undefined): string {
  let chosen: string | undefined;
  if (mapping.Type === "Token") {
    const allowed = claimValues(claims["cognito:roles"]).flatMap((v) => v.split(","));
    const preferred = claims["cognito:preferred_role"];
    if (customRoleArn !== undefined) chosen = allowed.includes(customRoleArn) ? customRoleArn : undefined;
    else if (typeof preferred === "string" && preferred !== "") chosen = preferred;
  } else {
    const matching = (mapping.RulesConfiguration?.Rules ?? []).filter((rule) => ruleMatches(rule, claims[rule.Claim]));
    chosen = customRoleArn !== undefined ? matching.find((r) => r.RoleARN === customRoleArn)?.RoleARN : matching[0]?.RoleARN;
  }
  if (chosen !== undefined) return chosen;
  if (mapping.AmbiguousRoleResolution === "AuthenticatedRole") return pool.Roles["authenticated"] ?? throwError(invalidConfiguration());
  throw ambiguousDenied();
}

/**
 * The IdP decides which roles a SAML user may have (the `https://aws.amazon.com/SAML/Attributes/Role`
 * pairs): CustomRoleArn picks one of them, and must be one of them; a single role needs no choice;
 * several roles and no choice cannot be resolved, which AWS refuses like an ambiguous mapping.
 */
function fromSamlRoles(roles: string[], customRoleArn: string | undefined): string {
  if (customRoleArn !== undefined) {
    if (roles.includes(customRoleArn)) return customRoleArn;
    throw ambiguousDenied();
  }
  if (roles.length === 1) return roles[0]!;
  throw ambiguousDenied();
}

/** Rule matching on a claim; array claims (e.g. `cognito:groups`) match when any element does. */
function ruleMatches(rule: MappingRule, claim: unknown): boolean {
  const values = claimValues(claim);
  if (rule.MatchType === "NotEqual") return values.length > 0 && values.every((v) => v !== rule.Value);
  return values.some((v) =>
    rule.MatchType === "Equals" ? v === rule.Value : rule.MatchType === "StartsWith" ? v.startsWith(rule.Value) : v.includes(rule.Value),
  );
}

function claimValues(claim: unknown): string[] {
  if (claim === undefined || claim === null) return [];
  return (Array.isArray(claim) ? claim : [claim]).filter((v) => v !== null && typeof v !== "object").map(String);
}

/**
 * The policy context (`cognito-identity.amazonaws.com:sub`, `:aud`, `:amr`, principal tags) of
 * credentials for an identity. Principal tags come from the developer's token, and from the claims
 * (SAML: attributes) of logins whose provider has a principal-tag attribute map.
 */
export function sessionContext(pool: IdentityPoolRecord, identityId: string, logins: VerifiedLogin[]): Record<string, string | string[]> {
  const poolId = pool.IdentityPoolId;
  const amr = logins.length === 0 ? ["unauthenticated"] : ["authenticated", ...new Set(logins.flatMap((l) => l.amr))];
  const context: Record<string, string | string[]> = {
    "cognito-identity.amazonaws.com:sub": identityId,
    "cognito-identity.amazonaws.com:aud": poolId,
    "cognito-identity.amazonaws.com:amr": amr,
  };
  Object.assign(context, mappedPrincipalTags(pool, logins));
  Object.assign(context, principalTagContext(logins.find((l) => l.provider === COGNITO_LOGIN_KEY)?.claims));
  return context;
}

/** `aws:PrincipalTag/<key>` entries from the tags claim GetOpenIdTokenForDeveloperIdentity puts in its token. */
export function principalTagContext(claims: Record<string, unknown> | undefined): Record<string, string> {
  const tags = (claims?.["https://aws.amazon.com/tags"] as { principal_tags?: Record<string, unknown> } | undefined)?.principal_tags ?? {};
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string") context[`aws:PrincipalTag/${key}`] = first;
  }
  return context;
}

const PRINCIPAL_TAG = "aws:PrincipalTag/";

/** The principal tags of a session context, tag key → value. */
export function principalTagsOf(context: Record<string, string | string[]>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(context)) {
    if (key.startsWith(PRINCIPAL_TAG) && typeof value === "string") tags[key.slice(PRINCIPAL_TAG.length)] = value;
  }
  return tags;
}

/**
 * Whether STS would let this web identity assume the role: the role exists and its trust policy
 * allows `sts:AssumeRoleWithWebIdentity` for the federated principal with these condition keys.
 * A session that carries principal tags also needs `sts:TagSession`, as STS asks of any tagged session.
 */
export function trustAllows(state: EmulatorState, roleArn: string, federated: string, context: Record<string, string | string[]>): IamRole | undefined {
  const role = findRoleByArn(state.iam, roleArn);
  if (!role) return undefined;
  let trust: PolicyDocument;
  try {
    trust = JSON.parse(role.AssumeRolePolicyDocument) as PolicyDocument;
  } catch {
    return undefined;
  }
  const allows = (action: string) => evaluatePolicies([trust], { action, resource: role.Arn, context, principal: { Federated: federated } }) === "Allow";
  if (!allows("sts:AssumeRoleWithWebIdentity")) return undefined;
  if (Object.keys(principalTagsOf(context)).length > 0 && !allows("sts:TagSession")) return undefined;
  return role;
}

function throwError(error: AwsError): never {
  throw error;
}
