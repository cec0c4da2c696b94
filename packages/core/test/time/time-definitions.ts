// Builds the calendar parts of a rule set directly, so the time module is tested on its own.
import type { SourceLocation, Weekday } from '@exroute/core';
import type { TimeDefinitions } from '../../src/time/time-context.js';

const here: SourceLocation = { file: 'test.yaml', line: 1, column: 1, pointer: '' };

/** Calendars as written in a rule file: name → timezone, days, hours, holidays. */
export type CalendarTable = Record<
  string,
  { timezone: string; days: string[]; hours: string[]; holidays?: string[] }
>;

export const UK_OFFICE = {
  timezone: 'Europe/London',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  hours: ['09:00-12:30', '13:30-17:30'],
  holidays: ['2026-12-25', '2026-12-28'],
};

export const NY_OFFICE = {
  timezone: 'America/New_York',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  hours: ['09:00-17:00'],
  holidays: [],
};

export const TOKYO_OFFICE = {
  timezone: 'Asia/Tokyo',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  hours: ['09:00-18:00'],
  holidays: [],
};

/** A rule set's time sections from plain tables. */
export function timeDefinitions(
  calendars: CalendarTable,
  regionCalendars: Record<string, string> = {},
  regions: Record<string, string[]> = {},
): TimeDefinitions {
  return {
    calendars: new Map(
      Object.entries(calendars).map(([name, c]) => [
        name,
        {
          name,
          timezone: c.timezone,
          days: c.days as Weekday[],
          hours: c.hours,
          holidays: c.holidays ?? [],
          location: here,
        },
      ]),
    ),
    regionCalendars: new Map(
      Object.entries(regionCalendars).map(([region, calendar]) => [
        region,
        { region, calendar, location: here },
      ]),
    ),
    regions: new Map(
      Object.entries(regions).map(([name, members]) => [name, { name, members, location: here }]),
    ),
  };
}
