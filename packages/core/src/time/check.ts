/**
 * Load-time checks of everything time-related in a rule set: calendars (time zone, days, hours,
 * holidays), rule `effective` windows, `due` bounds, and regions that need a calendar. The loader
 * calls `checkTimeDefinitions` from its time hook; problems are reported at places (file + JSON
 * Pointer segments) that the loader's reporter turns into file:line:column.
 */
import type { Condition } from '../model/condition.js';
import type { SourceLocation } from '../model/diagnostic.js';
import type { CalendarDefinition, RuleDefinition } from '../model/rule-set.js';
import {
  isCalendarDate,
  isKnownTimeZone,
  minuteOfDay,
  parseClockRange,
  weekdayIndex,
} from './local-formats.js';
import type { ClockRange } from './local-formats.js';
import { didYouMean } from '../validate/did-you-mean.js';
import { TimeContext } from './time-context.js';
import type { TimeDefinitions } from './time-context.js';

/** A node of a loaded file. */
export interface TimePlace {
  file: string;
  segments: readonly (string | number)[];
}

/** The sink time checks report into; the loader's `LocatedReporter` fits it. */
export interface TimeCheckReporter {
  error(code: string, message: string, place: TimePlace, options?: { hint?: string }): void;
  warning(code: string, message: string, place: TimePlace, options?: { hint?: string }): void;
}

/** Everything the time checks read. */
export interface TimeCheckInput extends TimeDefinitions {
  readonly rules: readonly RuleDefinition[];
}

/** Operators whose value names a calendar (and so may name the event's region by fact). */
const CALENDAR_OPERATORS: ReadonlySet<string> = new Set([
  'withinBusinessHours',
  'outsideBusinessHours',
]);

/** Upper bounds on `due`, so a typo cannot make routing search decades of calendar days. */
const DUE_LIMITS = { hours: 24 * 366 * 10, businessHours: 24 * 366 * 10, businessDays: 366 * 10 };

function placeOf(location: SourceLocation, ...segments: (string | number)[]): TimePlace {
  const base =
    location.pointer === ''
      ? []
      : location.pointer
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return { file: location.file, segments: [...base, ...segments] };
}

/**
 * The check runs even when other checks already failed, on definitions that may be partly
 * malformed; a list that is not one is treated as empty instead of throwing.
 */
function listOf<T>(list: readonly T[] | undefined): readonly T[] {
  return Array.isArray(list) ? (list as readonly T[]) : [];
}

