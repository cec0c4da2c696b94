import { timeOperatorNote } from '../time/explain-note.js';
import { parseInstant } from '../time/local-formats.js';
import {
  checkWeekdaySet,
  isOnWeekday,
  readWeekdaySet,
  zoneCalendar,
} from '../time/operator-values.js';
import type { OperatorDefinition } from './operator.js';

/**
 * `dayOfWeek`: the date fact's local weekday is one of the value's (`[sat, sun]`, or
 * `{ days, calendar }` to read the date in a calendar's zone; UTC otherwise). False for an
 * unparseable date, a malformed value or an unknown calendar.
 */
export const dayOfWeek: OperatorDefinition = {
  name: 'dayOfWeek',
  explainNote: (a, b, context) => timeOperatorNote('dayOfWeek', a, b, context),
  origin: 'exroute',
  valueKind: 'any',
  allowsFactValue: false,
  checkValue: checkWeekdaySet,
  evaluate: (a, b, context) => {
    const set = readWeekdaySet(b);
    const calendar = set && zoneCalendar(set.calendar, context);
    const instant = parseInstant(a);
    return (
      set !== undefined &&
      calendar !== undefined &&
      instant !== undefined &&
      isOnWeekday(instant, set, calendar)
    );
  },
  prepare: (value, context) => {
    const set = readWeekdaySet(value);
    const calendar = set && zoneCalendar(set.calendar, context);
    if (set === undefined || calendar === undefined) return () => false;
    return (a) => {
      const instant = parseInstant(a);
      return instant !== undefined && isOnWeekday(instant, set, calendar);
    };
  },
};
