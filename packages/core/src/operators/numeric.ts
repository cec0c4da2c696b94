import type { OperatorDefinition } from './operator.js';

/**
 * json-rules-engine's numberValidator: the fact value must parse as a number (so `"9"` passes);
 * the comparison itself is JavaScript's `<` / `>` on the raw values.
 */
export function isNumberLike(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

function numeric(name: string, compare: (a: number, b: number) => boolean): OperatorDefinition {
  return {
    name,
    origin: 'json-rules-engine',
    valueKind: 'number',
    allowsFactValue: true,
    acceptsFactValue: isNumberLike,
    evaluate: (a, b) => isNumberLike(a) && compare(a as number, b as number),
  };
}

/** `lessThan`: fact < value. */
export const lessThan = numeric('lessThan', (a, b) => a < b);
/** `lessThanInclusive`: fact <= value. */
export const lessThanInclusive = numeric('lessThanInclusive', (a, b) => a <= b);
/** `greaterThan`: fact > value. */
export const greaterThan = numeric('greaterThan', (a, b) => a > b);
/** `greaterThanInclusive`: fact >= value. */
export const greaterThanInclusive = numeric('greaterThanInclusive', (a, b) => a >= b);
