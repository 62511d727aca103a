import { AwsError } from "../core/errors.js";
import type { PasswordPolicy } from "./state.js";

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
};

/** The special characters Cognito counts as symbols (its documented list, plus the space). */
const SYMBOLS = new Set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ");

/**
 * Why a password breaks the pool's policy, in Cognito's words, or undefined when it conforms.
 * Length is checked first, then the character classes.
 */
function policyViolation(policy: PasswordPolicy, password: string): string | undefined {
  if ([...password].length < policy.MinimumLength) return "Password not long enough";
  if (policy.RequireLowercase && !/[a-z]/.test(password)) return "Password must have lowercase characters";
  if (policy.RequireUppercase && !/[A-Z]/.test(password)) return "Password must have uppercase characters";
  if (policy.RequireNumbers && !/[0-9]/.test(password)) return "Password must have numeric characters";
  if (policy.RequireSymbols && ![...password].some((c) => SYMBOLS.has(c))) return "Password must have symbol characters";
  return undefined;
}

/**
 * Throws InvalidPasswordException. Cognito words it two ways: SignUp says "did not conform with",
 * every other operation that sets a password (admin ones, ConfirmForgotPassword,
 * NEW_PASSWORD_REQUIRED, ChangePassword) says "does not conform to".
 */
export function enforcePasswordPolicy(policy: PasswordPolicy, password: string, operation: "SignUp" | "other" = "other"): void {
  const violation = policyViolation(policy, password);
  if (!violation) return;
  const lead = operation === "SignUp" ? "Password did not conform with policy" : "Password does not conform to policy";
  throw new AwsError("InvalidPasswordException", `${lead}: ${violation}`);
}
