/**
 * Simple JSONPath (`$`, `.name`, `['name']`, `[0]`) parsing and resolution, shared by the loader,
 * the compiled router and the json-rules-engine reference so all three agree on what a path means.
 * Only own properties are read and prototype keys are refused, so a path can never reach
 * `Object.prototype` or execute code.
 */

/** One step of a parsed path: a property name or an array index. */
export type PathSegment = string | number;

/** Keys that are refused everywhere: in rule files, events and paths. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/**
 * True for a key in FORBIDDEN_KEYS; the form hot walks use (every key of every event), since it
 * compares lengths before any characters and skips the Set's hashing.
 */
export function isForbiddenKey(key: string): boolean {
  return key.length === 9
    ? key === '__proto__' || key === 'prototype'
    : key.length === 11 && key === 'constructor';
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/**
 * Parses `$.a.b[0]` / `$['a-b'][2]` into segments; returns `undefined` for anything beyond
 * simple member and index access (filters, wildcards, recursive descent, slices, scripts).
 */
export function parseSimplePath(path: string): PathSegment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      const match = IDENTIFIER.exec(path.slice(i + 1));
      if (!match) return undefined;
      segments.push(match[0]);
      i += 1 + match[0].length;
    } else if (ch === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = path.slice(i + 1, close);
      if (/^(0|[1-9][0-9]{0,8})$/.test(inner)) {
        segments.push(Number(inner));
      } else if (/^'[^'\\]*'$/.test(inner) || /^"[^"\\]*"$/.test(inner)) {
        const name = inner.slice(1, -1);
        if (name.length === 0) return undefined;
        segments.push(name);
      } else {
        return undefined;
      }
      i = close + 1;
    } else {
      return undefined;
    }
  }
  if (segments.some((s) => typeof s === 'string' && FORBIDDEN_KEYS.has(s))) return undefined;
  return segments;
}

/**
 * Splits a `when` shorthand key such as `data.resource.versions[0]` into its fact (`data`) and a
 * simple JSONPath (`$.resource.versions[0]`); returns `undefined` when the key is not simple.
 */
export function splitFieldPath(key: string): { fact: string; path?: string } | undefined {
  const match = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(key);
  if (!match) return undefined;
  const fact = match[0];
  const rest = key.slice(fact.length);
  if (rest === '') return { fact };
  const path = `$${rest}`;
  return parseSimplePath(path) === undefined ? undefined : { fact, path };
}

/**
 * Reads `segments` from `value` through own properties only; `undefined` when any step is missing.
 * Mirrors json-rules-engine: the caller handles the non-object fact case (see `readFactPath`).
 */
export function resolvePath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/**
 * The value json-rules-engine's almanac yields for `fact` + `path`: a path applies only when the
 * fact value is a non-null object; otherwise the fact value itself is returned unchanged.
 */
export function readFactPath(
  factValue: unknown,
  segments: readonly PathSegment[] | undefined,
): unknown {
  if (segments === undefined || segments.length === 0) return factValue;
  if (factValue === null || typeof factValue !== 'object') return factValue;
  return resolvePath(factValue, segments);
}
