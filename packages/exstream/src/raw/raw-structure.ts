import { isForbiddenKey } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';
import { childPointer } from './json-pointer.js';

/** Deeper raw payloads are refused: nothing Exstream emits nests this far, and it bounds recursion later. */
export const MAX_RAW_DEPTH = 48;

/**
 * Walks a parsed JSON value iteratively and reports prototype keys (`__proto__`, `constructor`,
 * `prototype`) and nesting beyond `MAX_RAW_DEPTH`, so later recursive steps (hashing, copying)
 * can neither be poisoned nor overflow the stack.
 */
export function checkRawStructure(value: unknown): readonly Diagnostic[] {
  if (value === null || typeof value !== 'object') return NO_PROBLEMS;
  // Nearly every event is clean: an allocation-free pass answers that, and only a payload with a
  // problem pays for the walk below, which reports every problem with its pointer.
  if (isCleanStructure(value, 0)) return NO_PROBLEMS;
  const diagnostics: Diagnostic[] = [];
  // Pointers are built only for problems (from parent links): this walk runs on every event.
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const current = frame.value as object;
    if (frame.depth >= MAX_RAW_DEPTH) {
      diagnostics.push({
        code: 'EXR_TOO_DEEP',
        severity: 'error',
        message: `raw event nests deeper than ${MAX_RAW_DEPTH} levels; flatten the payload`,
        pointer: pointerOf(frame),
      });
      return diagnostics;
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        const item: unknown = current[i];
        if (item !== null && typeof item === 'object') {
          stack.push({ value: item, depth: frame.depth + 1, parent: frame, key: i });
        }
      }
      continue;
    }
    for (const key in current) {
      if (!Object.prototype.hasOwnProperty.call(current, key)) continue;
      if (isForbiddenKey(key)) {
        diagnostics.push({
          code: 'EXR_FORBIDDEN_KEY',
          severity: 'error',
          message: `key '${key}' is not allowed anywhere in a raw event; rename or remove it`,
          pointer: childPointer(pointerOf(frame), key),
        });
        continue;
      }
      const item: unknown = (current as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') {
        stack.push({ value: item, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return diagnostics;
}

const NO_PROBLEMS: readonly Diagnostic[] = Object.freeze([]);

// Recursion is safe here: it stops at MAX_RAW_DEPTH, the bound this check exists to enforce.
// Inherited enumerable keys are checked too (no hasOwnProperty test): a superset of the own keys
// can only make this pass say "not clean" where the reporting walk then finds nothing.
function isCleanStructure(value: object, depth: number): boolean {
  if (depth >= MAX_RAW_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      if (item !== null && typeof item === 'object' && !isCleanStructure(item, depth + 1)) {
        return false;
      }
    }
    return true;
  }
  for (const key in value) {
    if (isForbiddenKey(key)) return false;
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && !isCleanStructure(item, depth + 1)) {
      return false;
    }
  }
  return true;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number;
}

function pointerOf(frame: Frame): string {
  const keys: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.parent !== undefined; at = at.parent)
    keys.push(at.key);
  return keys.reverse().reduce<string>((pointer, key) => childPointer(pointer, key), '');
}

/** True for a non-null, non-array object: the only thing a raw event or a nested record may be. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
