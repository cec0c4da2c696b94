import type { OperatorDefinition } from './operator.js';

/** `startsWith`: the fact value is a string beginning with the value (case-sensitive). */
export const startsWith: OperatorDefinition = {
  name: 'startsWith',
  origin: 'exroute',
  valueKind: 'string',
  allowsFactValue: true,
  evaluate: (a, b) => typeof a === 'string' && typeof b === 'string' && a.startsWith(b),
};
