import type { OperatorDefinition } from './operator.js';

/** `endsWith`: the fact value is a string ending with the value (case-sensitive). */
export const endsWith: OperatorDefinition = {
  name: 'endsWith',
  origin: 'exroute',
  valueKind: 'string',
  allowsFactValue: true,
  evaluate: (a, b) => typeof a === 'string' && typeof b === 'string' && a.endsWith(b),
};
