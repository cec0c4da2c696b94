import { PRIORITIES } from '../model/event.js';
import type { OperatorDefinition } from './operator.js';

const RANK: ReadonlyMap<unknown, number> = new Map(PRIORITIES.map((p, i) => [p, i]));

function byRank(name: string, compare: (a: number, b: number) => boolean): OperatorDefinition {
  return {
    name,
    origin: 'exroute',
    valueKind: 'priority',
    allowsFactValue: true,
    evaluate: (a, b) => {
      const ra = RANK.get(a);
      const rb = RANK.get(b);
      return ra !== undefined && rb !== undefined && compare(ra, rb);
    },
  };
}

/** `atLeast`: the fact is a priority at or above the value (low < normal < high < critical). */
export const atLeast = byRank('atLeast', (a, b) => a >= b);
/** `atMost`: the fact is a priority at or below the value. */
export const atMost = byRank('atMost', (a, b) => a <= b);
