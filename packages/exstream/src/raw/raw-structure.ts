import { FORBIDDEN_KEYS } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';
import { childPointer } from './json-pointer.js';

/** Deeper raw payloads are refused: nothing Exstream emits nests this far, and it bounds recursion later. */
export const MAX_RAW_DEPTH = 64;

/**
 * Walks a parsed JSON value iteratively and reports prototype keys (`__proto__`, `constructor`,
 * `prototype`) and nesting beyond `MAX_RAW_DEPTH`, so later recursive steps (hashing, copying)
 * can neither be poisoned nor overflow the stack.
 */
export function checkRawStructure(value: unknown): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const stack: { value: unknown; pointer: string; depth: number }[] = [
    { value, pointer: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value: current, pointer, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_RAW_DEPTH) {
      diagnostics.push({
        code: 'EXR_TOO_DEEP',
        severity: 'error',
        message: `raw event nests deeper than ${MAX_RAW_DEPTH} levels; flatten the payload`,
        pointer,
      });
      return diagnostics;
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push({ value: current[i], pointer: childPointer(pointer, i), depth: depth + 1 });
      }
      continue;
    }
    for (const key of Object.keys(current)) {
      const keyPointer = childPointer(pointer, key);
      if (FORBIDDEN_KEYS.has(key)) {
        diagnostics.push({
          code: 'EXR_FORBIDDEN_KEY',
          severity: 'error',
          message: `key '${key}' is not allowed anywhere in a raw event; rename or remove it`,
          pointer: keyPointer,
        });
        continue;
      }
      stack.push({
        value: (current as Record<string, unknown>)[key],
        pointer: keyPointer,
        depth: depth + 1,
      });
    }
  }
  return diagnostics;
}

/** True for a non-null, non-array object: the only thing a raw event or a nested record may be. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
