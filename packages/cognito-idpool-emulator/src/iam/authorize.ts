import type { Principal } from "../core/credentials.js";
import type { EmulatorState } from "../state.js";
import { evaluatePolicies, type Decision, type PolicyDocument } from "../policy/index.js";
import { findRoleByArn } from "./state.js";

/**
 * IAM authorization of a signed call: the root credential may do anything; credentials the emulator
 * issued may do what their role's inline policies allow, evaluated with the session's condition
 * keys (so `${cognito-identity.amazonaws.com:sub}` works here too).
 */
export function decide(state: EmulatorState, principal: Principal | undefined, action: string, resource: string): Decision {
  if (!principal || principal.kind === "root") return "Allow";
  const { credentials } = principal;
  const role = findRoleByArn(state.iam, credentials.roleArn);
  if (!role) return "ImplicitDeny";
  const policies = Object.values(role.Policies).map((text) => JSON.parse(text) as PolicyDocument);
  return evaluatePolicies(policies, { action, resource, context: credentials.context });
}

/** AWS's wording for a refused call, naming who asked, for what, and why. */
export function deniedMessage(principal: Principal | undefined, action: string, resource: string, decision: Decision): string {
  const who = principal?.kind === "temporary" ? principal.credentials.assumedRoleArn : (principal?.arn ?? "anonymous");
  const why =
    decision === "ExplicitDeny" ? "with an explicit deny in an identity-based policy" : `because no identity-based policy allows the ${action} action`;
  return `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}
