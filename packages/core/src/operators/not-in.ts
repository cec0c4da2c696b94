import type { OperatorDefinition } from './operator.js';
import { indexOfIn } from './index-of.js';

/** `notIn`: the fact value is not an element of the value list (`b.indexOf(a) === -1`). */
export const notIn: OperatorDefinition = {
  name: 'notIn',
  origin: 'json-rules-engine',
  valueKind: 'array',
  allowsFactValue: true,
  evaluate: (a, b) => indexOfIn(b, a) === -1,
  prepare: (value) => {
    // indexOf never finds NaN, a Set would: leave it out.
    const set = new Set((value as unknown[]).filter((v) => v === v));
    return (a) => !set.has(a);
  },
};
