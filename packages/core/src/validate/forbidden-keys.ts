import { FORBIDDEN_KEYS } from '../paths/simple-path.js';
import type { PointerSegment } from './json-pointer.js';

/**
 * The path of every `__proto__` / `constructor` / `prototype` key in plain data, found without
 * recursion; nodes deeper than `maxDepth` are not visited (callers bound depth separately).
 */
export function findForbiddenKeys(value: unknown, maxDepth: number): PointerSegment[][] {
  const found: PointerSegment[][] = [];
  const stack: { value: unknown; path: PointerSegment[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== 'object' || path.length >= maxDepth) continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        stack.push({ value: current[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (FORBIDDEN_KEYS.has(key)) found.push([...path, key]);
      else stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return found;
}
