import { timeOperatorNote } from '../time/explain-note.js';
import { parseInstant } from '../time/local-formats.js';
import {
  checkTimeWindow,
  isInWindow,
  readTimeWindow,
  zoneCalendar,
} from '../time/operator-values.js';
import type { OperatorDefinition } from './operator.js';

/**
 * `timeBetween`: the date fact's local wall-clock time lies in `{ from, to, calendar? }`
 * (`from` inclusive, `to` exclusive, `from > to` crosses midnight), read in the calendar's zone
 * or UTC. False for an unparseable date, a malformed window or an unknown calendar.
 */
export const timeBetween: OperatorDefinition = {
  name: 'timeBetween',
  explainNote: (a, b, context) => timeOperatorNote('timeBetween', a, b, context),
  origin: 'exroute',
  valueKind: 'any',
  allowsFactValue: false,
  checkValue: checkTimeWindow,
  evaluate: (a, b, context) => {
    const window = readTimeWindow(b);
    const calendar = window && zoneCalendar(window.calendar, context);
    const instant = parseInstant(a);
    return (
      window !== undefined &&
      calendar !== undefined &&
      instant !== undefined &&
      isInWindow(instant, window, calendar)
    );
  },
  prepare: (value, context) => {
    const window = readTimeWindow(value);
    const calendar = window && zoneCalendar(window.calendar, context);
    if (window === undefined || calendar === undefined) return () => false;
    return (a) => {
      const instant = parseInstant(a);
      return instant !== undefined && isInWindow(instant, window, calendar);
    };
  },
};
