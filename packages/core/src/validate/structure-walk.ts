import { isForbiddenKey } from '../paths/simple-path.js';
import type { PointerSegment } from './json-pointer.js';

/**
 * The first problem an allocation-free pass over a JSON value met, or `clean`: a prototype key
 * (`__proto__`, `constructor`, `prototype`), an object or array nested too deep, too many
 * values in all, or (when asked for) a value JSON cannot hold.
 */
export type StructureVerdict = 'clean' | 'forbidden-key' | 'too-deep' | 'too-large' | 'not-json';

/** How deep and how large a value may be; the root object is level 1. */
export interface StructureBounds {
  /** Objects and arrays at a level above this are too deep. */
  maxDepth: number;
  /** More values than this (objects, arrays and primitives alike) is too large. Default: no bound. */
  maxValues?: number;
  /**
   * Also report values JSON cannot hold: `NaN`, `Infinity`, `-Infinity`, bigints, functions and
   * symbols (`undefined` is left alone: JSON drops it, and a missing field reads the same).
   * Default: false.
   */
  rejectNonJson?: boolean;
}

interface ScanState {
  readonly maxDepth: number;
  readonly rejectNonJson: boolean;
  remaining: number;
}

/** Whether a primitive is one JSON cannot hold (see `StructureBounds.rejectNonJson`). */
export function isNonJsonPrimitive(value: unknown): boolean {
  switch (typeof value) {
    case 'number':
      return !Number.isFinite(value);
    case 'bigint':
    case 'function':
    case 'symbol':
      return true;
    case 'boolean':
    case 'object':
    case 'string':
    case 'undefined':
      return false;
  }
}

/**
 * One pass over `value` that allocates nothing but its state and stops at the first problem:
 * it runs on every event, and only a value with a problem pays for `findStructureProblems`.
 * Only own enumerable keys count. Recursion is safe: it stops at `maxDepth`.
 */
export function scanStructure(value: unknown, bounds: StructureBounds): StructureVerdict {
  const state: ScanState = {
    maxDepth: bounds.maxDepth,
    rejectNonJson: bounds.rejectNonJson ?? false,
    remaining: bounds.maxValues ?? Number.POSITIVE_INFINITY,
  };
  return visit(value, 1, state);
}

function visit(value: unknown, level: number, state: ScanState): StructureVerdict {
  if (--state.remaining < 0) return 'too-large';
  if (value === null || typeof value !== 'object') {
    return state.rejectNonJson && isNonJsonPrimitive(value) ? 'not-json' : 'clean';
  }
  if (level > state.maxDepth) return 'too-deep';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const verdict = visit(value[i], level + 1, state);
      if (verdict !== 'clean') return verdict;
    }
    return 'clean';
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (isForbiddenKey(key)) return 'forbidden-key';
    const verdict = visit((value as Record<string, unknown>)[key], level + 1, state);
    if (verdict !== 'clean') return verdict;
  }
  return 'clean';
}

/**
 * One prototype key, one object or array nested deeper than allowed, or (when asked for) one
 * value JSON cannot hold, and where.
 */
export interface StructureFinding {
  problem: 'forbidden-key' | 'too-deep' | 'not-json';
  /** Keys and indexes from the root; a forbidden key's path ends with that key. */
  path: PointerSegment[];
}

interface Frame {
  value: unknown;
  key: PointerSegment | undefined;
  parent: Frame | undefined;
  level: number;
}

/**
 * Every prototype key and every object or array deeper than `maxDepth` levels in `value` (and,
 * with `rejectNonJson`, every value JSON cannot hold), in document order, found without
 * recursion; neither is looked into. Paths are built from parent links for findings only, so the
 * walk does not copy a path per node.
 */
export function findStructureProblems(
  value: unknown,
  maxDepth: number,
  rejectNonJson = false,
): StructureFinding[] {
  const found: StructureFinding[] = [];
  const stack: Frame[] = [{ value, key: undefined, parent: undefined, level: 1 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (typeof frame.key === 'string' && isForbiddenKey(frame.key)) {
      found.push({ problem: 'forbidden-key', path: pathOf(frame) });
      continue;
    }
    const current = frame.value;
    if (current === null || typeof current !== 'object') {
      if (rejectNonJson && isNonJsonPrimitive(current)) {
        found.push({ problem: 'not-json', path: pathOf(frame) });
      }
      continue;
    }
    if (frame.level > maxDepth) {
      found.push({ problem: 'too-deep', path: pathOf(frame) });
      continue;
    }
    const keys: PointerSegment[] = Array.isArray(current)
      ? current.map((_, i) => i)
      : Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      stack.push({
        value: (current as Record<PointerSegment, unknown>)[key],
        key,
        parent: frame,
        level: frame.level + 1,
      });
    }
  }
  return found;
}

function pathOf(frame: Frame): PointerSegment[] {
  const path: PointerSegment[] = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}
