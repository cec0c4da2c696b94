import type { OperatorDefinition } from './operator.js';

/** `equal`: strict equality, exactly as json-rules-engine (`a === b`). */
export const equal: OperatorDefinition = {
  name: 'equal',
  origin: 'json-rules-engine',
  valueKind: 'any',
  allowsFactValue: true,
  evaluate: (a, b) => a === b,
};
