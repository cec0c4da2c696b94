import type { OperatorDefinition } from './operator.js';

/** `notEqual`: strict inequality (`a !== b`); a missing fact is therefore not equal. */
export const notEqual: OperatorDefinition = {
  name: 'notEqual',
  origin: 'json-rules-engine',
  valueKind: 'any',
  allowsFactValue: true,
  evaluate: (a, b) => a !== b,
};
