import { AwsError } from "../core/errors.js";
import { policyProblem } from "../policy/index.js";

/**
 * IAM refuses to store a policy it could not evaluate, so a seed or test with a broken policy fails
 * at CreateRole / PutRolePolicy (as on AWS) rather than as a puzzling AccessDenied later. The grammar
 * is the evaluator's own (emulator/policy), so what IAM accepts is exactly what gets evaluated.
 */
export type PolicyKind = "trust" | "identity";

export function checkPolicyDocument(text: string, kind: PolicyKind): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsError("MalformedPolicyDocument", "This policy contains invalid Json", 400);
  }
  const problem = policyProblem(parsed, kind === "trust" ? "resource" : "identity");
  if (problem) throw new AwsError("MalformedPolicyDocument", problem, 400);
}

/** Seeds may give a policy as an object; the API takes JSON text. */
export function policyText(document: unknown): string {
  return typeof document === "string" ? document : JSON.stringify(document);
}
