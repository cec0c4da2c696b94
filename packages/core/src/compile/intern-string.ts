/**
 * The same string as V8 keeps it in its string table (internalised). Strings parsed from YAML are
 * not; comparing two internalised strings is a pointer comparison, and writing one as a property
 * key needs no table lookup, so the compiler interns the literals the hot path compares and the
 * keys it writes. Non-strings pass through unchanged.
 */
export function internString<T>(value: T): T {
  if (typeof value !== 'string') return value;
  let interned = cache.get(value);
  if (interned === undefined) {
    interned = Object.keys({ [value]: true })[0]!;
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(value, interned);
  }
  return interned as T;
}

/** Rule sets repeat the same few hundred literals; bounded so reloads cannot grow it forever. */
const MAX_CACHED = 100_000;
const cache = new Map<string, string>();
