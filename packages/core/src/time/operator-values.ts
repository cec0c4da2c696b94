/**
 * The value shapes of the time operators, their load-time checks and their run-time readers,
 * shared by the operator files (one per operator) and the explain notes.
 *
 * - `withinBusinessHours` / `outsideBusinessHours`: a calendar name or a region code or group.
 * - `timeBetween`: `{ from: "HH:mm", to: "HH:mm", calendar?: name-or-region }`; `from` is
 *   inclusive, `to` exclusive, and `from > to` crosses midnight.
 * - `dayOfWeek`: `[sat, sun]`, a single `sat`, or `{ days: [...], calendar?: name-or-region }`.
 * - `before` / `after`: an RFC 3339 date-time with offset, or a `YYYY-MM-DD` date (midnight UTC).
 */
import { getDay, getHours, getMinutes } from 'date-fns';
import type { DefinedNames, OperatorContext, ValueProblem } from '../operators/operator.js';
import { ALWAYS_OPEN_UTC } from './business-calendar.js';
import type { BusinessCalendar } from './business-calendar.js';
import {
  minuteOfDay,
  parseClockTime,
  parseInstant,
  weekdayIndex,
  WEEKDAY_NAMES,
} from './local-formats.js';
import { didYouMean } from '../validate/did-you-mean.js';
import { timeContextOf } from './time-context.js';

/** A `timeBetween` value, parsed. */
export interface TimeWindow {
  /** Minutes after local midnight, inclusive. */
  readonly from: number;
  /** Minutes after local midnight, exclusive; smaller than `from` when the window crosses midnight. */
  readonly to: number;
  /** Calendar name or region whose zone reads the time; UTC when absent. */
  readonly calendar?: string;
}

/** A `dayOfWeek` value, parsed. */
export interface WeekdaySet {
  /** `Date#getDay()` indices (Sunday = 0). */
  readonly days: ReadonlySet<number>;
  readonly calendar?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ownField(record: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Reads a `timeBetween` value; `undefined` when malformed or empty (`from` equals `to`). */
export function readTimeWindow(value: unknown): TimeWindow | undefined {
  if (!isRecord(value)) return undefined;
  const from = parseClockTime(ownField(value, 'from'));
  const to = parseClockTime(ownField(value, 'to'), true);
  const calendar = ownField(value, 'calendar');
  if (from === undefined || to === undefined) return undefined;
  if (calendar !== undefined && typeof calendar !== 'string') return undefined;
  const window = { from: minuteOfDay(from), to: minuteOfDay(to) % (24 * 60) };
  if (window.from === window.to) return undefined;
  return calendar === undefined ? window : { ...window, calendar };
}

/** Reads a `dayOfWeek` value; `undefined` when malformed or naming no day. */
export function readWeekdaySet(value: unknown): WeekdaySet | undefined {
  let names: unknown = value;
  let calendar: unknown;
  if (isRecord(value)) {
    names = ownField(value, 'days');
    calendar = ownField(value, 'calendar');
    if (calendar !== undefined && typeof calendar !== 'string') return undefined;
  }
  const list = Array.isArray(names) ? names : [names];
  const days = new Set<number>();
  for (const name of list) {
    const index = weekdayIndex(name);
    if (index === undefined) return undefined;
    days.add(index);
  }
  if (days.size === 0) return undefined;
  return typeof calendar === 'string' ? { days, calendar } : { days };
}

/**
 * The calendar whose zone a window or weekday set is read in: the named one, or UTC when none
 * is named; `undefined` when a name is given but does not resolve.
 */
export function zoneCalendar(
  calendar: string | undefined,
  context: OperatorContext,
): BusinessCalendar | undefined {
  if (calendar === undefined) return ALWAYS_OPEN_UTC;
  return timeContextOf(context)?.calendarFor(calendar);
}

/** Whether the instant's local wall-clock time in `calendar` falls inside `window`. */
export function isInWindow(
  instant: number,
  window: TimeWindow,
  calendar: BusinessCalendar,
): boolean {
  const local = calendar.toLocal(instant);
  const minute = minuteOfDay({ hour: getHours(local), minute: getMinutes(local) });
  return window.from < window.to
    ? minute >= window.from && minute < window.to
    : minute >= window.from || minute < window.to;
}

/** Whether the instant's local weekday in `calendar` is one of `set`. */
export function isOnWeekday(instant: number, set: WeekdaySet, calendar: BusinessCalendar): boolean {
  return set.days.has(getDay(calendar.toLocal(instant)));
}

function unknownCalendar(name: string, names: DefinedNames): ValueProblem {
  const hint = didYouMean(name, [...names.calendars, ...names.regionCalendars]);
  return {
    code: 'EXR_UNKNOWN_CALENDAR',
    message: `'${name}' is neither a calendar under 'calendars' nor a region with a calendar in 'regionCalendars'; define it or use an existing name`,
    ...(hint === undefined ? {} : { hint }),
  };
}

/** Load-time check of a calendar reference: a calendar name, or a known region. */
export function checkCalendarName(value: unknown, names: DefinedNames): ValueProblem | undefined {
  if (typeof value !== 'string') {
    return {
      code: 'EXR_UNKNOWN_CALENDAR',
      message: 'a calendar reference must be a calendar name or a region code, e.g. uk-office',
    };
  }
  if (names.calendars.has(value) || names.regionCalendars.has(value) || names.regions.has(value)) {
    return undefined;
  }
  return unknownCalendar(value, names);
}

/** Load-time check of a `timeBetween` value. */
export function checkTimeWindow(value: unknown, names: DefinedNames): ValueProblem | undefined {
  if (readTimeWindow(value) === undefined) {
    return {
      code: 'EXR_INVALID_TIME',
      message:
        'timeBetween needs { from: "HH:mm", to: "HH:mm", calendar?: name } with from and to different (from > to crosses midnight)',
      hint: 'e.g. { from: "22:00", to: "06:00", calendar: uk-office }',
    };
  }
  const calendar = isRecord(value) ? ownField(value, 'calendar') : undefined;
  return calendar === undefined ? undefined : checkCalendarName(calendar, names);
}

/** Load-time check of a `dayOfWeek` value. */
export function checkWeekdaySet(value: unknown, names: DefinedNames): ValueProblem | undefined {
  if (readWeekdaySet(value) === undefined) {
    return {
      code: 'EXR_INVALID_WEEKDAY',
      message: `dayOfWeek needs weekday names (${WEEKDAY_NAMES.join(', ')}) as a list, or { days: [...], calendar: name }`,
      hint: 'e.g. [sat, sun] or { days: [sat, sun], calendar: uk-office }',
    };
  }
  const calendar = isRecord(value) ? ownField(value, 'calendar') : undefined;
  return calendar === undefined ? undefined : checkCalendarName(calendar, names);
}

/** Load-time check of a `before` / `after` literal. */
export function checkDateLiteral(value: unknown): ValueProblem | undefined {
  if (parseInstant(value) !== undefined) return undefined;
  return {
    code: 'EXR_INVALID_DATE',
    message:
      'expected an RFC 3339 date-time with offset (2026-03-29T09:00:00Z) or a date (2026-03-29, read as midnight UTC)',
  };
}
