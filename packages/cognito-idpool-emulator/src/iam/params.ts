import { AwsError } from "../core/errors.js";
import { constraint, memberPath, Violations } from "../core/validation.js";

/**
 * Reading and checking query-protocol parameters (IAM, STS). Params arrive flat
 * (`ClientIDList.member.1`); constraint violations are collected and reported together as one
 * ValidationError in Coral's message (written by core/validation.ts), as IAM and STS do.
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
  private readonly violations = new Violations();

  constructor(readonly params: QueryParams) {}

  string(name: string, rule: StringRule, member = memberPath("", name)): string | undefined {
    const value = this.params[name];
    if (value === undefined) {
      if (rule.required) this.violations.missing(member);
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
    const member = memberPath("", name);
    if (rule.min !== undefined && value < rule.min) this.violations.add(text, member, constraint.minValue(rule.min));
    if (rule.max !== undefined && value > rule.max) this.violations.add(text, member, constraint.maxValue(rule.max));
    return value;
  }

  /** `Name.member.1`, `Name.member.2`, … in order; each item checked against `item`. */
  list(name: string, item: StringRule, limits: { min?: number; max?: number; required?: boolean } = {}): string[] | undefined {
    const items: string[] = [];
    for (let i = 1; this.params[`${name}.member.${i}`] !== undefined; i++) items.push(this.params[`${name}.member.${i}`]!);
    // The query protocol sends an empty list as the bare name with an empty value.
    const present = items.length > 0 || this.params[name] !== undefined;
    const member = memberPath("", name);
    if (!present) {
      if (limits.required) this.violations.missing(member);
      return undefined;
    }
    const shown = `[${items.join(", ")}]`;
    if (limits.min !== undefined && items.length < limits.min) this.violations.add(shown, member, constraint.minLength(limits.min));
    if (limits.max !== undefined && items.length > limits.max) this.violations.add(shown, member, constraint.maxLength(limits.max));
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
    if (tags.length > 50) this.violations.add(`[${tags.length} tags]`, "tags", constraint.maxLength(50));
    return tags.length ? tags : undefined;
  }

  /** Throws the collected violations as one `ValidationError`, if there are any. */
  done(): void {
    this.violations.throwIfAny("ValidationError");
  }

  private checkString(value: string, member: string, rule: StringRule): void {
    const length = [...value].length;
    if (rule.min !== undefined && length < rule.min) this.violations.add(value, member, constraint.minLength(rule.min));
    if (rule.max !== undefined && length > rule.max) this.violations.add(value, member, constraint.maxLength(rule.max));
    if (rule.pattern && !rule.pattern.test(value)) this.violations.add(value, member, constraint.pattern(rule.patternText ?? rule.pattern.source));
  }
}

/** Timestamps in query-protocol XML: ISO 8601 in UTC, as IAM and STS print them. */
export function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}
