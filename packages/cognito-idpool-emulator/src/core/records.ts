/**
 * `record[key]` for an own property only. State maps are plain objects keyed by ids and names that
 * callers choose, so a key such as `constructor` or `__proto__` must find nothing rather than
 * something inherited from Object.prototype.
 */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
