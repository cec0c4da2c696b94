/**
 * A business calendar compiled once from its rule-file definition: the time zone, working days,
 * working-hour ranges and holidays, with the questions routing asks of it. Every date
 * computation goes through date-fns and @date-fns/tz, so daylight-saving changes are handled by
 * the time zone database, never by this file.
 */
import { TZDate, tz } from '@date-fns/tz';
import type { TZDate as TZDateType } from '@date-fns/tz';
import {
  addDays,
  addMilliseconds,
  differenceInMilliseconds,
  format,
  getDay,
  getHours,
  getMinutes,
  hoursToMilliseconds,
  lightFormat,
  startOfDay,
} from 'date-fns';
import type { CalendarDefinition } from '../model/rule-set.js';
import {
  WEEKDAY_NAMES,
  isCalendarDate,
  isKnownTimeZone,
  minuteOfDay,
  parseClockRange,
  weekdayIndex,
} from './local-formats.js';
import type { ClockRange, ClockTime, WeekdayName } from './local-formats.js';

/**
 * How far ahead (in local days) searches for an opening or a due date look before giving up;
 * bounds the work for a calendar whose holidays cover every working day.
 */
const SEARCH_LIMIT_DAYS = 366 * 30;

/** A local date-time on a calendar, for explain notes and suite output. */
export interface LocalTime {
  /** The calendar's name. */
  readonly calendar: string;
  readonly timezone: string;
  /** Local date `YYYY-MM-DD`. */
  readonly date: string;
  /** Local wall-clock time `HH:mm`. */
  readonly time: string;
  readonly weekday: WeekdayName;
  /** UTC offset in effect, e.g. `+01:00`. */
  readonly offset: string;
  /** One line for people: `Sun 2026-03-29 10:30 +01:00 Europe/London (calendar uk-office)`. */
  readonly text: string;
}

/** One stretch of open time as real instants (epoch ms), `[start, end)`. */
interface OpenInterval {
  readonly start: number;
  readonly end: number;
}

/** The parts of a calendar a compiled `BusinessCalendar` is built from. */
export interface BusinessCalendarSpec {
  readonly name: string;
  readonly timezone: string;
  readonly days: readonly unknown[];
  readonly hours: readonly unknown[];
  readonly holidays: readonly unknown[];
}

/**
 * A compiled calendar. Entries the loader would reject (bad zone, malformed hours) are skipped
 * rather than thrown on, so building one never fails; an unknown zone falls back to UTC.
 */
export class BusinessCalendar {
  /** The calendar's name as written in `calendars:`. */
  readonly name: string;
  /** The IANA time zone its days and hours are read in. */
  readonly timezone: string;
  private readonly zone: ReturnType<typeof tz>;
  private readonly workingDays: ReadonlySet<number>;
  private readonly ranges: readonly ClockRange[];
  private readonly holidays: ReadonlySet<string>;

  constructor(spec: BusinessCalendarSpec) {
    this.name = spec.name;
    this.timezone = isKnownTimeZone(spec.timezone) ? spec.timezone : 'UTC';
    this.zone = tz(this.timezone);
    const days = new Set<number>();
    for (const day of listOrEmpty(spec.days)) {
      const index = weekdayIndex(day);
      if (index !== undefined) days.add(index);
    }
    this.workingDays = days;
    this.ranges = listOrEmpty(spec.hours)
      .map(parseClockRange)
      .filter((range): range is ClockRange => range !== undefined)
      .sort((a, b) => minuteOfDay(a.start) - minuteOfDay(b.start));
    this.holidays = new Set(
      listOrEmpty(spec.holidays).filter((day): day is string => isCalendarDate(day)),
    );
  }

  /** Compiles a rule-file calendar definition. */
  static fromDefinition(definition: CalendarDefinition): BusinessCalendar {
    return new BusinessCalendar(definition);
  }

  /** Whether the local date of `instant` is a working day that is not a holiday. */
  isWorkingDay(instant: Date | number): boolean {
    return this.isWorkingLocalDay(this.toLocal(instant));
  }

  /**
   * Whether the calendar is open at `instant`: a working day that is not a holiday, with the
   * local wall-clock time inside one of the working-hour ranges (start inclusive, end exclusive).
   */
  isOpen(instant: Date | number): boolean {
    const local = this.toLocal(instant);
    if (!this.isWorkingLocalDay(local)) return false;
    const minute = minuteOfDay({ hour: getHours(local), minute: getMinutes(local) });
    return this.ranges.some(
      (range) => minute >= minuteOfDay(range.start) && minute < minuteOfDay(range.end),
    );
  }

  /**
   * The first instant at or after `instant` at which the calendar is open (`instant` itself when
   * open); `undefined` when it never opens (no working days or hours).
   */
  nextOpening(instant: Date | number): Date | undefined {
    const from = new Date(instant).getTime();
    if (this.isOpen(from)) return new Date(from);
    for (const interval of this.openIntervalsFrom(from)) {
      if (interval.end > from) return new Date(Math.max(interval.start, from));
    }
    return undefined;
  }

