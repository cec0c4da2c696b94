/**
 * Notes for explain: which local time and calendar a time operator looked at, so an author can
 * see why `withinBusinessHours` said no at 08:59 in London.
 */
import type { OperatorContext } from '../operators/operator.js';
import { ALWAYS_OPEN_UTC } from './business-calendar.js';
import type { BusinessCalendar } from './business-calendar.js';
import { parseInstant } from './local-formats.js';
import { readTimeWindow, readWeekdaySet } from './operator-values.js';
import { timeContextOf } from './time-context.js';

/**
 * The local date-time of `instant` in `calendar`, with the calendar's name and zone, e.g.
 * `Mon 2026-03-30 09:30 +01:00 Europe/London (calendar uk-office)`; for suites and explain.
 */
export function localTimeNote(instant: Date | number, calendar: BusinessCalendar): string {
  return calendar.localTime(instant).text;
}

/**
 * The explain note of one evaluated leaf: for the time operators (decorated or not), the local
 * time of the fact value in the calendar the value resolved to (and the region it came through);
 * `undefined` for other operators, and a reason when the date or the calendar is missing.
 * `value` is the resolved value (after `{ fact: region }` was read).
 */
export function timeOperatorNote(
  operator: string,
  factValue: unknown,
  value: unknown,
  context: OperatorContext,
): string | undefined {
  const base = operator.split(':').pop() ?? '';
  if (base === 'before' || base === 'after') {
    return parseInstant(factValue) === undefined ? 'the fact is not an RFC 3339 date' : undefined;
  }
  let calendarName: unknown;
  if (base === 'withinBusinessHours' || base === 'outsideBusinessHours') calendarName = value;
  else if (base === 'timeBetween') calendarName = readTimeWindow(value)?.calendar;
  else if (base === 'dayOfWeek') calendarName = readWeekdaySet(value)?.calendar;
  else return undefined;
  const instant = parseInstant(factValue);
  if (instant === undefined) return 'the fact is not an RFC 3339 date, so the verdict is false';
  const readsUtc = base === 'timeBetween' || base === 'dayOfWeek';
  if (calendarName === undefined && readsUtc) {
    const { weekday, date, time } = ALWAYS_OPEN_UTC.localTime(instant);
    return `${weekday} ${date} ${time} UTC (no calendar named)`;
  }
  const resolution = timeContextOf(context)?.resolve(calendarName);
  if (resolution === undefined) {
    return `'${String(calendarName)}' has no calendar, so the verdict is false`;
  }
  const via =
    resolution.viaRegion === undefined ? '' : `, via regionCalendars '${resolution.viaRegion}'`;
  return `${localTimeNote(instant, resolution.calendar)}${via}`;
}
