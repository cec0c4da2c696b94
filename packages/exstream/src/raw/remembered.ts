/** Distinct keys a remembered function keeps; keys beyond it are worked out each time. */
const MAX_REMEMBERED = 256;
/** Keys are payload text: longer ones are not kept, so memory stays small whatever arrives. */
const MAX_REMEMBERED_KEY_LENGTH = 64;

/**
 * `answer`, remembering the answers for the first 256 distinct keys of up to 64 characters: a
 * stream repeats a handful of schema types, statuses and channel names, and their answers cost
 * regular expressions and string copies. `answer` must be pure.
 */
export function remembered<T>(answer: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    if (known.has(key)) return known.get(key) as T;
    const value = answer(key);
    if (known.size < MAX_REMEMBERED && key.length <= MAX_REMEMBERED_KEY_LENGTH) {
      known.set(key, value);
    }
    return value;
  };
}
