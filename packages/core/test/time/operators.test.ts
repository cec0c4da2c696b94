import { describe, expect, it } from 'vitest';
import type { OperatorContext, OperatorDefinition } from '../../src/operators/operator.js';
import { OPERATORS } from '../../src/operators/registry.js';
import { buildTimeContext } from '../../src/time/time-context.js';
import { NY_OFFICE, TOKYO_OFFICE, UK_OFFICE, timeDefinitions } from './time-definitions.js';

const context: OperatorContext = {
  regionMembers: new Map(),
  time: buildTimeContext(
    timeDefinitions(
      { 'uk-office': UK_OFFICE, 'ny-office': NY_OFFICE, 'tokyo-office': TOKYO_OFFICE },
      { UK: 'uk-office', US: 'ny-office', JP: 'tokyo-office' },
    ),
  ),
};

function operator(name: string): OperatorDefinition {
  const found = OPERATORS.get(name);
  if (found === undefined) throw new Error(`operator ${name} is not registered`);
  return found;
}

/** Both evaluation paths (fact-to-fact `evaluate` and compiled `prepare`) must agree. */
function verdict(name: string, fact: unknown, value: unknown): boolean {
  const op = operator(name);
  const evaluated = op.evaluate(fact, value, context);
  const prepared = op.prepare?.(value, context)(fact) ?? evaluated;
  expect(prepared).toBe(evaluated);
  return evaluated;
}

describe('registration', () => {
  it.each([
    'withinBusinessHours',
    'outsideBusinessHours',
    'timeBetween',
    'dayOfWeek',
    'before',
    'after',
  ])('%s is an exroute operator with a load-time value check', (name) => {
    expect(operator(name).origin).toBe('exroute');
    expect(operator(name).checkValue).toBeTypeOf('function');
  });
});

describe('withinBusinessHours / outsideBusinessHours', () => {
  it.each([
    // 02:00 in Tokyo on a Monday: outside; 10:00: within.
    ['2026-03-29T17:00:00Z', 'tokyo-office', false],
    ['2026-03-30T01:00:00Z', 'tokyo-office', true],
    ['2026-03-30T01:00:00Z', 'JP', true], // a region resolves through regionCalendars
    ['2026-03-30T08:30:00Z', 'UK', true], // 09:30 BST
    ['2026-03-27T08:30:00Z', 'UK', false], // 08:30 GMT
    ['2026-03-09T13:30:00Z', 'US', true], // 09:30 EDT
    ['2026-03-30T08:30:00+00:00', 'uk-office', true],
    ['2026-03-30T09:30:00+01:00', 'uk-office', true],
  ])('%s in %s → within %s', (instant, calendar, within) => {
    expect(verdict('withinBusinessHours', instant, calendar)).toBe(within);
    expect(verdict('outsideBusinessHours', instant, calendar)).toBe(!within);
  });

  it.each([
    ['not a date', 'uk-office'],
    ['2026-03-30T10:00:00', 'uk-office'], // no offset: its instant would depend on the server
    ['2026-02-30T10:00:00Z', 'uk-office'],
    [12345, 'uk-office'],
    [undefined, 'uk-office'],
    ['2026-03-30T10:00:00Z', 'FR'], // region without a calendar
    ['2026-03-30T10:00:00Z', 'no-such-calendar'],
    ['2026-03-30T10:00:00Z', undefined], // event without a region
  ])('%s with %s is false for both, never a throw', (fact, value) => {
    expect(verdict('withinBusinessHours', fact, value)).toBe(false);
    expect(verdict('outsideBusinessHours', fact, value)).toBe(false);
  });

  it('is false without a time context rather than throwing', () => {
    const bare: OperatorContext = { regionMembers: new Map() };
    expect(operator('withinBusinessHours').evaluate('2026-03-30T10:00:00Z', 'UK', bare)).toBe(
      false,
    );
  });
});

describe('timeBetween crosses midnight in the calendar zone', () => {
  const night = { from: '22:00', to: '06:00', calendar: 'uk-office' };
  it.each([
    ['2026-03-28T21:59:00Z', false], // Sat 21:59 GMT
    ['2026-03-28T22:00:00Z', true], // from is inclusive
    ['2026-03-28T23:30:00Z', true],
    ['2026-03-29T04:30:00Z', true], // 05:30 BST, after the spring change
    ['2026-03-29T05:30:00Z', false], // 06:30 BST, though 05:30 UTC
    ['2026-10-25T05:30:00Z', true], // 05:30 GMT after the autumn change
    ['2026-10-24T05:30:00Z', false], // 06:30 BST before it
  ])('London night at %s → %s', (instant, inside) => {
    expect(verdict('timeBetween', instant, night)).toBe(inside);
  });

  it.each([
    ['2026-11-01T10:30:00Z', true], // 05:30 EST
    ['2026-11-01T11:00:00Z', false], // 06:00 EST: to is exclusive
    ['2026-10-31T10:30:00Z', false], // 06:30 EDT
    ['2026-03-08T06:30:00Z', true], // 01:30 EST before the spring change
    ['2026-03-08T10:30:00Z', false], // 06:30 EDT after it
  ])('New York night at %s → %s', (instant, inside) => {
    expect(verdict('timeBetween', instant, { ...night, calendar: 'US' })).toBe(inside);
  });

  it('reads UTC without a calendar and supports same-day windows', () => {
    expect(verdict('timeBetween', '2026-03-30T10:00:00Z', { from: '09:00', to: '17:00' })).toBe(
      true,
    );
    expect(verdict('timeBetween', '2026-03-30T17:00:00Z', { from: '09:00', to: '17:00' })).toBe(
      false,
    );
    expect(verdict('timeBetween', '2026-03-30T23:59:00Z', { from: '22:00', to: '24:00' })).toBe(
      true,
    );
  });

  it.each([
    [{ from: '22:00', to: '22:00' }],
    [{ from: '25:00', to: '06:00' }],
    [{ from: '22:00' }],
    [{ from: '22:00', to: '06:00', calendar: 'nowhere' }],
    ['22:00-06:00'],
  ])('is false for the malformed window %j', (value) => {
    expect(verdict('timeBetween', '2026-03-30T23:00:00Z', value)).toBe(false);
  });
});

