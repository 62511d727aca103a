import type { Pattern } from "./variables.js";

/**
 * Wildcard matching as IAM does it: `*` is any run of characters, `?` exactly one.
 * In ARN mode (Resource, ArnLike) the first five colon-separated segments are matched separately,
 * except that a `*` ending a segment may run past colons, as the IAM Resource documentation says.
 */
export function wildcardRegExp(pattern: Pattern, options: { ignoreCase?: boolean; arn?: boolean } = {}): RegExp {
  const chars: { ch: string; literal: boolean }[] = [];
  for (const piece of pattern) for (const ch of piece.text) chars.push({ ch, literal: piece.literal });
  let source = "";
  let segment = 0;
  chars.forEach(({ ch, literal }, index) => {
    const bounded = options.arn === true && segment < 5;
    if (!literal && ch === "*") {
      const next = chars[index + 1]?.ch;
      source += bounded && next !== undefined && next !== ":" ? "[^:]*" : ".*";
    } else if (!literal && ch === "?") {
      source += bounded ? "[^:]" : ".";
    } else {
      if (ch === ":") segment++;
      source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
    }
  });
  return new RegExp(`^${source}$`, options.ignoreCase ? "isu" : "su");
}

export function matchesWildcard(pattern: Pattern, value: string, ignoreCase = false): boolean {
  return wildcardRegExp(pattern, { ignoreCase }).test(value);
}

export function matchesArn(pattern: Pattern, value: string): boolean {
  return wildcardRegExp(pattern, { arn: true }).test(value);
}
