import type { OperatorDefinition } from './operator.js';

/** `within`: the fact is the region itself or a member of the region group, at any depth. */
export const within: OperatorDefinition = {
  name: 'within',
  origin: 'exroute',
  valueKind: 'region',
  allowsFactValue: true,
  evaluate: (a, b, context) => {
    if (typeof a !== 'string' || typeof b !== 'string') return false;
    if (a === b) return true;
    return context.regionMembers.get(b)?.has(a) ?? false;
  },
  prepare: (value, context) => {
    const members = context.regionMembers.get(value as string) ?? new Set([value]);
    return (a) => typeof a === 'string' && (a === value || members.has(a));
  },
};
