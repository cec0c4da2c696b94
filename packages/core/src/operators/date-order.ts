import { timeOperatorNote } from '../time/explain-note.js';
import { parseInstant } from '../time/local-formats.js';
import { checkDateLiteral } from '../time/operator-values.js';
import type { OperatorDefinition } from './operator.js';

function dateOrder(
  name: string,
  compare: (fact: number, bound: number) => boolean,
): OperatorDefinition {
  return {
    name,
    explainNote: (a, b, context) => timeOperatorNote(name, a, b, context),
    origin: 'exroute',
    valueKind: 'date',
    allowsFactValue: true,
    checkValue: checkDateLiteral,
    evaluate: (a, b) => {
      const fact = parseInstant(a);
      const bound = parseInstant(b);
      return fact !== undefined && bound !== undefined && compare(fact, bound);
    },
    prepare: (value) => {
      const bound = parseInstant(value);
      if (bound === undefined) return () => false;
      return (a) => {
        const fact = parseInstant(a);
        return fact !== undefined && compare(fact, bound);
      };
    },
  };
}

/**
 * `before`: the date fact is strictly earlier than the value (an RFC 3339 literal, a
 * `YYYY-MM-DD` date read as midnight UTC, or another date fact such as `{ fact: $now }`).
 * False when either side is not a date.
 */
export const before = dateOrder('before', (fact, bound) => fact < bound);

/**
 * `after`: the date fact is strictly later than the value (an RFC 3339 literal, a
 * `YYYY-MM-DD` date read as midnight UTC, or another date fact such as `{ fact: $now }`).
 * False when either side is not a date.
 */
export const after = dateOrder('after', (fact, bound) => fact > bound);
