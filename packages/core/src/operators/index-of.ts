/**
 * `haystack.indexOf(needle)` as json-rules-engine calls it, for arrays and strings (a string
 * haystack is a substring test there); `undefined` where it would throw a TypeError.
 */
export function indexOfIn(haystack: unknown, needle: unknown): number | undefined {
  if (Array.isArray(haystack)) return haystack.indexOf(needle);
  if (typeof haystack === 'string') return haystack.indexOf(needle as string);
  return undefined;
}
