import type { FactValueReference, LeafCondition } from '../model/condition.js';

/** Which json-rules-engine node a condition object is; `undefined` when it is none (or several). */
export type ConditionShape = 'all' | 'any' | 'not' | 'reference' | 'leaf';

const SHAPE_KEYS: readonly [string, ConditionShape][] = [
  ['all', 'all'],
  ['any', 'any'],
  ['not', 'not'],
  ['condition', 'reference'],
  ['fact', 'leaf'],
];

/**
 * Classifies a condition by its own keys, as json-rules-engine does (`hasOwnProperty`); an object
 * with more than one of `all` / `any` / `not` / `condition` / `fact` is ambiguous there (the
 * constructor and the evaluator disagree on which wins), so it is `undefined` here.
 */
export function conditionShape(condition: unknown): ConditionShape | undefined {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    return undefined;
  }
  let shape: ConditionShape | undefined;
  for (const [key, kind] of SHAPE_KEYS) {
    if (!Object.hasOwn(condition, key)) continue;
    if (shape !== undefined) return undefined;
    shape = kind;
  }
  return shape;
}

/**
 * json-rules-engine's test for `value: { fact: … }` (almanac `getValue`): a non-null object
 * with an own `fact` property is read as another fact, never compared literally.
 */
export function isFactValueReference(value: unknown): value is FactValueReference {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact');
}

/** A leaf's `path`, treating `''` as absent exactly as json-rules-engine's `if (path)` does. */
export function leafPath(leaf: Pick<LeafCondition, 'path'>): unknown {
  return leaf.path === '' ? undefined : leaf.path;
}
