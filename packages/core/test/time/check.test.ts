import { describe, expect, it } from 'vitest';
import type { NotifyDefinition, RuleDefinition, SourceLocation } from '@exroute/core';
import { checkTimeDefinitions } from '../../src/time/check.js';
import type { TimeCheckReporter, TimePlace } from '../../src/time/check.js';
import { UK_OFFICE, timeDefinitions } from './time-definitions.js';
import type { CalendarTable } from './time-definitions.js';

interface Reported {
  severity: 'error' | 'warning';
  code: string;
  pointer: string;
}

/** A sink that keeps what was reported, with places rendered as JSON Pointers. */
function collector(): { reporter: TimeCheckReporter; reported: Reported[] } {
  const reported: Reported[] = [];
  const pointer = (place: TimePlace) => place.segments.map((s) => `/${s}`).join('');
  return {
    reported,
    reporter: {
      error: (code, _message, place) =>
        reported.push({ severity: 'error', code, pointer: pointer(place) }),
      warning: (code, _message, place) =>
        reported.push({ severity: 'warning', code, pointer: pointer(place) }),
    },
  };
}

const ruleLocation: SourceLocation = {
  file: 'rules.yaml',
  line: 5,
  column: 5,
  pointer: '/rules/0',
};
const notifyLocation: SourceLocation = { ...ruleLocation, pointer: '/rules/0/notify/0' };

function rule(
  extra: Partial<RuleDefinition> = {},
  notify: Partial<NotifyDefinition> = {},
): RuleDefinition {
  return {
    id: 'r1',
    priority: 0,
    order: 0,
    condition: { all: [] },
    notify: [{ to: ['ops'], template: 't', location: notifyLocation, ...notify }],
    stop: false,
    location: ruleLocation,
    ...extra,
  };
}

function check(
  calendars: CalendarTable,
  rules: RuleDefinition[] = [],
  regionCalendars: Record<string, string> = {},
  regions: Record<string, string[]> = {},
): Reported[] {
  const definitions = timeDefinitions(calendars, regionCalendars, regions);
  for (const calendar of definitions.calendars.values()) {
    Object.assign(calendar, {
      location: { ...ruleLocation, pointer: `/calendars/${calendar.name}` },
    });
  }
  for (const group of definitions.regions.values()) {
    Object.assign(group, { location: { ...ruleLocation, pointer: `/regions/${group.name}` } });
  }
  const { reporter, reported } = collector();
  checkTimeDefinitions({ ...definitions, rules }, reporter);
  return reported;
}

describe('calendar checks', () => {
  it('accepts a well-formed calendar', () => {
    expect(check({ uk: UK_OFFICE })).toEqual([]);
  });

  it.each([
    [{ ...UK_OFFICE, timezone: 'Europe/Londn' }, 'EXR_UNKNOWN_TIMEZONE', '/calendars/uk/timezone'],
    [{ ...UK_OFFICE, timezone: 'Mars/Olympus' }, 'EXR_UNKNOWN_TIMEZONE', '/calendars/uk/timezone'],
    [
      { ...UK_OFFICE, hours: ['09:00-12:30', '13:30-17:60'] },
      'EXR_INVALID_TIME',
      '/calendars/uk/hours/1',
    ],
    [{ ...UK_OFFICE, hours: ['17:00-09:00'] }, 'EXR_INVALID_TIME', '/calendars/uk/hours/0'],
    [{ ...UK_OFFICE, hours: [] }, 'EXR_EMPTY_WORKING_HOURS', '/calendars/uk/hours'],
    [{ ...UK_OFFICE, days: [] }, 'EXR_EMPTY_WORKING_HOURS', '/calendars/uk/days'],
    [{ ...UK_OFFICE, days: ['mon', 'fryday'] }, 'EXR_INVALID_WEEKDAY', '/calendars/uk/days/1'],
    [
      { ...UK_OFFICE, hours: ['13:30-17:30', '09:00-14:00'] },
      'EXR_OVERLAPPING_WORKING_HOURS',
      '/calendars/uk/hours/0',
    ],
    [{ ...UK_OFFICE, holidays: ['2026-02-29'] }, 'EXR_INVALID_DATE', '/calendars/uk/holidays/0'],
  ])('%j → %s at %s', (calendar, code, pointer) => {
    expect(check({ uk: calendar })).toEqual([{ severity: 'error', code, pointer }]);
  });

  it('lets ranges meet end to start and allows 24:00 and 29 February 2028', () => {
    const calendar = {
      ...UK_OFFICE,
      hours: ['00:00-12:00', '12:00-24:00'],
      holidays: ['2028-02-29'],
    };
    expect(check({ uk: calendar })).toEqual([]);
  });
});

describe('rule checks', () => {
  it('reports effective.from after effective.until at until', () => {
    const reversed = rule({ effective: { from: '2027-12-31', until: '2027-01-01' } });
    expect(check({}, [reversed])).toEqual([
      {
        severity: 'error',
        code: 'EXR_EFFECTIVE_RANGE_REVERSED',
        pointer: '/rules/0/effective/until',
      },
    ]);
  });

  it('reports an impossible effective date', () => {
    expect(check({}, [rule({ effective: { from: '2027-02-29' } })])).toEqual([
      { severity: 'error', code: 'EXR_INVALID_DATE', pointer: '/rules/0/effective/from' },
    ]);
  });

  it('bounds due', () => {
    expect(
      check({ uk: UK_OFFICE }, [rule({}, { due: { businessDays: 100000 } })], { UK: 'uk' }),
    ).toEqual([
      {
        severity: 'error',
        code: 'EXR_DUE_TOO_LONG',
        pointer: '/rules/0/notify/0/due/businessDays',
      },
    ]);
  });
});

describe('regions that need a calendar', () => {
  const regions = { EMEA: ['UK', 'DE'], APAC: ['JP'] };

  it('is an error to need the region calendar with no regionCalendars at all', () => {
    expect(
      check({ uk: UK_OFFICE }, [rule({}, { deferUntil: 'businessHours' })], {}, regions),
    ).toEqual([
      {
        severity: 'error',
        code: 'EXR_REGION_CALENDAR_REQUIRED',
        pointer: '/rules/0/notify/0/deferUntil',
      },
    ]);
  });

  it('warns about each region that resolves to no calendar, at its definition', () => {
    const due = rule({}, { due: { businessHours: 4 } });
    expect(check({ uk: UK_OFFICE }, [due], { EMEA: 'uk' }, regions)).toEqual([
      { severity: 'warning', code: 'EXR_REGION_WITHOUT_CALENDAR', pointer: '/regions/APAC/0' },
    ]);
  });

  it('counts a business-hours condition on the event region as a need', () => {
    const leaf = { fact: '$now', operator: 'not:withinBusinessHours', value: { fact: 'region' } };
    const byRegion = rule({ condition: { all: [{ any: [leaf] }] } });
    expect(check({ uk: UK_OFFICE }, [byRegion], {}, regions)).toEqual([
      { severity: 'error', code: 'EXR_REGION_CALENDAR_REQUIRED', pointer: '/rules/0/id' },
    ]);
  });

  it('says nothing when no rule needs a region calendar', () => {
    expect(check({ uk: UK_OFFICE }, [rule({}, { due: { hours: 4 } })], {}, regions)).toEqual([]);
  });
});
