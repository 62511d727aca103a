/**
 * Policy variables (`${aws:username}`, `${cognito-identity.amazonaws.com:sub}`, `${key, 'default'}`)
 * and the escapes `${*}`, `${?}`, `${$}`. A substituted string becomes a list of pieces so that a `*`
 * that came from a value or an escape never acts as a wildcard.
 */

export interface Piece {
  text: string;
  /** True for text from a variable, a default or an escape: its `*` and `?` match only themselves. */
  literal: boolean;
}
export type Pattern = Piece[];

/** Returns a context value by key (keys are case-insensitive in IAM). */
export type ContextLookup = (key: string) => string | string[] | undefined;

const ESCAPES = new Set(["*", "?", "$"]);

/** The policy text unchanged, for policies whose version has no variables (2008-10-17). */
export function verbatim(text: string): Pattern {
  return [{ text, literal: false }];
}

/**
 * Substitutes the variables in `text`. Returns undefined when a variable has no single value and no
 * default — IAM then lets the element match nothing. Multi-valued keys (`:amr`) cannot be variables.
 * Without `lookup` (policy version 2008-10-17) `${…}` is plain text, as in IAM.
 */
export function substitute(text: string, lookup: ContextLookup | undefined): Pattern | undefined {
  if (!lookup || !text.includes("${")) return verbatim(text);
  const pieces: Pattern = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf("${", i);
    if (start < 0) {
      pieces.push({ text: text.slice(i), literal: false });
      break;
    }
    if (start > i) pieces.push({ text: text.slice(i, start), literal: false });
    const parsed = parseVariable(text, start + 2);
    if (!parsed) {
      // Not a well-formed variable: IAM leaves the characters as they are.
      pieces.push({ text: "${", literal: false });
      i = start + 2;
      continue;
    }
    i = parsed.end;
    if (parsed.fallback === undefined && ESCAPES.has(parsed.key)) {
      pieces.push({ text: parsed.key, literal: true });
      continue;
    }
    const value = lookup(parsed.key);
    if (typeof value === "string") pieces.push({ text: value, literal: true });
    else if (parsed.fallback !== undefined) pieces.push({ text: parsed.fallback, literal: true });
    else return undefined;
  }
  return pieces;
}

/** Parses `key}` or `key, 'default'}` from `from`; quotes in a default are doubled (`''`). */
function parseVariable(text: string, from: number): { key: string; fallback?: string; end: number } | undefined {
  let i = from;
  while (i < text.length && !",}'".includes(text[i]!)) i++;
  const key = text.slice(from, i).trim();
  if (!key || /\s/.test(key) || i >= text.length || text[i] === "'") return undefined;
  if (text[i] === "}") return { key, end: i + 1 };
  i = skipSpaces(text, i + 1);
  if (text[i] !== "'") return undefined;
  let fallback = "";
  i++;
  for (;;) {
    if (i >= text.length) return undefined;
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        fallback += "'";
        i += 2;
        continue;
      }
      break;
    }
    fallback += text[i++];
  }
  i = skipSpaces(text, i + 1);
  return text[i] === "}" ? { key, fallback, end: i + 1 } : undefined;
}

function skipSpaces(text: string, i: number): number {
  while (text[i] === " ") i++;
  return i;
}

/** The pattern's text with escapes and values resolved (for operators without wildcards). */
export function plainText(pattern: Pattern): string {
  return pattern.map((p) => p.text).join("");
}
