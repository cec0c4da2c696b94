import type { OperatorDefinition } from './operator.js';
import { indexOfIn } from './index-of.js';

/** `in`: the fact value is an element of the value list (`b.indexOf(a) > -1`). */
export const inOperator: OperatorDefinition = {
  name: 'in',
  origin: 'json-rules-engine',
  valueKind: 'array',
  allowsFactValue: true,
  evaluate: (a, b) => {
    const index = indexOfIn(b, a);
    return index !== undefined && index > -1;
  },
  prepare: (value) => {
    // indexOf never finds NaN, a Set would: leave it out.
    const set = new Set((value as unknown[]).filter((v) => v === v));
    return (a) => set.has(a);
  },
};
