import type { OperatorDefinition } from './operator.js';

/** `exists: true` holds when the field is present and not null; `exists: false` when it is absent or null. */
export const exists: OperatorDefinition = {
  name: 'exists',
  origin: 'exroute',
  valueKind: 'boolean',
  allowsFactValue: false,
  evaluate: (a, b) => (a !== undefined && a !== null) === b,
};
