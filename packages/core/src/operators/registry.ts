import { outsideBusinessHours, withinBusinessHours } from './business-hours.js';
import { MAX_OPERATOR_DECORATORS } from '../load/limits.js';
import { contains } from './contains.js';
import { after, before } from './date-order.js';
import { dayOfWeek } from './day-of-week.js';
import { DECORATORS } from './decorators.js';
import type { Comparison, OperatorDecorator } from './decorators.js';
import { doesNotContain } from './does-not-contain.js';
import { endsWith } from './ends-with.js';
import { equal } from './equal.js';
import { exists } from './exists.js';
import { inOperator } from './in.js';
import { matches } from './matches.js';
import { notEqual } from './not-equal.js';
import { notIn } from './not-in.js';
import { greaterThan, greaterThanInclusive, lessThan, lessThanInclusive } from './numeric.js';
import type { OperatorContext, OperatorDefinition } from './operator.js';
import { atLeast, atMost } from './priority-order.js';
import { startsWith } from './starts-with.js';
import { timeBetween } from './time-between.js';
import { within } from './within.js';

/** Every operator exroute knows, by name: json-rules-engine's built-ins and exroute's additions. */
export const OPERATORS: ReadonlyMap<string, OperatorDefinition> = new Map(
  [
    equal,
    notEqual,
    inOperator,
    notIn,
    contains,
    doesNotContain,
    lessThan,
    lessThanInclusive,
    greaterThan,
    greaterThanInclusive,
    exists,
    startsWith,
    endsWith,
    atLeast,
    atMost,
    within,
    withinBusinessHours,
    outsideBusinessHours,
    timeBetween,
    dayOfWeek,
    before,
    after,
    matches,
  ].map((op) => [op.name, op]),
);

/** An operator name split into its decorators (outermost first) and the base operator. */
export interface ParsedOperator {
  readonly decorators: readonly OperatorDecorator[];
  readonly base: OperatorDefinition;
}

/**
 * How many decorators an operator name carries (its `:` count), counted without splitting, so an
 * 800 KB name costs one scan and no allocation.
 */
export function decoratorCount(name: string): number {
  let count = 0;
  for (let at = name.indexOf(':'); at !== -1; at = name.indexOf(':', at + 1)) count++;
  return count;
}

/**
 * Splits `not:someFact:equal` the way json-rules-engine's OperatorMap does; `undefined` when a
 * decorator or the base operator is unknown, or when there are more than
 * `MAX_OPERATOR_DECORATORS` decorators (each one nests a closure the evaluator must call).
 */
export function parseOperator(
  name: string,
  operators: ReadonlyMap<string, OperatorDefinition> = OPERATORS,
): ParsedOperator | undefined {
  if (decoratorCount(name) > MAX_OPERATOR_DECORATORS) return undefined;
  const parts = name.split(':');
  const baseName = parts.pop();
  if (baseName === undefined) return undefined;
  const base = operators.get(baseName);
  if (base === undefined) return undefined;
  const decorators: OperatorDecorator[] = [];
  for (const part of parts) {
    const decorator = DECORATORS.get(part);
    if (decorator === undefined) return undefined;
    decorators.push(decorator);
  }
  return { decorators, base };
}

/**
 * The full comparison for a parsed operator, decorators applied innermost first, honouring the
 * base operator's fact-value validator exactly where json-rules-engine applies it.
 */
export function buildComparison(parsed: ParsedOperator, context: OperatorContext): Comparison {
  const { base } = parsed;
  let comparison: Comparison = (a, b) => base.evaluate(a, b, context);
  for (let i = parsed.decorators.length - 1; i >= 0; i--) {
    comparison = parsed.decorators[i]!.decorate(comparison);
  }
  return comparison;
}
