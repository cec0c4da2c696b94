/**
 * JSON with object keys sorted (by UTF-16 code units) at every level and `undefined` members left
 * out, so two values that differ only in key order serialize alike; functions and symbols become
 * `null`, as inside a JSON array. Callers bound the nesting depth first.
 */
export function canonicalJson(value: unknown): string {
  // Fast path: a key-sorted copy handed to the native JSON.stringify, measured about twice as fast
  // as concatenating the text in JavaScript (exstream hashes this for every event without an id).
  // Objects list integer-like keys first whatever the insertion order, so a value with a key that
  // starts with a digit is written by the slower concatenation instead.
  const copy = sortedCopy(value);
  if (copy !== DIGIT_KEY) return JSON.stringify(copy) ?? 'null';
  return appendCanonical('', value);
}

const DIGIT_KEY: unique symbol = Symbol('digit key');

function sortedCopy(value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') return null;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedCopy(value[i]);
      if (item === DIGIT_KEY) return DIGIT_KEY;
      items[i] = item;
    }
    return items;
  }
  const record = value as Record<string, unknown>;
  const keys = sortKeys(Object.keys(record));
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const first = key.charCodeAt(0);
    if (first >= 48 && first <= 57) return DIGIT_KEY;
    const member = record[key];
    if (member === undefined) continue;
    const item = sortedCopy(member);
    if (item === DIGIT_KEY) return DIGIT_KEY;
    if (key === '__proto__') {
      // An own `__proto__` key (JSON.parse makes one) must stay data, not become the prototype.
      Object.defineProperty(copy, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = item;
    }
  }
  return copy;
}

// Insertion sort for the handful of keys most objects have (`<` compares code units, as
// Array#sort does); Array#sort beyond that, since insertion sort is quadratic and a payload
// may hold tens of thousands of keys.
const INSERTION_SORT_KEYS = 16;

function sortKeys(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_KEYS) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function appendCanonical(out: string, value: unknown): string {
  if (typeof value === 'function' || typeof value === 'symbol') return out + 'null';
  if (value === null || typeof value !== 'object') return out + (JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) {
    out += '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out = appendCanonical(out, value[i]);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = sortKeys(Object.keys(record));
  out += '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':';
    first = false;
    out = appendCanonical(out, item);
  }
  return out + '}';
}
