import type { LeafCondition } from '../model/condition.js';
import { FORBIDDEN_KEYS, splitFieldPath } from '../paths/simple-path.js';
import { isRecord } from './shape-guards.js';

/** One leaf produced from `when`, with the key (and operator key) it came from. */
export interface WhenLeaf {
  condition: LeafCondition;
  /** The `when` key, e.g. `data.volume`. */
  key: string;
  /** The operator key inside a `{ operator: value }` mapping; absent for scalars and lists. */
  operatorKey?: string;
}

/**
 * Desugars the `when` shorthand into json-rules-engine leaves, in key order: a scalar becomes
 * `equal`, a list `in`, a mapping one leaf per `{ operator: value }` entry. Keys that are not
 * simple field paths go to `onInvalidKey` and produce no leaf.
 */
export function desugarWhen(
  when: Readonly<Record<string, unknown>>,
  onInvalidKey: (key: string) => void,
): WhenLeaf[] {
  const leaves: WhenLeaf[] = [];
  for (const key of Object.keys(when)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const field = splitFieldPath(key);
    if (field === undefined) {
      onInvalidKey(key);
      continue;
    }
    const target =
      field.path === undefined ? { fact: field.fact } : { fact: field.fact, path: field.path };
    const value = when[key];
    if (Array.isArray(value)) {
      leaves.push({ condition: { ...target, operator: 'in', value }, key });
    } else if (isRecord(value)) {
      for (const operatorKey of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(operatorKey)) continue;
        leaves.push({
          condition: { ...target, operator: operatorKey, value: value[operatorKey] },
          key,
          operatorKey,
        });
      }
    } else {
      leaves.push({ condition: { ...target, operator: 'equal', value }, key });
    }
  }
  return leaves;
}
