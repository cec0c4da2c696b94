import { FORBIDDEN_KEYS } from '../paths/simple-path.js';
import type { PointerSegment } from './json-pointer.js';

/**
 * The path of every `__proto__` / `constructor` / `prototype` key in plain data, in document
 * order, found without recursion; nodes deeper than `maxDepth` are not visited (callers bound depth separately).
 */
export function findForbiddenKeys(value: unknown, maxDepth: number): PointerSegment[][] {
  const found: PointerSegment[][] = [];
  const stack: { value: unknown; path: PointerSegment[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    const last = path[path.length - 1];
    if (typeof last === 'string' && FORBIDDEN_KEYS.has(last)) {
      found.push(path);
      continue;
    }
    if (current === null || typeof current !== 'object' || path.length >= maxDepth) continue;
    const keys: PointerSegment[] = Array.isArray(current)
      ? current.map((_, i) => i)
      : Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      stack.push({
        value: (current as Record<PointerSegment, unknown>)[key],
        path: [...path, key],
      });
    }
  }
  return found;
}
