import type { PolicyPrincipal } from "./types.js";

/** A `Principal`/`NotPrincipal` element: `"*"` or principal type → values. */
export type PrincipalSpec = "*" | Partial<Record<PrincipalType, string[]>>;
export type PrincipalType = "AWS" | "Federated" | "Service" | "CanonicalUser";
export const PRINCIPAL_TYPES: readonly PrincipalType[] = ["AWS", "Federated", "Service", "CanonicalUser"];

/**
 * Whether the caller is one of the principals an element names. `{"AWS": "*"}` is the same as `"*"`
 * (IAM documents them as equivalent); an account id or `arn:aws:iam::<account>:root` names every
 * principal of that account; a role ARN also names that role's sessions (`assumed-role/<name>/…`).
 */
export function principalMatches(spec: PrincipalSpec, who: PolicyPrincipal): boolean {
  if (spec === "*") return true;
  if (spec.AWS?.includes("*")) return true;
  if (who.Federated !== undefined && spec.Federated?.includes(who.Federated)) return true;
  if (who.Service !== undefined && spec.Service?.includes(who.Service)) return true;
  const arn = who.AWS;
  return arn !== undefined && (spec.AWS ?? []).some((value) => awsPrincipalMatches(value, arn));
}

function awsPrincipalMatches(value: string, arn: string): boolean {
  if (value === arn) return true;
  const account = arn.split(":")[4];
  if (value === account || value === `arn:aws:iam::${account}:root`) return true;
  const role = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(value);
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return !!role && !!session && role[1] === session[1] && role[2] === session[2];
}
