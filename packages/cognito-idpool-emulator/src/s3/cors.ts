import { AwsError } from "../core/errors.js";
import type { EmulatorRequest, EmulatorResponse } from "../core/types.js";
import { invalidRequest, malformedXml } from "./errors.js";
import type { CorsRule } from "./state.js";
import { el, list, parseXmlBody, text } from "./xml.js";

/** Bucket CORS as S3 does it: PutBucketCors validation, preflight answers and headers on actual responses. */

const METHODS = new Set(["GET", "PUT", "HEAD", "POST", "DELETE"]);
const MAX_RULES = 100;
const VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";
const RULE_ELEMENTS = new Set(["ID", "AllowedMethod", "AllowedOrigin", "AllowedHeader", "ExposeHeader", "MaxAgeSeconds"]);

/** Reads a PutBucketCors body. Structure errors are MalformedXML; bad values InvalidRequest, as S3 answers. */
export function parseCorsXml(body: Buffer): CorsRule[] {
  const root = parseXmlBody(body, "CORSConfiguration");
  for (const name of Object.keys(root)) if (name !== "CORSRule" && !isNamespace(name)) throw malformedXml();
  const raw = list(root["CORSRule"]);
  if (raw.length === 0 || raw.length > MAX_RULES) throw malformedXml();
  const rules = raw.map((item): CorsRule => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw malformedXml();
    const fields = item as Record<string, unknown>;
    for (const name of Object.keys(fields)) if (!RULE_ELEMENTS.has(name)) throw malformedXml();
    const rule: CorsRule = { AllowedMethods: list(fields["AllowedMethod"]).map(text), AllowedOrigins: list(fields["AllowedOrigin"]).map(text) };
    if (rule.AllowedMethods.length === 0 || rule.AllowedOrigins.length === 0) throw malformedXml();
    const id = single(fields["ID"]);
    if (id !== undefined) {
      if (id.length > 255) throw malformedXml();
      rule.ID = id;
    }
    const headers = list(fields["AllowedHeader"]).map(text);
    if (headers.length) rule.AllowedHeaders = headers;
    const expose = list(fields["ExposeHeader"]).map(text);
    if (expose.length) rule.ExposeHeaders = expose;
    const maxAge = single(fields["MaxAgeSeconds"]);
    if (maxAge !== undefined) {
      if (!/^\d+$/.test(maxAge) || Number(maxAge) > 2 ** 31 - 1) throw malformedXml();
      rule.MaxAgeSeconds = Number(maxAge);
    }
    return rule;
  });
  checkCorsRules(rules);
  return rules;
}

const isNamespace = (name: string) => name === "xmlns" || name.startsWith("xmlns:");

function single(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw malformedXml();
  return text(value);
}

/** The value checks S3 makes after the structure (InvalidRequest with S3's messages). */
export function checkCorsRules(rules: CorsRule[]): void {
  for (const rule of rules) {
    for (const method of rule.AllowedMethods) {
      if (!METHODS.has(method)) throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
    }
    for (const origin of rule.AllowedOrigins) {
      if (wildcards(origin) > 1) throw invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    }
    for (const header of rule.AllowedHeaders ?? []) {
      if (wildcards(header) > 1) throw invalidRequest(`AllowedHeader "${header}" can not have more than one wildcard.`);
    }
    for (const header of rule.ExposeHeaders ?? []) {
      if (header.includes("*")) throw invalidRequest(`ExposeHeader "${header}" contains wildcard. We currently do not support wildcard for ExposeHeader.`);
    }
  }
}

const wildcards = (text: string) => text.split("*").length - 1;

/** GetBucketCors's body, elements in S3's order. */
export function corsXml(rules: CorsRule[]): string {
  return rules
    .map((rule) => {
      let inner = el("ID", rule.ID);
      inner += rule.AllowedMethods.map((m) => el("AllowedMethod", m)).join("");
      inner += rule.AllowedOrigins.map((o) => el("AllowedOrigin", o)).join("");
      inner += (rule.AllowedHeaders ?? []).map((h) => el("AllowedHeader", h)).join("");
      inner += el("MaxAgeSeconds", rule.MaxAgeSeconds);
      inner += (rule.ExposeHeaders ?? []).map((h) => el("ExposeHeader", h)).join("");
      return `<CORSRule>${inner}</CORSRule>`;
    })
    .join("");
}

/** One `*` matches any run of characters; the rest is compared as text. */
function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const star = pattern.indexOf("*");
  const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

interface CorsMatch {
  rule: CorsRule;
  allowOrigin: string;
}

/** The first rule that allows this origin and method (and, for a preflight, every requested header). */
function matchRule(rules: CorsRule[], origin: string, method: string, requestHeaders: string[] = []): CorsMatch | undefined {
  for (const rule of rules) {
    if (!rule.AllowedMethods.includes(method)) continue;
    if (!rule.AllowedOrigins.some((o) => wildcardMatch(o, origin))) continue;
    const allowed = (rule.AllowedHeaders ?? []).map((h) => h.trim());
    if (!requestHeaders.every((h) => allowed.some((a) => wildcardMatch(a, h, true)))) continue;
    return { rule, allowOrigin: rule.AllowedOrigins.includes("*") ? "*" : origin };
  }
  return undefined;
}

function ruleHeaders(match: CorsMatch, requestHeaders: string[]): Record<string, string> {
  const { rule, allowOrigin } = match;
  const headers: Record<string, string> = {
    "access-control-allow-origin": allowOrigin,
    "access-control-allow-methods": rule.AllowedMethods.join(", "),
  };
  if (requestHeaders.length) headers["access-control-allow-headers"] = requestHeaders.join(", ");
  if (rule.ExposeHeaders?.length) headers["access-control-expose-headers"] = rule.ExposeHeaders.join(", ");
  if (rule.MaxAgeSeconds !== undefined) headers["access-control-max-age"] = String(rule.MaxAgeSeconds);
  if (allowOrigin !== "*") headers["access-control-allow-credentials"] = "true";
  headers["vary"] = VARY;
  return headers;
}

/** Answers an OPTIONS preflight from the bucket's rules (no signature: browsers send none). */
export function preflight(request: EmulatorRequest, rules: CorsRule[] | undefined, bucketExists: boolean, isObject: boolean): EmulatorResponse {
  const origin = request.headers["origin"];
  if (!origin) throw new AwsError("BadRequest", "Insufficient information. Origin request header needed.", 400);
  const method = request.headers["access-control-request-method"];
  if (method === undefined || !METHODS.has(method)) throw new AwsError("BadRequest", `Invalid Access-Control-Request-Method: ${method ?? "null"}`, 400);
  const details = { Method: method, ResourceType: isObject ? "OBJECT" : "BUCKET" };
  if (!bucketExists) throw new AwsError("AccessForbidden", "CORSResponse: Bucket not found", 403, details);
  if (!rules) throw new AwsError("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", 403, details);
  const requestHeaders = (request.headers["access-control-request-headers"] ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const match = matchRule(rules, origin, method, requestHeaders);
  if (!match) {
    throw new AwsError(
      "AccessForbidden",
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      403,
      details,
    );
  }
  return { status: 200, headers: ruleHeaders(match, requestHeaders) };
}

/** Headers for an actual (non-preflight) response, errors included, when its Origin matches a rule. */
export function corsHeaders(request: EmulatorRequest, rules: CorsRule[] | undefined): Record<string, string> {
  const origin = request.headers["origin"];
  if (!origin || !rules) return {};
  const match = matchRule(rules, origin, request.method);
  return match ? ruleHeaders(match, []) : {};
}