  /**
   * The instant after `hours` of open time have elapsed from `instant`, counting only real time
   * inside working hours (so an hour on a daylight-saving day is still sixty minutes). Lands on
   * the closing time when the hours end exactly there; `undefined` when the calendar never opens.
   */
  addBusinessHours(instant: Date | number, hours: number): Date | undefined {
    const from = new Date(instant).getTime();
    let remaining = hoursToMilliseconds(Math.max(0, hours));
    for (const interval of this.openIntervalsFrom(from)) {
      if (interval.end <= from) continue;
      const start = Math.max(interval.start, from);
      const available = differenceInMilliseconds(interval.end, start);
      if (remaining <= available) return addMilliseconds(start, remaining);
      remaining -= available;
    }
    return undefined;
  }

  /**
   * Close of business on the `days`-th working day after the local date of `instant` (holidays
   * and non-working days are skipped; `0` means today if it is a working day). Counting whole
   * days from the local date means an event at 23:00 and one at 08:00 get the same due date.
   */
  addBusinessDays(instant: Date | number, days: number): Date | undefined {
    if (this.ranges.length === 0 || this.workingDays.size === 0) return undefined;
    let day = startOfDay(instant, { in: this.zone });
    if (days <= 0 && this.isWorkingLocalDay(day)) return this.closeOfBusiness(day);
    let counted = 0;
    for (let i = 0; i < SEARCH_LIMIT_DAYS; i++) {
      day = addDays(day, 1);
      if (!this.isWorkingLocalDay(day)) continue;
      counted++;
      if (counted >= days) return this.closeOfBusiness(day);
    }
    return undefined;
  }

  /** The local date, time and offset of `instant` in this calendar's zone. */
  localTime(instant: Date | number): LocalTime {
    const local = this.toLocal(instant);
    const date = lightFormat(local, 'yyyy-MM-dd');
    const time = lightFormat(local, 'HH:mm');
    const weekday = WEEKDAY_NAMES[getDay(local)] ?? 'sun';
    const offset = format(local, 'xxx');
    const text = `${format(local, 'EEE')} ${date} ${time} ${offset} ${this.timezone} (calendar ${this.name})`;
    return { calendar: this.name, timezone: this.timezone, date, time, weekday, offset, text };
  }

  /** The instant read in this calendar's zone; getters on the result return local fields. */
  toLocal(instant: Date | number): TZDateType {
    return new TZDate(new Date(instant).getTime(), this.timezone);
  }

  private isWorkingLocalDay(local: Date): boolean {
    if (!this.workingDays.has(getDay(local))) return false;
    return this.holidays.size === 0 || !this.holidays.has(lightFormat(local, 'yyyy-MM-dd'));
  }

  /** The open intervals of every working day from the local date of `instant` onwards. */
  private *openIntervalsFrom(instant: number): Generator<OpenInterval> {
    if (this.ranges.length === 0 || this.workingDays.size === 0) return;
    let day = startOfDay(instant, { in: this.zone });
    for (let i = 0; i < SEARCH_LIMIT_DAYS; i++) {
      if (this.isWorkingLocalDay(day)) {
        for (const range of this.ranges) {
          yield {
            start: this.atLocalTime(day, range.start).getTime(),
            end: this.atLocalTime(day, range.end).getTime(),
          };
        }
      }
      day = addDays(day, 1);
    }
  }

  private closeOfBusiness(day: TZDateType): Date | undefined {
    const last = this.ranges[this.ranges.length - 1];
    return last === undefined ? undefined : new Date(this.atLocalTime(day, last.end).getTime());
  }

  /**
   * The instant a local wall-clock time occurs on `day`; `24:00` is the next midnight. A time
   * skipped by a spring-forward change resolves the way @date-fns/tz does (later by the gap).
   */
  private atLocalTime(day: TZDateType, time: ClockTime): TZDateType {
    return new TZDate(
      day.getFullYear(),
      day.getMonth(),
      day.getDate(),
      time.hour,
      time.minute,
      this.timezone,
    );
  }
}

/** Lists from a definition that skipped the loader may be missing; treat them as empty. */
function listOrEmpty(list: readonly unknown[] | undefined): readonly unknown[] {
  return Array.isArray(list) ? list : [];
}

/**
 * The calendar used when an event's region has none: UTC, open around the clock every day, so
 * `businessHours` count as clock hours and nothing is deferred.
 */
export const ALWAYS_OPEN_UTC = new BusinessCalendar({
  name: 'none (UTC, always open)',
  timezone: 'UTC',
  days: WEEKDAY_NAMES,
  hours: ['00:00-24:00'],
  holidays: [],
});
