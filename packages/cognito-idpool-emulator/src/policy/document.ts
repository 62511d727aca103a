import { parseOperator, type Condition } from "./conditions.js";
import { PRINCIPAL_TYPES, type PrincipalSpec, type PrincipalType } from "./principal.js";

/**
 * Checks a policy document's grammar the way IAM does when it stores one, and turns it into
 * statements ready to evaluate. A document IAM would refuse comes back as a problem text instead.
 */

/** `identity`: attached to a role or user (needs Resource, no Principal). `resource`: trust and bucket policies (need Principal). */
export type PolicyKind = "identity" | "resource";

export interface Statement {
  effect: "Allow" | "Deny";
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  conditions: Condition[];
}

export interface ParsedPolicy {
  /** Only version 2012-10-17 has policy variables; in older documents `${…}` is plain text. */
  variables: boolean;
  statements: Statement[];
}

export type ParseResult = { ok: true; policy: ParsedPolicy } | { ok: false; problem: string };

const DOCUMENT_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);
const VERSIONS = new Set(["2012-10-17", "2008-10-17"]);

class Problem extends Error {}

export function parsePolicy(document: unknown, kind?: PolicyKind): ParseResult {
  try {
    return { ok: true, policy: parseDocument(document, kind) };
  } catch (error) {
    if (error instanceof Problem) return { ok: false, problem: error.message };
    throw error;
  }
}

function parseDocument(document: unknown, kind: PolicyKind | undefined): ParsedPolicy {
  if (!isObject(document)) throw new Problem("The policy document must be a JSON object.");
  for (const key of Object.keys(document)) if (!DOCUMENT_KEYS.has(key)) throw new Problem(`Unknown policy element ${key}.`);
  const version = document["Version"];
  if (version !== undefined && (typeof version !== "string" || !VERSIONS.has(version))) {
    throw new Problem(`The policy Version ${JSON.stringify(version)} is not 2012-10-17 or 2008-10-17.`);
  }
  const raw = document["Statement"];
  if (raw === undefined) throw new Problem("Missing required field Statement.");
  const list = Array.isArray(raw) ? raw : [raw];
  // IAM refuses a policy with no statements (it would grant nothing, so it is taken for a mistake).
  if (list.length === 0) throw new Problem("Syntax errors in policy.");
  return { variables: version === "2012-10-17", statements: list.map((s, i) => parseStatement(s, i, kind)) };
}

function parseStatement(raw: unknown, index: number, kind: PolicyKind | undefined): Statement {
  const where = `Statement ${index + 1}`;
  if (!isObject(raw)) throw new Problem(`${where} must be a JSON object.`);
  for (const key of Object.keys(raw)) if (!STATEMENT_KEYS.has(key)) throw new Problem(`${where}: unknown element ${key}.`);
  const effect = raw["Effect"];
  if (effect !== "Allow" && effect !== "Deny") throw new Problem(`${where}: Effect must be "Allow" or "Deny".`);

  const statement: Statement = { effect, conditions: parseConditions(raw["Condition"], where) };
  const action = exclusive(raw, "Action", "NotAction", where, true);
  for (const a of action.values) {
    if (a !== "*" && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$/.test(a)) throw new Problem(`${where}: Action ${JSON.stringify(a)} is not "service:action" or "*".`);
  }
  statement[action.negated ? "notAction" : "action"] = action.values;

  const resource = exclusive(raw, "Resource", "NotResource", where, kind === "identity");
  if (resource.present) statement[resource.negated ? "notResource" : "resource"] = resource.values;

  const hasPrincipal = raw["Principal"] !== undefined || raw["NotPrincipal"] !== undefined;
  if (kind === "identity" && hasPrincipal) throw new Problem(`${where}: identity policies cannot have Principal or NotPrincipal.`);
  if (kind === "resource" && !hasPrincipal) throw new Problem(`${where}: missing required field Principal.`);
  if (raw["Principal"] !== undefined && raw["NotPrincipal"] !== undefined) throw new Problem(`${where}: Principal and NotPrincipal cannot both be present.`);
  if (raw["Principal"] !== undefined) statement.principal = parsePrincipal(raw["Principal"], where);
  if (raw["NotPrincipal"] !== undefined) statement.notPrincipal = parsePrincipal(raw["NotPrincipal"], where);
  return statement;
}

/** Exactly one (or, when optional, at most one) of `name`/`notName`, as a non-empty list of strings. */
function exclusive(raw: Record<string, unknown>, name: string, notName: string, where: string, required: boolean) {
  const plain = raw[name];
  const negated = raw[notName];
  if (plain !== undefined && negated !== undefined) throw new Problem(`${where}: ${name} and ${notName} cannot both be present.`);
  if (plain === undefined && negated === undefined) {
    if (required) throw new Problem(`${where}: missing required field ${name}.`);
    return { present: false, negated: false, values: [] as string[] };
  }
  const isNegated = negated !== undefined;
  return { present: true, negated: isNegated, values: stringList(isNegated ? negated : plain, `${where}: ${isNegated ? notName : name}`) };
}

function parsePrincipal(raw: unknown, where: string): PrincipalSpec {
  if (raw === "*") return "*";
  if (!isObject(raw) || Object.keys(raw).length === 0) throw new Problem(`${where}: Principal must be "*" or an object such as {"Federated": "…"}.`);
  const spec: Partial<Record<PrincipalType, string[]>> = {};
  for (const [type, values] of Object.entries(raw)) {
    if (!(PRINCIPAL_TYPES as readonly string[]).includes(type)) throw new Problem(`${where}: unknown principal type ${type}.`);
    spec[type as PrincipalType] = stringList(values, `${where}: Principal ${type}`);
  }
  return spec;
}

function parseConditions(raw: unknown, where: string): Condition[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw new Problem(`${where}: Condition must be a JSON object.`);
  const conditions: Condition[] = [];
  for (const [name, block] of Object.entries(raw)) {
    const operator = parseOperator(name);
    if (!operator) throw new Problem(`${where}: invalid condition operator ${name}.`);
    if (!isObject(block)) throw new Problem(`${where}: Condition ${name} must map keys to values.`);
    for (const [key, value] of Object.entries(block)) {
      const list = Array.isArray(value) ? value : [value];
      if (list.length === 0 || !list.every((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")) {
        throw new Problem(`${where}: Condition ${name} ${key} must be a string, number, boolean or a non-empty list of them.`);
      }
      conditions.push({ operator, key, values: list.map(String) });
    }
  }
  return conditions;
}

function stringList(value: unknown, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === "string")) throw new Problem(`${what} must be a string or a non-empty list of strings.`);
  return list as string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
