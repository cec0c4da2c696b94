import type { OperatorDefinition } from './operator.js';

/** `contains`: the fact value is an array holding the value (`a.indexOf(b) > -1`). */
export const contains: OperatorDefinition = {
  name: 'contains',
  origin: 'json-rules-engine',
  valueKind: 'any',
  allowsFactValue: true,
  acceptsFactValue: Array.isArray,
  evaluate: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
};
