import { checkLeaf } from './check-conditions.js';
import type { ConditionCheckContext } from './check-conditions.js';
import { desugarWhen } from './desugar-when.js';
import type { WhenLeaf } from './desugar-when.js';
import type { Place } from './located-reporter.js';
import { isRecord, safeEntries } from './shape-guards.js';

/**
 * Checks a `when` shorthand mapping at `place` (a rule's `when`, an inhibit rule's `source` or
 * `target`, an escalation's `resolvedBy.when`) exactly as a rule's, and returns its leaves:
 * each key must be a field path, each `{ operator: value }` a known operator with a fitting value.
 */
export function checkWhen(
  whenValue: Readonly<Record<string, unknown>>,
  place: Place,
  context: ConditionCheckContext,
): WhenLeaf[] {
  const { reporter } = context;
  const at = (...more: (string | number)[]): Place => ({
    file: place.file,
    segments: [...place.segments, ...more],
  });
  const leaves = desugarWhen(whenValue, (key) =>
    reporter.error(
      'EXR_UNSUPPORTED_PATH',
      `'${key}' is not a field path; write a field name, optionally followed by .member or [index], e.g. data.items[0].sku`,
      at(key),
      { at: 'key' },
    ),
  );
  for (const [key, value] of safeEntries(whenValue)) {
    if (isRecord(value) && Object.keys(value).length === 0) {
      reporter.error(
        'EXR_CONDITION_SHAPE',
        `'${key}: {}' has no operator; write a value, a list, or { operator: value }`,
        at(key),
      );
    }
  }
  for (const leaf of leaves) {
    const keyPlace = { place: at(leaf.key), at: 'key' as const };
    const operatorPlace =
      leaf.operatorKey === undefined
        ? keyPlace
        : { place: at(leaf.key, leaf.operatorKey), at: 'key' as const };
    const valuePlace =
      leaf.operatorKey === undefined
        ? { place: at(leaf.key), at: 'value' as const }
        : { place: at(leaf.key, leaf.operatorKey), at: 'value' as const };
    checkLeaf(
      {
        fact: leaf.condition.fact,
        path: leaf.condition.path,
        operator: leaf.condition.operator,
        value: leaf.condition.value,
      },
      { fact: keyPlace, path: keyPlace, operator: operatorPlace, value: valuePlace },
      context,
    );
  }
  return leaves;
}
