import { BlockList, isIP } from "node:net";
import { matchesArn, matchesWildcard } from "./patterns.js";
import { plainText, substitute, verbatim, type ContextLookup, type Pattern } from "./variables.js";
import { own } from "../core/records.js";

/** Compares one request value with one policy value. Negated operators reuse their positive comparison. */
type Compare = (actual: string, expected: Pattern) => boolean;

interface OperatorSpec {
  compare: Compare;
  /** `StringNotEquals`, `ArnNotLike`, …: true when no policy value matches. */
  negated: boolean;
  /** Whether policy variables are substituted in the values (string and ARN operators only). */
  variables: boolean;
}

const stringEquals: Compare = (a, e) => a === plainText(e);
const stringEqualsIgnoreCase: Compare = (a, e) => a.toLowerCase() === plainText(e).toLowerCase();
const stringLike: Compare = (a, e) => matchesWildcard(e, a);
const arnLike: Compare = (a, e) => matchesArn(e, a);
const bool: Compare = (a, e) => a.toLowerCase() === plainText(e).toLowerCase();
const binaryEquals: Compare = (a, e) => a === plainText(e);

function numeric(test: (a: number, e: number) => boolean): Compare {
  return (a, e) => {
    const x = parseNumber(a);
    const y = parseNumber(plainText(e));
    return x !== undefined && y !== undefined && test(x, y);
  };
}

function date(test: (a: number, e: number) => boolean): Compare {
  return (a, e) => {
    const x = parseDate(a);
    const y = parseDate(plainText(e));
    return x !== undefined && y !== undefined && test(x, y);
  };
}

const ipAddress: Compare = (a, e) => {
  const family = isIP(a);
  if (!family) return false;
  const [net, bits] = plainText(e).split("/");
  const netFamily = isIP(net ?? "");
  if (!netFamily || netFamily !== family) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  list.addSubnet(net!, prefix, type);
  return list.check(a, type);
};

const eq = (a: number, e: number) => a === e;
const lt = (a: number, e: number) => a < e;
const le = (a: number, e: number) => a <= e;
const gt = (a: number, e: number) => a > e;
const ge = (a: number, e: number) => a >= e;

/** Every condition operator IAM has except the Null check, by lower-case name. */
const OPERATORS: Record<string, OperatorSpec> = Object.fromEntries(
  (
    [
      ["StringEquals", stringEquals, false, true],
      ["StringNotEquals", stringEquals, true, true],
      ["StringEqualsIgnoreCase", stringEqualsIgnoreCase, false, true],
      ["StringNotEqualsIgnoreCase", stringEqualsIgnoreCase, true, true],
      ["StringLike", stringLike, false, true],
      ["StringNotLike", stringLike, true, true],
      ["NumericEquals", numeric(eq), false, false],
      ["NumericNotEquals", numeric(eq), true, false],
      ["NumericLessThan", numeric(lt), false, false],
      ["NumericLessThanEquals", numeric(le), false, false],
      ["NumericGreaterThan", numeric(gt), false, false],
      ["NumericGreaterThanEquals", numeric(ge), false, false],
      ["DateEquals", date(eq), false, false],
      ["DateNotEquals", date(eq), true, false],
      ["DateLessThan", date(lt), false, false],
      ["DateLessThanEquals", date(le), false, false],
      ["DateGreaterThan", date(gt), false, false],
      ["DateGreaterThanEquals", date(ge), false, false],
      ["Bool", bool, false, false],
      ["BinaryEquals", binaryEquals, false, false],
      ["IpAddress", ipAddress, false, false],
      ["NotIpAddress", ipAddress, true, false],
      // IAM documents ArnEquals as ArnLike: both take wildcards.
      ["ArnEquals", arnLike, false, true],
      ["ArnLike", arnLike, false, true],
      ["ArnNotEquals", arnLike, true, true],
      ["ArnNotLike", arnLike, true, true],
    ] as const
  ).map(([name, compare, negated, variables]) => [name.toLowerCase(), { compare, negated, variables }]),
);

export interface ConditionOperator {
  /** As written in the policy, for messages. */
  name: string;
  set?: "ForAnyValue" | "ForAllValues";
  ifExists: boolean;
  /** Undefined for the Null check. */
  spec?: OperatorSpec;
}

/** Parses `ForAnyValue:StringLikeIfExists` and friends; undefined when IAM would not know the operator. */
export function parseOperator(name: string): ConditionOperator | undefined {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/i.exec(name);
  if (!m) return undefined;
  const set = m[1] ? (m[1].toLowerCase() === "foranyvalue" ? "ForAnyValue" : "ForAllValues") : undefined;
  const ifExists = m[3] !== undefined;
  const base = m[2]!.toLowerCase();
  if (base === "null") return set || ifExists ? undefined : { name, ifExists: false };
  const spec = own(OPERATORS, base);
  return spec ? { name, set, ifExists, spec } : undefined;
}

export interface Condition {
  operator: ConditionOperator;
  key: string;
  /** Policy values as strings (IAM accepts `true` and `3` unquoted). */
  values: string[];
}

/**
 * Evaluates one condition against the request context, as the IAM condition documentation states:
 * a missing key fails a condition, except for negated operators, `…IfExists` and `ForAllValues`;
 * several policy values are ORed (NORed for negated operators); a multi-valued request key needs a
 * set operator, and without one the condition does not match.
 */
export function conditionHolds(condition: Condition, lookup: ContextLookup, variables: ContextLookup | undefined): boolean {
  const { operator, key, values } = condition;
  const raw = lookup(key);
  const actual = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const present = actual.length > 0;

  if (!operator.spec) {
    const wanted = present ? "false" : "true";
    return values.some((v) => v.toLowerCase() === wanted);
  }
  const spec = operator.spec;
  const expected = values.map((v) => (spec.variables ? substitute(v, variables) : verbatim(v))).filter((p): p is Pattern => p !== undefined);
  const holdsFor = (value: string): boolean => {
    const matched = expected.some((e) => spec.compare(value, e));
    return spec.negated ? !matched : matched;
  };

  if (!present && operator.ifExists) return true;
  switch (operator.set) {
    case "ForAnyValue":
      return actual.some(holdsFor);
    case "ForAllValues":
      return actual.every(holdsFor);
    default:
      if (!present) return spec.negated;
      if (Array.isArray(raw)) return false;
      return holdsFor(actual[0]!);
  }
}

function parseNumber(text: string): number | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

/** ISO 8601 dates and times, or epoch seconds (both forms IAM documents for Date operators). */
function parseDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}
