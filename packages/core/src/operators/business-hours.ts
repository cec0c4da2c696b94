import { timeOperatorNote } from '../time/explain-note.js';
import { parseInstant } from '../time/local-formats.js';
import { checkCalendarName } from '../time/operator-values.js';
import { timeContextOf } from '../time/time-context.js';
import type { OperatorDefinition } from './operator.js';

// Both operators need a readable date and a known calendar; only then does `open` decide, so
// `outsideBusinessHours` is deliberately not the negation of `withinBusinessHours`.
function businessHours(name: string, holdsWhenOpen: boolean): OperatorDefinition {
  return {
    name,
    explainNote: (a, b, context) => timeOperatorNote(name, a, b, context),
    origin: 'exroute',
    valueKind: 'calendar',
    allowsFactValue: true,
    checkValue: checkCalendarName,
    evaluate: (a, b, context) => {
      const calendar = timeContextOf(context)?.calendarFor(b);
      const instant = parseInstant(a);
      return (
        calendar !== undefined &&
        instant !== undefined &&
        calendar.isOpen(instant) === holdsWhenOpen
      );
    },
    prepare: (value, context) => {
      const calendar = timeContextOf(context)?.calendarFor(value);
      if (calendar === undefined) return () => false;
      return (a) => {
        const instant = parseInstant(a);
        return instant !== undefined && calendar.isOpen(instant) === holdsWhenOpen;
      };
    },
  };
}

/**
 * `withinBusinessHours`: the date fact (`$now`, `time`, `data.x`) falls inside working hours of
 * the calendar the value names — a calendar, or a region (`value: { fact: region }` for the
 * event's own). False for an unparseable date or a name without a calendar.
 */
export const withinBusinessHours = businessHours('withinBusinessHours', true);

/**
 * `outsideBusinessHours`: the date fact falls outside working hours (a weekend, a holiday, or
 * outside every range) of the calendar the value names. Not simply the negation of
 * `withinBusinessHours`: an unparseable date or a name without a calendar is false for both.
 */
export const outsideBusinessHours = businessHours('outsideBusinessHours', false);