describe('dayOfWeek', () => {
  it('reads the weekday in the calendar zone', () => {
    // 2026-03-29T23:30Z is still Sunday in UTC but already 00:30 Monday in London (BST).
    expect(verdict('dayOfWeek', '2026-03-29T23:30:00Z', ['mon'])).toBe(false);
    expect(
      verdict('dayOfWeek', '2026-03-29T23:30:00Z', { days: ['mon'], calendar: 'uk-office' }),
    ).toBe(true);
    expect(
      verdict('dayOfWeek', '2026-03-29T16:00:00Z', { days: ['mon'], calendar: 'tokyo-office' }),
    ).toBe(true);
  });

  it('knows 29 February 2028 is a Tuesday', () => {
    expect(verdict('dayOfWeek', '2028-02-29T12:00:00Z', ['tue'])).toBe(true);
    expect(verdict('dayOfWeek', '2028-02-29', 'tue')).toBe(true);
    expect(verdict('dayOfWeek', '2028-02-29T12:00:00Z', ['sat', 'sun'])).toBe(false);
  });

  it.each([[[]], [['funday']], [{ days: ['mon'], calendar: 'nowhere' }], [42]])(
    'is false for the malformed value %j',
    (value) => {
      expect(verdict('dayOfWeek', '2026-03-30T10:00:00Z', value)).toBe(false);
    },
  );
});

describe('before / after', () => {
  it.each([
    ['2026-03-29T00:59:59Z', '2026-03-29T01:00:00Z', true, false],
    ['2026-03-29T02:00:00+01:00', '2026-03-29T01:00:00Z', false, false], // the same instant
    ['2026-03-29T02:00:00+01:00', '2026-03-29T00:30:00Z', false, true],
    ['2028-02-29', '2028-03-01T00:00:00Z', true, false], // a date is midnight UTC
    ['2028-02-29', '2028-02-28T23:59:59+01:00', false, true], // 22:59:59Z on the 28th
  ])('%s vs %s: before %s, after %s', (fact, value, isBefore, isAfter) => {
    expect(verdict('before', fact, value)).toBe(isBefore);
    expect(verdict('after', fact, value)).toBe(isAfter);
  });

  it.each([
    ['2026-02-29', '2027-01-01'],
    ['2026-01-01', 'tomorrow'],
    [null, '2027-01-01'],
    ['2026-01-01T10:00:00', '2027-01-01'],
  ])('%j vs %j is false both ways', (fact, value) => {
    expect(verdict('before', fact, value)).toBe(false);
    expect(verdict('after', fact, value)).toBe(false);
  });
});

describe('checkValue', () => {
  const names = {
    regions: new Set(['UK', 'FR', 'EMEA']),
    calendars: new Set(['uk-office']),
    regionCalendars: new Set(['UK']),
  };
  it.each([
    ['withinBusinessHours', 'uk-office', undefined],
    ['withinBusinessHours', 'UK', undefined],
    ['withinBusinessHours', 'uk-ofice', 'EXR_UNKNOWN_CALENDAR'],
    ['outsideBusinessHours', 7, 'EXR_UNKNOWN_CALENDAR'],
    ['timeBetween', { from: '22:00', to: '06:00', calendar: 'uk-office' }, undefined],
    ['timeBetween', { from: '22:00', to: '6:00' }, 'EXR_INVALID_TIME'],
    ['timeBetween', { from: '22:00', to: '06:00', calendar: 'uk' }, 'EXR_UNKNOWN_CALENDAR'],
    ['dayOfWeek', ['sat', 'sun'], undefined],
    ['dayOfWeek', { days: ['sat'], calendar: 'uk-office' }, undefined],
    ['dayOfWeek', ['saturday'], 'EXR_INVALID_WEEKDAY'],
    ['before', '2026-03-29T01:00:00Z', undefined],
    ['after', '2028-02-29', undefined],
    ['after', '2026-02-29', 'EXR_INVALID_DATE'],
  ])('%s with %j → %s', (name, value, code) => {
    expect(operator(name).checkValue?.(value, names)?.code).toBe(code);
  });

  it('suggests the closest calendar name', () => {
    expect(operator('withinBusinessHours').checkValue?.('uk-ofice', names)?.hint).toContain(
      'uk-office',
    );
  });
});
