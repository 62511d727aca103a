import { AwsError } from "../core/errors.js";

/**
 * Reading and checking query-protocol parameters (IAM, STS). Params arrive flat
 * (`ClientIDList.member.1`); constraint violations are collected and reported together in Coral's
 * shape (`2 validation errors detected: …; …`) with camelCase member names, as IAM and STS do.
 */
export type QueryParams = Record<string, string>;

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  /** Tested against the whole value. */
  pattern?: RegExp;
  /** The pattern as AWS prints it in the message. */
  patternText?: string;
}

export interface IntegerRule {
  min?: number;
  max?: number;
}

export class QueryInput {
  private readonly violations: string[] = [];

  constructor(readonly params: QueryParams) {}

  string(name: string, rule: StringRule, member = camel(name)): string | undefined {
    const value = this.params[name];
    if (value === undefined) {
      if (rule.required) this.violations.push(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    this.checkString(value, member, rule);
    return value;
  }

  integer(name: string, rule: IntegerRule): number | undefined {
    const text = this.params[name];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) {
      throw new AwsError("ValidationError", `Invalid value for parameter ${name}: ${text} is not an integer.`);
    }
    const member = camel(name);
    if (rule.min !== undefined && value < rule.min) this.fail(text, member, `Member must have value greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && value > rule.max) this.fail(text, member, `Member must have value less than or equal to ${rule.max}`);
    return value;
  }

  /** `Name.member.1`, `Name.member.2`, … in order; each item checked against `item`. */
  list(name: string, item: StringRule, limits: { min?: number; max?: number; required?: boolean } = {}): string[] | undefined {
    const items: string[] = [];
    for (let i = 1; this.params[`${name}.member.${i}`] !== undefined; i++) items.push(this.params[`${name}.member.${i}`]!);
    // The query protocol sends an empty list as the bare name with an empty value.
    const present = items.length > 0 || this.params[name] !== undefined;
    const member = camel(name);
    if (!present) {
      if (limits.required) this.violations.push(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    const shown = `[${items.join(", ")}]`;
    if (limits.min !== undefined && items.length < limits.min) this.fail(shown, member, `Member must have length greater than or equal to ${limits.min}`);
    if (limits.max !== undefined && items.length > limits.max) this.fail(shown, member, `Member must have length less than or equal to ${limits.max}`);
    items.forEach((value, index) => this.checkString(value, `${member}.${index + 1}.member`, item));
    return items;
  }

  /** `Tags.member.N.Key` / `.Value`. */
  tags(): { Key: string; Value: string }[] | undefined {
    const tags: { Key: string; Value: string }[] = [];
    for (let i = 1; this.params[`Tags.member.${i}.Key`] !== undefined; i++) {
      const Key = this.params[`Tags.member.${i}.Key`]!;
      const Value = this.params[`Tags.member.${i}.Value`] ?? "";
      this.checkString(Key, `tags.${i}.member.key`, {
        min: 1,
        max: 128,
        pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
        patternText: "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
      });
      this.checkString(Value, `tags.${i}.member.value`, { min: 0, max: 256 });
      tags.push({ Key, Value });
    }
    if (tags.length > 50) this.fail(`[${tags.length} tags]`, "tags", "Member must have length less than or equal to 50");
    return tags.length ? tags : undefined;
  }

  /** Throws the collected violations as one `ValidationError`, if there are any. */
  done(): void {
    const n = this.violations.length;
    if (n === 0) return;
    throw new AwsError("ValidationError", `${n} validation error${n === 1 ? "" : "s"} detected: ${this.violations.join("; ")}`);
  }

  private checkString(value: string, member: string, rule: StringRule): void {
    const length = [...value].length;
    if (rule.min !== undefined && length < rule.min) this.fail(value, member, `Member must have length greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && length > rule.max) this.fail(value, member, `Member must have length less than or equal to ${rule.max}`);
    if (rule.pattern && !rule.pattern.test(value)) {
      this.fail(value, member, `Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`);
    }
  }

  private fail(value: string, member: string, constraint: string): void {
    this.violations.push(`Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
  }
}

/** `RoleName` → `roleName`, `ClientIDList` → `clientIDList`: how Coral names members in messages. */
function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Timestamps in query-protocol XML: ISO 8601 in UTC, as IAM and STS print them. */
export function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}
