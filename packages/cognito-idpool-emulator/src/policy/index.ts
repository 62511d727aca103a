/**
 * IAM policy evaluation: identity policies for S3 requests, trust policies for role assumption.
 *
 * Written here rather than taken from npm: the only full evaluator, @cloud-copilot/iam-simulate, is
 * AGPL-3.0 (cannot ship in an MIT package) and 19 MB. This one covers what the emulator needs —
 * the grammar, Allow/Deny, wildcards, policy variables, Principal and the condition operators.
 */
import { conditionHolds } from "./conditions.js";
import { parsePolicy, type PolicyKind, type Statement } from "./document.js";
import { matchesArn, matchesWildcard } from "./patterns.js";
import { principalMatches } from "./principal.js";
import type { Decision, PolicyDocument, PolicyRequest } from "./types.js";
import { substitute, verbatim, type ContextLookup } from "./variables.js";

export type { Decision, PolicyDocument, PolicyPrincipal, PolicyRequest } from "./types.js";
export type { PolicyKind } from "./document.js";

/**
 * Evaluates policies the way IAM does: an explicit Deny wins, then any Allow, else implicit deny.
 *
 * With `request.principal` the documents are read as resource (trust) policies, whose statements
 * need a Principal; without it as identity policies, which need Resource and may not name a
 * Principal. A document IAM would have refused to store (see {@link policyProblem}) takes no part:
 * it neither allows nor denies, as it could never have been attached in AWS.
 */
export function evaluatePolicies(policies: PolicyDocument[], request: PolicyRequest): Decision {
  const kind: PolicyKind = request.principal ? "resource" : "identity";
  const lookup = contextLookup(request.context);
  let allowed = false;
  for (const document of policies) {
    const parsed = parsePolicy(document, kind);
    if (!parsed.ok) continue;
    const variables = parsed.policy.variables ? lookup : undefined;
    for (const statement of parsed.policy.statements) {
      if (!applies(statement, request, lookup, variables)) continue;
      if (statement.effect === "Deny") return "ExplicitDeny";
      allowed = true;
    }
  }
  return allowed ? "Allow" : "ImplicitDeny";
}

/**
 * Why IAM would refuse to store this document (MalformedPolicyDocument), or undefined if it is
 * well formed. `identity` for role and user policies, `resource` for trust policies.
 */
export function policyProblem(document: unknown, kind?: PolicyKind): string | undefined {
  const parsed = parsePolicy(document, kind);
  return parsed.ok ? undefined : parsed.problem;
}

function applies(statement: Statement, request: PolicyRequest, lookup: ContextLookup, variables: ContextLookup | undefined): boolean {
  if (statement.principal && !(request.principal && principalMatches(statement.principal, request.principal))) return false;
  if (statement.notPrincipal && (!request.principal || principalMatches(statement.notPrincipal, request.principal))) return false;

  const actionMatches = (list: string[]) => list.some((a) => matchesWildcard(verbatim(a), request.action, true));
  if (statement.action && !actionMatches(statement.action)) return false;
  if (statement.notAction && actionMatches(statement.notAction)) return false;

  const resourceMatches = (list: string[]) =>
    list.some((r) => {
      const pattern = substitute(r, variables);
      return pattern !== undefined && matchesArn(pattern, request.resource);
    });
  if (statement.resource && !resourceMatches(statement.resource)) return false;
  if (statement.notResource && resourceMatches(statement.notResource)) return false;

  return statement.conditions.every((c) => conditionHolds(c, lookup, variables));
}

/** Condition keys are case-insensitive in IAM. */
function contextLookup(context: Record<string, string | string[]>): ContextLookup {
  const byKey = new Map<string, string | string[]>();
  for (const [key, value] of Object.entries(context)) byKey.set(key.toLowerCase(), value);
  return (key) => byKey.get(key.toLowerCase());
}
