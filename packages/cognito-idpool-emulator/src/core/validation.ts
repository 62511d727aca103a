import { AwsError } from "./errors.js";

/**
 * AWS's services (Coral, the framework behind Cognito, IAM and STS) check input members against
 * the service model and report every violation of one request in one message:
 *
 *   `2 validation errors detected: Value 'x' at 'userPoolId' failed to satisfy constraint: …; Value null at …`
 *
 * This module is the one place that message is written. Each protocol's input reader collects
 * into a {@link Violations} and throws with the error code its service uses (ValidationException,
 * InvalidParameterException, ValidationError).
 */
export class Violations {
  private readonly found: string[] = [];

  /** A member whose value breaks `constraint` (see {@link constraint}); `path` as {@link memberPath} writes it. */
  add(value: unknown, path: string, constraint: string): void {
    this.found.push(`Value '${showValue(value)}' at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  /** A required member that is absent or null. */
  missing(path: string): void {
    this.found.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  }

  get count(): number {
    return this.found.length;
  }

  /** One AwsError of type `errorType` carrying every violation; undefined when there is none. */
  error(errorType: string): AwsError | undefined {
    const n = this.found.length;
    return n === 0 ? undefined : new AwsError(errorType, `${n} validation error${n === 1 ? "" : "s"} detected: ${this.found.join("; ")}`);
  }

  /** Throws {@link error} when there is any violation. */
  throwIfAny(errorType: string): void {
    const error = this.error(errorType);
    if (error) throw error;
  }
}

/** The constraint texts of the service models, worded as AWS words them. */
export const constraint = {
  minLength: (min: number) => `Member must have length greater than or equal to ${min}`,
  maxLength: (max: number) => `Member must have length less than or equal to ${max}`,
  minValue: (min: number) => `Member must have value greater than or equal to ${min}`,
  maxValue: (max: number) => `Member must have value less than or equal to ${max}`,
  /** `patternText` as the service model prints it (not necessarily the RegExp the emulator tests with). */
  pattern: (patternText: string) => `Member must satisfy regular expression pattern: ${patternText}`,
  oneOf: (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(", ")}]`,
};

/** A single violation as an error, for checks made outside an input reader. */
export function validationError(errorType: string, value: unknown, path: string, violated: string): AwsError {
  const violations = new Violations();
  violations.add(value, path, violated);
  return violations.error(errorType)!;
}

/**
 * How Coral names a member in these messages: lower-case first letter (`UserPoolId` → `userPoolId`,
 * `ClientIDList` → `clientIDList`), nested members joined with dots (`policies.passwordPolicy`).
 */
export function memberPath(parent: string, member: string): string {
  const name = member.charAt(0).toLowerCase() + member.slice(1);
  return parent ? `${parent}.${name}` : name;
}

/** Java's rendering, as Coral prints values: lists `[a, b]`, maps `{k=v}`, everything else as text. */
export function showValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(showValue).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${showValue(v)}`)
      .join(", ")}}`;
  }
  return String(value);
}
