import { describe, expect, it } from 'vitest';
import { RuleSetError, parseRuleSet } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

const HEADER = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE]
  APAC: [JP]
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: EXS-ALERT, channels: [email] }
`;

/** Every diagnostic of a rule file: the thrown errors, or the warnings of a loaded set. */
function diagnosticsOf(text: string): Diagnostic[] {
  try {
    return [...parseRuleSet(text, { filename: 'time.yaml' }).warnings];
  } catch (error) {
    if (error instanceof RuleSetError) return error.diagnostics;
    throw error;
  }
}

function found(text: string) {
  return diagnosticsOf(text).map(({ code, severity, line, column }) => ({
    code,
    severity,
    line,
    column,
  }));
}

const CALENDAR = `calendars:
  uk-office:
    timezone: Europe/London
    days: [mon, tue, wed, thu, fri]
    hours: ["09:00-12:30", "13:30-17:30"]
    holidays: ["2026-12-25", "2028-02-29"]
`;

describe('time checks through the loader, with file:line:column', () => {
  it('loads a well-formed calendar and rules that use it', () => {
    const text = `${HEADER}${CALENDAR}regionCalendars:
  EMEA: uk-office
  APAC: uk-office
rules:
  - id: after-hours
    effective: { from: "2027-01-01", until: "2027-12-31", calendar: uk-office }
    conditions:
      all:
        - { fact: $now, operator: outsideBusinessHours, value: { fact: region } }
        - { fact: time, operator: timeBetween, value: { from: "22:00", to: "06:00", calendar: uk-office } }
        - { fact: time, operator: dayOfWeek, value: [sat, sun] }
        - { fact: data, path: $.dueDate, operator: before, value: { fact: $now } }
    notify:
      - { to: [ops], template: alert, due: { businessDays: 2 }, deferUntil: businessHours }
`;
    expect(found(text)).toEqual([]);
  });

  it('reports an unknown time zone at its value', () => {
    const text = `${HEADER}${CALENDAR.replace('Europe/London', 'Europe/Londn')}`;
    expect(found(text)).toContainEqual({
      code: 'EXR_UNKNOWN_TIMEZONE',
      severity: 'error',
      line: 11,
      column: 15,
    });
  });

  it('reports malformed and overlapping working hours at the entry', () => {
    const text = `${HEADER}${CALENDAR.replace('"13:30-17:30"', '"12:00-17:60", "12:00-13:00"')}`;
    expect(found(text)).toEqual([
      { code: 'EXR_INVALID_TIME', severity: 'error', line: 13, column: 28 },
      { code: 'EXR_OVERLAPPING_WORKING_HOURS', severity: 'error', line: 13, column: 43 },
    ]);
  });

  it('reports a holiday that is not a real date', () => {
    const text = `${HEADER}${CALENDAR.replace('2028-02-29', '2026-02-29')}`;
    expect(found(text)).toEqual([
      { code: 'EXR_INVALID_DATE', severity: 'error', line: 14, column: 30 },
    ]);
  });

  it('reports a reversed effective window, an unknown calendar and a missing region calendar', () => {
    const text = `${HEADER}${CALENDAR}rules:
  - id: r1
    effective: { from: "2027-12-31", until: "2027-01-01" }
    when: { $now: { withinBusinessHours: uk-ofice } }
    notify:
      - { to: [ops], template: alert, deferUntil: businessHours }
`;
    expect(found(text)).toEqual([
      { code: 'EXR_EFFECTIVE_RANGE_REVERSED', severity: 'error', line: 17, column: 45 },
      { code: 'EXR_UNKNOWN_CALENDAR', severity: 'error', line: 18, column: 42 },
      { code: 'EXR_REGION_CALENDAR_REQUIRED', severity: 'error', line: 20, column: 51 },
    ]);
  });

  it('warns about a region without a calendar when due dates need one', () => {
    const text = `${HEADER}${CALENDAR}regionCalendars:
  EMEA: uk-office
rules:
  - id: r1
    when: { type: batch.failed }
    notify:
      - { to: [ops], template: alert, due: { businessHours: 4 } }
`;
    expect(found(text)).toEqual([
      { code: 'EXR_REGION_WITHOUT_CALENDAR', severity: 'warning', line: 4, column: 10 },
    ]);
  });
});
