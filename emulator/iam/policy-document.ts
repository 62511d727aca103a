import { AwsError } from "../core/errors.js";

/**
 * The grammar checks IAM applies when a policy is stored, so a seed or test with a broken policy
 * fails at CreateRole / PutRolePolicy (as on AWS) rather than as a puzzling AccessDenied later.
 * Evaluation itself lives in emulator/policy. Messages are IAM's where known; the per-field ones
 * ("Missing required field …") are our wording in IAM's style.
 */
export type PolicyKind = "trust" | "identity";

export function checkPolicyDocument(text: string, kind: PolicyKind): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformed("This policy contains invalid Json");
  }
  if (!isObject(parsed)) throw malformed("Syntax errors in policy.");
  const version = parsed["Version"];
  if (version !== undefined && version !== "2012-10-17" && version !== "2008-10-17") throw malformed("The policy failed legacy parsing");
  const statement = parsed["Statement"];
  const statements = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  if (statements.length === 0) throw malformed("Syntax errors in policy.");
  for (const s of statements) {
    if (!isObject(s)) throw malformed("Syntax errors in policy.");
    if (s["Effect"] !== "Allow" && s["Effect"] !== "Deny") throw malformed(s["Effect"] === undefined ? "Missing required field Effect" : `Invalid effect: ${String(s["Effect"])}`);
    if (s["Action"] === undefined && s["NotAction"] === undefined) throw malformed("Missing required field Action");
    const hasPrincipal = s["Principal"] !== undefined || s["NotPrincipal"] !== undefined;
    if (kind === "identity" && hasPrincipal) throw malformed("Policy document should not specify a principal.");
    if (kind === "trust" && !hasPrincipal) throw malformed("Missing required field Principal");
    if (kind === "identity" && s["Resource"] === undefined && s["NotResource"] === undefined) throw malformed("Missing required field Resource");
  }
}

/** Seeds may give a policy as an object; the API takes JSON text. */
export function policyText(document: unknown): string {
  return typeof document === "string" ? document : JSON.stringify(document);
}

function malformed(message: string): AwsError {
  return new AwsError("MalformedPolicyDocument", message, 400);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
