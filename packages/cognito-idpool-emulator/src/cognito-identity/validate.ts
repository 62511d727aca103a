import { AwsError } from "../core/errors.js";

/**
 * Input checking for the awsJson operations, answering as Coral does: wrong JSON types are a
 * SerializationException; every constraint violation (missing member, length, pattern, range,
 * enum, collection size) is collected and reported in one ValidationException —
 * `N validation error(s) detected: Value '<v>' at '<camelCaseMember>' failed to satisfy constraint: …`.
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
  const violations: string[] = [];
  checkStruct(input, shape, "", violations);
  const n = violations.length;
  if (n > 0) throw new AwsError("ValidationException", `${n} validation error${n === 1 ? "" : "s"} detected: ${violations.join("; ")}`);
  return input as T;
}

function checkStruct(value: Record<string, unknown>, shape: StructRule, path: string, out: string[]): void {
  for (const name of shape.required ?? []) {
    if (value[name] === undefined || value[name] === null)
      out.push(`Value null at '${join(path, name)}' failed to satisfy constraint: Member must not be null`);
  }
  for (const [name, rule] of Object.entries(shape.members)) {
    const member = value[name];
    if (member === undefined || member === null) continue;
    check(member, rule, join(path, name), name, out);
  }
}

function check(value: unknown, rule: Rule, path: string, name: string, out: string[]): void {
  switch (rule.kind) {
    case "string":
      if (typeof value !== "string") throw typeError(name, "a string");
      for (const constraint of stringViolations(value, rule)) out.push(violation(value, path, constraint));
      return;
    case "boolean":
      if (typeof value !== "boolean") throw typeError(name, "a boolean");
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) throw typeError(name, "an integer");
      if (rule.min !== undefined && value < rule.min) out.push(violation(value, path, `Member must have value greater than or equal to ${rule.min}`));
      if (rule.max !== undefined && value > rule.max) out.push(violation(value, path, `Member must have value less than or equal to ${rule.max}`));
      return;
    case "list": {
      if (!Array.isArray(value)) throw typeError(name, "a list");
      if (rule.min !== undefined && value.length < rule.min) out.push(violation(value, path, `Member must have length greater than or equal to ${rule.min}`));
      if (rule.max !== undefined && value.length > rule.max) out.push(violation(value, path, `Member must have length less than or equal to ${rule.max}`));
      value.forEach((item, i) => {
        if (item === null || item === undefined) throw typeError(name, "a list without null items");
        check(item, rule.item, `${path}.${i + 1}.member`, name, out);
      });
      return;
    }
    case "map": {
      if (!isObject(value)) throw typeError(name, "a map");
      const entries = Object.entries(value);
      if (rule.max !== undefined && entries.length > rule.max) out.push(violation(value, path, `Member must have length less than or equal to ${rule.max}`));
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
      if (keyProblems.size) out.push(violation(value, path, `Map keys must satisfy constraint: [${[...keyProblems].join(", ")}]`));
      if (valueProblems.size) out.push(violation(value, path, `Map value must satisfy constraint: [${[...valueProblems].join(", ")}]`));
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
  if (rule.min !== undefined && length < rule.min) found.push(`Member must have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && length > rule.max) found.push(`Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(value)) found.push(`Member must satisfy regular expression pattern: ${rule.patternText ?? rule.pattern.source}`);
  if (rule.values && !rule.values.includes(value)) found.push(`Member must satisfy enum value set: [${rule.values.join(", ")}]`);
  return found;
}

function violation(value: unknown, path: string, constraint: string): string {
  return `Value '${show(value)}' at '${path}' failed to satisfy constraint: ${constraint}`;
}

/** Java-style rendering, as Coral prints values: maps `{k=v}`, lists `[a, b]`. */
function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (isObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${show(v)}`)
      .join(", ")}}`;
  return String(value);
}

function join(path: string, name: string): string {
  const camel = name.charAt(0).toLowerCase() + name.slice(1);
  return path ? `${path}.${camel}` : camel;
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
