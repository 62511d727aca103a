import { AwsError } from "../core/errors.js";

/**
 * Stable pagination over items ordered by (creation time, id). The token names the last item
 * served, so deleting items between pages neither repeats nor skips the rest.
 */
export function paginate<T>(
  items: T[],
  position: (item: T) => [number, string],
  maxResults: number,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } {
  const sorted = [...items].sort((a, b) => compare(position(a), position(b)));
  let start = 0;
  if (nextToken !== undefined) {
    const after = decode(nextToken);
    start = sorted.findIndex((item) => compare(position(item), after) > 0);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + maxResults);
  if (start + maxResults >= sorted.length) return { page };
  return { page, nextToken: Buffer.from(JSON.stringify(position(page.at(-1)!))).toString("base64url") };
}

function compare([t1, id1]: [number, string], [t2, id2]: [number, string]): number {
  return t1 !== t2 ? t1 - t2 : id1 < id2 ? -1 : id1 > id2 ? 1 : 0;
}

function decode(token: string): [number, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && typeof parsed[0] === "number" && typeof parsed[1] === "string") return [parsed[0], parsed[1]];
  } catch {
    // reported below
  }
  throw new AwsError("InvalidParameterException", "The NextToken is not valid.");
}