function hintOption(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

/**
 * Reports every time problem of a rule set in one pass. Codes: `EXR_UNKNOWN_TIMEZONE`,
 * `EXR_INVALID_WEEKDAY`, `EXR_INVALID_TIME`, `EXR_EMPTY_WORKING_HOURS`,
 * `EXR_OVERLAPPING_WORKING_HOURS`, `EXR_INVALID_DATE`, `EXR_EFFECTIVE_RANGE_REVERSED`,
 * `EXR_DUE_TOO_LONG`, `EXR_REGION_CALENDAR_REQUIRED` (errors) and `EXR_REGION_WITHOUT_CALENDAR`
 * (warning).
 */
export function checkTimeDefinitions(input: TimeCheckInput, reporter: TimeCheckReporter): void {
  for (const calendar of input.calendars.values()) checkCalendar(calendar, reporter);
  for (const rule of input.rules) {
    checkEffective(rule, reporter);
    checkReviewBy(rule, reporter);
    checkDue(rule, reporter);
  }
  checkRegionCalendars(input, reporter);
}

function checkCalendar(calendar: CalendarDefinition, reporter: TimeCheckReporter): void {
  const at = (...segments: (string | number)[]) => placeOf(calendar.location, ...segments);
  if (!isKnownTimeZone(calendar.timezone)) {
    const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
    reporter.error(
      'EXR_UNKNOWN_TIMEZONE',
      `calendar '${calendar.name}': '${calendar.timezone}' is not an IANA time zone; write a name such as Europe/London or America/New_York`,
      at('timezone'),
      hintOption(didYouMean(calendar.timezone, zones)),
    );
  }
  const days = listOf(calendar.days);
  days.forEach((day, index) => {
    if (weekdayIndex(day) === undefined) {
      reporter.error(
        'EXR_INVALID_WEEKDAY',
        `calendar '${calendar.name}': '${String(day)}' is not a weekday; use mon, tue, wed, thu, fri, sat or sun`,
        at('days', index),
      );
    }
  });
  if (days.length === 0) {
    reporter.error(
      'EXR_EMPTY_WORKING_HOURS',
      `calendar '${calendar.name}' has no working days, so it never opens; list at least one day`,
      at('days'),
    );
  }
  checkHours(calendar.name, listOf(calendar.hours), at, reporter);
  listOf(calendar.holidays).forEach((holiday, index) => {
    if (!isCalendarDate(holiday)) {
      reporter.error(
        'EXR_INVALID_DATE',
        `calendar '${calendar.name}': holiday '${String(holiday)}' is not a real date; write YYYY-MM-DD`,
        at('holidays', index),
      );
    }
  });
}

function checkHours(
  name: string,
  hours: readonly unknown[],
  at: (...segments: (string | number)[]) => TimePlace,
  reporter: TimeCheckReporter,
): void {
  if (hours.length === 0) {
    reporter.error(
      'EXR_EMPTY_WORKING_HOURS',
      `calendar '${name}' has no working hours, so it never opens; add a range such as "09:00-17:00"`,
      at('hours'),
    );
    return;
  }
  const ranges: { range: ClockRange; index: number }[] = [];
  hours.forEach((text, index) => {
    const range = parseClockRange(text);
    if (range === undefined) {
      reporter.error(
        'EXR_INVALID_TIME',
        `calendar '${name}': '${String(text)}' is not a working-hours range; write HH:mm-HH:mm with the start before the end (00:00-24:00 at most, no crossing midnight)`,
        at('hours', index),
      );
    } else {
      ranges.push({ range, index });
    }
  });
  ranges.sort((a, b) => minuteOfDay(a.range.start) - minuteOfDay(b.range.start));
  for (let i = 1; i < ranges.length; i++) {
    const previous = ranges[i - 1]!;
    const current = ranges[i]!;
    if (minuteOfDay(current.range.start) < minuteOfDay(previous.range.end)) {
      reporter.error(
        'EXR_OVERLAPPING_WORKING_HOURS',
        `calendar '${name}': '${current.range.text}' overlaps '${previous.range.text}'; merge them or make them meet end to start`,
        at('hours', current.index),
      );
    }
  }
}

function checkEffective(rule: RuleDefinition, reporter: TimeCheckReporter): void {
  const effective = rule.effective;
  if (effective === undefined) return;
  const at = (key: string) => placeOf(rule.location, 'effective', key);
  let valid = true;
  for (const key of ['from', 'until'] as const) {
    const date = effective[key];
    if (date !== undefined && !isCalendarDate(date)) {
      valid = false;
      reporter.error(
        'EXR_INVALID_DATE',
        `rule '${rule.id}': effective.${key} '${date}' is not a real date; write YYYY-MM-DD`,
        at(key),
      );
    }
  }
  const { from, until } = effective;
  // `YYYY-MM-DD` strings order like the dates they name.
  if (valid && from !== undefined && until !== undefined && from > until) {
    reporter.error(
      'EXR_EFFECTIVE_RANGE_REVERSED',
      `rule '${rule.id}': effective.from ${from} is after effective.until ${until}, so the rule would never apply; swap them`,
      at('until'),
    );
  }
}

/** `reviewBy` is review metadata, but a date that does not exist would never come due. */
function checkReviewBy(rule: RuleDefinition, reporter: TimeCheckReporter): void {
  const date = rule.reviewBy;
  if (date === undefined || isCalendarDate(date)) return;
  reporter.error(
    'EXR_INVALID_DATE',
    `rule '${rule.id}': reviewBy '${date}' is not a real date; write YYYY-MM-DD`,
    placeOf(rule.location, 'reviewBy'),
  );
}

function checkDue(rule: RuleDefinition, reporter: TimeCheckReporter): void {
  for (const notify of listOf(rule.notify)) {
    const due = notify.due;
    if (due === undefined) continue;
    for (const key of ['hours', 'businessHours', 'businessDays'] as const) {
      const amount = due[key];
      if (amount !== undefined && amount > DUE_LIMITS[key]) {
        reporter.error(
          'EXR_DUE_TOO_LONG',
          `rule '${rule.id}': due.${key} ${amount} is more than ten years; use at most ${DUE_LIMITS[key]}`,
          placeOf(notify.location, 'due', key),
        );
      }
    }
  }
}

/** Where a rule needs the calendar of the event's region, if anywhere. */
function regionCalendarNeed(rule: RuleDefinition): TimePlace | undefined {
  for (const notify of listOf(rule.notify)) {
    if (notify.due?.businessHours !== undefined) {
      return placeOf(notify.location, 'due', 'businessHours');
    }
    if (notify.due?.businessDays !== undefined) {
      return placeOf(notify.location, 'due', 'businessDays');
    }
    if (notify.deferUntil !== undefined) return placeOf(notify.location, 'deferUntil');
  }
  return usesRegionFactCalendar(rule.condition) ? placeOf(rule.location, 'id') : undefined;
}

function usesRegionFactCalendar(condition: Condition): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  if ('all' in condition) return listOf(condition.all).some(usesRegionFactCalendar);
  if ('any' in condition) return listOf(condition.any).some(usesRegionFactCalendar);
  if ('not' in condition) return usesRegionFactCalendar(condition.not);
  if (!('operator' in condition)) return false;
  const base =
    typeof condition.operator === 'string' ? (condition.operator.split(':').pop() ?? '') : '';
  const value: unknown = condition.value;
  return (
    CALENDAR_OPERATORS.has(base) &&
    typeof value === 'object' &&
    value !== null &&
    (value as { fact?: unknown }).fact === 'region'
  );
}

/**
 * Rules that use the event region's calendar need `regionCalendars`: none at all is an error at
 * the first place that needs one; a region code of the rule set that resolves to no calendar is
 * a warning at its definition (such events fall back to UTC, always open).
 */
function checkRegionCalendars(input: TimeCheckInput, reporter: TimeCheckReporter): void {
  let need: TimePlace | undefined;
  for (const rule of input.rules) {
    need = regionCalendarNeed(rule);
    if (need !== undefined) break;
  }
  if (need === undefined) return;
  if (input.regionCalendars.size === 0) {
    reporter.error(
      'EXR_REGION_CALENDAR_REQUIRED',
      'this uses the calendar of the event region, but regionCalendars is empty; map regions (or region groups) to calendars, e.g. regionCalendars: { UK: uk-office }',
      need,
    );
    return;
  }
  const context = new TimeContext(input);
  const reported = new Set<string>();
  for (const group of input.regions.values()) {
    listOf(group.members).forEach((member, index) => {
      if (input.regions.has(member) || reported.has(member)) return;
      if (context.resolve(member) !== undefined) return;
      reported.add(member);
      reporter.warning(
        'EXR_REGION_WITHOUT_CALENDAR',
        `region '${member}' has no calendar (neither it nor a group containing it is in regionCalendars); its events get due dates in UTC around the clock and are never deferred`,
        placeOf(group.location, index),
        { hint: `add '${member}' or one of its groups to regionCalendars` },
      );
    });
  }
}
