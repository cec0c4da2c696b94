import type { SourceLocation } from '../model/diagnostic.js';
import type {
  CalendarDefinition,
  RegionCalendarDefinition,
  RegionGroupDefinition,
  RuleDefinition,
} from '../model/rule-set.js';
import { checkTimeDefinitions } from '../time/check.js';
import { didYouMean } from './did-you-mean.js';
import { fromPointer } from './json-pointer.js';
import type { LocatedReporter } from './located-reporter.js';

/** Everything time checks need: calendars, their region mapping, the rules, and positions. */
export interface TimeSectionInput {
  calendars: ReadonlyMap<string, CalendarDefinition>;
  regionCalendars: ReadonlyMap<string, RegionCalendarDefinition>;
  regions: ReadonlyMap<string, RegionGroupDefinition>;
  /** Built rules; `effective` and each notify entry's `due` / `deferUntil` are as written. */
  rules: readonly RuleDefinition[];
  /** Reports at a node: `reporter.error(code, message, { file, segments })`. */
  reporter: LocatedReporter;
  /** Location of a JSON Pointer inside a loaded file. */
  locate: (file: string, pointer: string) => SourceLocation;
  /** Whether an error was reported before the time checks ran. */
  hasErrors: () => boolean;
}

/**
 * THE TIME HOOK (issue 6). The loader calls this once per load, after every other check, with
 * all calendars, region calendars and rules. The JSON Schema has already checked the time keys'
 * structure; here the loader checks the references between them, then hands over to the time
 * module's `checkTimeDefinitions` (time zones, hour ranges, dates, effective windows, due bounds,
 * region calendars).
 */
export function checkTimeSection(input: TimeSectionInput): void {
  const { calendars, regionCalendars, rules, reporter } = input;
  for (const mapping of regionCalendars.values()) {
    if (calendars.has(mapping.calendar) || mapping.calendar === '') continue;
    reporter.error(
      'EXR_UNKNOWN_CALENDAR',
      `regionCalendars maps '${mapping.region}' to calendar '${mapping.calendar}', which is not defined under calendars`,
      { file: mapping.location.file, segments: fromPointer(mapping.location.pointer) },
      { hint: didYouMean(mapping.calendar, calendars.keys()) },
    );
  }
  for (const rule of rules) {
    const calendar = rule.effective?.calendar;
    if (calendar === undefined || calendars.has(calendar)) continue;
    reporter.error(
      'EXR_UNKNOWN_CALENDAR',
      `effective.calendar '${calendar}' is not defined under calendars`,
      {
        file: rule.location.file,
        segments: [...fromPointer(rule.location.pointer), 'effective', 'calendar'],
      },
      { hint: didYouMean(calendar, calendars.keys()) },
    );
  }
  try {
    checkTimeDefinitions(input, reporter);
  } catch (error) {
    // Rules that already failed structurally may be malformed in ways the time checks do not
    // expect; those errors are reported. A failure on a clean rule set is a bug worth surfacing.
    if (input.hasErrors()) return;
    reporter.raw({
      code: 'EXR_INTERNAL',
      severity: 'error',
      message: `the time checks failed unexpectedly (${error instanceof Error ? error.message : String(error)}); please report this with the rule files`,
    });
  }
}
