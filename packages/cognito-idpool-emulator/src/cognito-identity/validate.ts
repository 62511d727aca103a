import { AwsError } from "../core/errors.js";
import { constraint, memberPath, Violations } from "../core/validation.js";

/**
 * Input checking for the awsJson operations, answering as Coral does: wrong JSON types are a
 * SerializationException; every constraint violation (missing member, length, pattern, range,
 * enum, collection size) is collected and reported in one ValidationException, worded by
 * core/validation.ts.
 */
export type Rule = StringRule | BooleanRule | IntegerRule | ListRule | MapRule | StructRule;

export interface StringRule {
  kind: "string";
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** The pattern as AWS prints it. */
  patternText?: string;
  values?: readonly string[];
}
export interface BooleanRule {
  kind: "boolean";
}
export interface IntegerRule {
  kind: "integer";
  min?: number;
  max?: number;
}
export interface ListRule {
  kind: "list";
  item: Rule;
  min?: number;
  max?: number;
}
export interface MapRule {
  kind: "map";
  key: StringRule;
  value: Rule;
  max?: number;
}
export interface StructRule {
  kind: "struct";
  members: Record<string, Rule>;
  required?: readonly string[];
}

export const str = (rule: Omit<StringRule, "kind"> = {}): StringRule => ({ kind: "string", ...rule });
export const bool: BooleanRule = { kind: "boolean" };
export const int = (min?: number, max?: number): IntegerRule => ({ kind: "integer", min, max });
export const list = (item: Rule, min?: number, max?: number): ListRule => ({ kind: "list", item, min, max });
export const map = (key: StringRule, value: Rule, max?: number): MapRule => ({ kind: "map", key, value, max });
export const struct = (members: Record<string, Rule>, required: readonly string[] = []): StructRule => ({ kind: "struct", members, required });

/** Checks `input` against an operation's input shape; returns it typed, or throws the AWS error. */
export function validate<T>(input: Record<string, unknown>, shape: StructRule): T {
  const violations = new Violations();
  checkStruct(input, shape, "", violations);
  violations.throwIfAny("ValidationException");
  return input as T;
}

function checkStruct(value: Record<string, unknown>, shape: StructRule, path: string, out: Violations): void {
  for (const name of shape.required ?? []) {
    if (value[name] === undefined || value[name] === null) out.missing(memberPath(path, name));
  }
  for (const [name, rule] of Object.entries(shape.members)) {
    const member = value[name];
    if (member === undefined || member === null) continue;
    check(member, rule, memberPath(path, name), name, out);
  }
}

function check(value: unknown, rule: Rule, path: string, name: string, out: Violations): void {
  switch (rule.kind) {
    case "string":
      if (typeof value !== "string") throw typeError(name, "a string");
      for (const violated of stringViolations(value, rule)) out.add(value, path, violated);
      return;
    case "boolean":
      if (typeof value !== "boolean") throw typeError(name, "a boolean");
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) throw typeError(name, "an integer");
      if (rule.min !== undefined && value < rule.min) out.add(value, path, constraint.minValue(rule.min));
      if (rule.max !== undefined && value > rule.max) out.add(value, path, constraint.maxValue(rule.max));
      return;
    case "list": {
      if (!Array.isArray(value)) throw typeError(name, "a list");
      if (rule.min !== undefined && value.length < rule.min) out.add(value, path, constraint.minLength(rule.min));
      if (rule.max !== undefined && value.length > rule.max) out.add(value, path, constraint.maxLength(rule.max));
      value.forEach((item, i) => {
        if (item === null || item === undefined) throw typeError(name, "a list without null items");
        check(item, rule.item, `${path}.${i + 1}.member`, name, out);
      });
      return;
    }
    case "map": {
      if (!isObject(value)) throw typeError(name, "a map");
      const entries = Object.entries(value);
      if (rule.max !== undefined && entries.length > rule.max) out.add(value, path, constraint.maxLength(rule.max));
      const keyProblems = new Set<string>();
      const valueProblems = new Set<string>();
      for (const [key, item] of entries) {
        stringViolations(key, rule.key).forEach((c) => keyProblems.add(c));
        if (item === null || item === undefined) throw typeError(name, "a map without null values");
        if (rule.value.kind === "string") {
          if (typeof item !== "string") throw typeError(name, "a map of strings");
          stringViolations(item, rule.value).forEach((c) => valueProblems.add(c));
        } else check(item, rule.value, `${path}.${key}.member`, name, out);
      }
      if (keyProblems.size) out.add(value, path, `Map keys must satisfy constraint: [${[...keyProblems].join(", ")}]`);
      if (valueProblems.size) out.add(value, path, `Map value must satisfy constraint: [${[...valueProblems].join(", ")}]`);
      return;
    }
    case "struct":
      if (!isObject(value)) throw typeError(name, "a structure");
      return checkStruct(value, rule, path, out);
  }
}

function stringViolations(value: string, rule: StringRule): string[] {
  const found: string[] = [];
  const length = [...value].length;
  if (rule.min !== undefined && length < rule.min) found.push(constraint.minLength(rule.min));
  if (rule.max !== undefined && length > rule.max) found.push(constraint.maxLength(rule.max));
  if (rule.pattern && !rule.pattern.test(value)) found.push(constraint.pattern(rule.patternText ?? rule.pattern.source));
  if (rule.values && !rule.values.includes(value)) found.push(constraint.oneOf(rule.values));
  return found;
}

function typeError(member: string, expected: string): AwsError {
  return new AwsError("SerializationException", `Member '${member}' must be ${expected}.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---- shapes shared by several operations (service model constraints) ----

export const IDENTITY_ID = str({ min: 1, max: 55, pattern: /^[\w-]+:[0-9a-f-]+$/, patternText: "[\\w-]+:[0-9a-f-]+" });
export const IDENTITY_POOL_ID = IDENTITY_ID;
export const ARN = str({ min: 20, max: 2048 });
export const LOGINS = map(str({ min: 1, max: 128 }), str({ min: 1, max: 50000 }), 10);
export const MAX_RESULTS = int(1, 60);
export const NEXT_TOKEN = str({ min: 1, max: 65535, pattern: /^[\S]+$/, patternText: "[\\S]+" });
export const DEVELOPER_PROVIDER_NAME = str({ min: 1, max: 128, pattern: /^[\w._-]+$/, patternText: "[\\w._-]+" });
export const DEVELOPER_USER_IDENTIFIER = str({ min: 1, max: 1024 });
