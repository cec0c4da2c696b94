import { timeOperatorNote } from '../time/explain-note.js';
import { parseInstant } from '../time/local-formats.js';
import { checkCalendarName } from '../time/operator-values.js';
import { timeContextOf } from '../time/time-context.js';
import type { OperatorDefinition } from './operator.js';

/**
 * `withinBusinessHours`: the date fact (`$now`, `time`, `data.x`) falls inside working hours of
 * the calendar the value names — a calendar, or a region (`value: { fact: region }` for the
 * event's own). False for an unparseable date or a name without a calendar.
 */
export const withinBusinessHours: OperatorDefinition = {
  name: 'withinBusinessHours',
  explainNote: (a, b, context) => timeOperatorNote('withinBusinessHours', a, b, context),
  origin: 'exroute',
  valueKind: 'calendar',
  allowsFactValue: true,
  checkValue: checkCalendarName,
  evaluate: (a, b, context) => {
    const calendar = timeContextOf(context)?.calendarFor(b);
    const instant = parseInstant(a);
    return calendar !== undefined && instant !== undefined && calendar.isOpen(instant);
  },
  prepare: (value, context) => {
    const calendar = timeContextOf(context)?.calendarFor(value);
    if (calendar === undefined) return () => false;
    return (a) => {
      const instant = parseInstant(a);
      return instant !== undefined && calendar.isOpen(instant);
    };
  },
};
