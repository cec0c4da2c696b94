/**
 * The textual shapes time values take in rule files and events — `HH:mm`, `HH:mm-HH:mm`,
 * `YYYY-MM-DD`, RFC 3339 instants, weekday names — and their strict parsers. Parsers return
 * `undefined` instead of throwing, so operators can turn bad input into a `false` verdict.
 */
import { TZDate } from '@date-fns/tz';
import { isValid, parse, parseISO } from 'date-fns';

/** A local wall-clock time of day; `24:00` (end of day) is only allowed as a range end. */
export interface ClockTime {
  readonly hour: number;
  readonly minute: number;
}

/** A local working-hours range `[start, end)`; `end` is later on the same day. */
export interface ClockRange {
  readonly start: ClockTime;
  readonly end: ClockTime;
  /** The range as written, for messages and explain notes. */
  readonly text: string;
}

/** Weekday names as written in rule files, in `Date#getDay()` order (Sunday = 0). */
export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A weekday name as written in rule files. */
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

const WEEKDAY_INDEX: ReadonlyMap<unknown, number> = new Map(
  WEEKDAY_NAMES.map((name, index) => [name, index]),
);

/** The `Date#getDay()` index of a weekday name (`sun` = 0), or `undefined` if it is not one. */
export function weekdayIndex(name: unknown): number | undefined {
  return WEEKDAY_INDEX.get(name);
}

const CLOCK_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const REFERENCE_DAY = new Date(Date.UTC(2000, 0, 1));

/** Parses a strict `HH:mm` (00:00–23:59); `24:00` only when `allowEndOfDay`. */
export function parseClockTime(text: unknown, allowEndOfDay = false): ClockTime | undefined {
  if (typeof text !== 'string') return undefined;
  if (allowEndOfDay && text === '24:00') return { hour: 24, minute: 0 };
  if (!CLOCK_TIME.test(text)) return undefined;
  const parsed = parse(text, 'HH:mm', REFERENCE_DAY);
  if (!isValid(parsed)) return undefined;
  return { hour: parsed.getHours(), minute: parsed.getMinutes() };
}

/** Minutes since local midnight of a wall-clock time; used only to order and compare times. */
export function minuteOfDay(time: ClockTime): number {
  return time.hour * 60 + time.minute;
}

/** Parses `HH:mm-HH:mm` with start strictly before end (end may be `24:00`). */
export function parseClockRange(text: unknown): ClockRange | undefined {
  if (typeof text !== 'string') return undefined;
  const parts = text.split('-');
  if (parts.length !== 2) return undefined;
  const start = parseClockTime(parts[0]?.trim());
  const end = parseClockTime(parts[1]?.trim(), true);
  if (start === undefined || end === undefined) return undefined;
  if (minuteOfDay(start) >= minuteOfDay(end)) return undefined;
  return { start, end, text };
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `text` is a real calendar date `YYYY-MM-DD` (so `2026-02-29` is not, `2028-02-29` is). */
export function isCalendarDate(text: unknown): boolean {
  return (
    typeof text === 'string' &&
    CALENDAR_DATE.test(text) &&
    isValid(parse(text, 'yyyy-MM-dd', REFERENCE_DAY))
  );
}

const RFC3339_INSTANT =
  /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * The epoch milliseconds of a date fact: an RFC 3339 date-time with an offset (`Z` or `±HH:mm`),
 * or a bare `YYYY-MM-DD`, read as midnight UTC. Anything else — including a date-time without
 * an offset, whose meaning would depend on the server's zone — is `undefined`.
 */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (isCalendarDate(value)) return parseISO(`${value}T00:00:00Z`).getTime();
  const upper = value.toUpperCase();
  if (!RFC3339_INSTANT.test(upper)) return undefined;
  const time = parseISO(upper).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/** Whether the host knows `name` as a time zone (IANA names such as `Europe/London`, or `UTC`). */
export function isKnownTimeZone(name: unknown): boolean {
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  return !Number.isNaN(new TZDate(0, name).getTime());
}
