import type { OperatorDefinition } from './operator.js';

/** `doesNotContain`: the fact value is an array without the value; false when not an array. */
export const doesNotContain: OperatorDefinition = {
  name: 'doesNotContain',
  origin: 'json-rules-engine',
  valueKind: 'any',
  allowsFactValue: true,
  acceptsFactValue: Array.isArray,
  evaluate: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
};
