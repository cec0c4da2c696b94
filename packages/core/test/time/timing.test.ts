import { describe, expect, it } from 'vitest';
import { isEffective } from '../../src/time/effective.js';
import {
  computeDueAt,
  computeSendAt,
  mergeDueAt,
  mergeSendAt,
} from '../../src/time/notification-timing.js';
import { buildTimeContext } from '../../src/time/time-context.js';
import { NY_OFFICE, UK_OFFICE, timeDefinitions } from './time-definitions.js';

const time = buildTimeContext(
  timeDefinitions(
    {
      'uk-office': UK_OFFICE,
      'ny-office': NY_OFFICE,
      'de-office': { ...UK_OFFICE, timezone: 'Europe/Berlin' },
    },
    { EMEA: 'uk-office', DE: 'de-office', US: 'ny-office' },
    { EMEA: ['WEST-EU', 'UK'], 'WEST-EU': ['DE', 'FR'], WORLD: ['EMEA', 'US', 'JP'] },
  ),
);

describe('region → calendar resolution', () => {
  it.each([
    ['DE', 'de-office', 'DE'], // its own entry beats its groups'
    ['FR', 'uk-office', 'EMEA'], // inherited from the nearest group with a calendar
    ['WEST-EU', 'uk-office', 'EMEA'],
    ['UK', 'uk-office', 'EMEA'],
    ['US', 'ny-office', 'US'],
  ])('%s → %s via %s', (region, calendar, via) => {
    expect(time.resolve(region)?.calendar.name).toBe(calendar);
    expect(time.resolve(region)?.viaRegion).toBe(via);
  });

  it('resolves calendar names directly and nothing for unmapped regions', () => {
    expect(time.resolve('ny-office')?.calendar.name).toBe('ny-office');
    expect(time.resolve('ny-office')?.viaRegion).toBeUndefined();
    expect(time.resolve('JP')).toBeUndefined();
    expect(time.resolve('WORLD')).toBeUndefined();
    expect(time.resolve('__proto__')).toBeUndefined();
  });
});

describe('computeDueAt', () => {
  const now = new Date('2026-12-24T10:00:00Z'); // Thu 10:00 GMT, Christmas Eve
  it('counts clock hours without a calendar', () => {
    expect(computeDueAt({ due: { hours: 36 } }, { region: 'UK' }, now, time)).toBe(
      '2026-12-25T22:00:00.000Z',
    );
  });

  it('counts business hours in the region calendar, skipping the holidays', () => {
    // Thu: 10:00–12:30 and 13:30–17:30 = 6.5 h; then 25–28 Dec are closed; Tue 29 09:00 + 1.5 h.
    expect(computeDueAt({ due: { businessHours: 8 } }, { region: 'UK' }, now, time)).toBe(
      '2026-12-29T10:30:00.000Z',
    );
  });

  it('ends business days at close of business in the region zone', () => {
    expect(computeDueAt({ due: { businessDays: 2 } }, { region: 'UK' }, now, time)).toBe(
      '2026-12-30T17:30:00.000Z',
    );
    // Same holidays in Berlin (CET, UTC+1): 17:30 local is 16:30Z.
    expect(computeDueAt({ due: { businessDays: 2 } }, { region: 'DE' }, now, time)).toBe(
      '2026-12-30T16:30:00.000Z',
    );
  });

  it('falls back to UTC around the clock for a region without a calendar', () => {
    expect(computeDueAt({ due: { businessHours: 8 } }, { region: 'JP' }, now, time)).toBe(
      '2026-12-24T18:00:00.000Z',
    );
    expect(computeDueAt({ due: { businessDays: 1 } }, {}, now, time)).toBe(
      '2026-12-26T00:00:00.000Z',
    );
  });

  it('is absent without due', () => {
    expect(computeDueAt({}, { region: 'UK' }, now, time)).toBeUndefined();
  });
});

describe('computeSendAt', () => {
  const saturday = new Date('2026-03-28T12:00:00Z');
  const defer = { deferUntil: 'businessHours' as const };

  it('defers to the next opening of the region calendar across the spring change', () => {
    expect(computeSendAt(defer, { region: 'UK', priority: 'normal' }, saturday, time)).toBe(
      '2026-03-30T08:00:00.000Z',
    );
    expect(computeSendAt(defer, { region: 'US' }, saturday, time)).toBe('2026-03-30T13:00:00.000Z');
  });

  it('never defers critical events or critical entries', () => {
    expect(computeSendAt(defer, { region: 'UK', priority: 'critical' }, saturday, time)).toBe(
      undefined,
    );
    expect(
      computeSendAt({ ...defer, severity: 'critical' }, { region: 'UK' }, saturday, time),
    ).toBeUndefined();
  });

  it('sends now while open, and when the entry does not defer', () => {
    const open = new Date('2026-03-30T10:00:00Z');
    expect(computeSendAt(defer, { region: 'UK' }, open, time)).toBeUndefined();
    expect(computeSendAt({}, { region: 'UK' }, saturday, time)).toBeUndefined();
  });

  it('sends now for a region without a calendar', () => {
    expect(computeSendAt(defer, { region: 'JP' }, saturday, time)).toBeUndefined();
  });
});

describe('merging contributors of one notification', () => {
  it('takes the earliest due date', () => {
    expect(mergeDueAt([undefined, '2026-03-30T10:00:00.000Z', '2026-03-30T09:00:00.000Z'])).toBe(
      '2026-03-30T09:00:00.000Z',
    );
    expect(mergeDueAt([undefined])).toBeUndefined();
  });

  it('defers only when every contributor defers', () => {
    expect(mergeSendAt(['2026-03-30T08:00:00.000Z', undefined])).toBeUndefined();
    expect(mergeSendAt(['2026-03-30T09:00:00.000Z', '2026-03-30T08:00:00.000Z'])).toBe(
      '2026-03-30T08:00:00.000Z',
    );
    expect(mergeSendAt([])).toBeUndefined();
  });
});

describe('isEffective', () => {
  const window = { effective: { from: '2027-01-01', until: '2027-12-31' } };
  it.each([
    ['2026-12-31T23:59:59Z', false],
    ['2027-01-01T00:00:00Z', true],
    ['2027-12-31T23:59:59Z', true],
    ['2028-01-01T00:00:00Z', false],
  ])('UTC dates, inclusive: %s → %s', (now, effective) => {
    expect(isEffective(window, new Date(now), time)).toBe(effective);
  });

  it('reads the dates in a named calendar zone', () => {
    const ny = { effective: { from: '2027-01-01', calendar: 'ny-office' } };
    // 2027-01-01T03:00Z is still 31 December in New York.
    expect(isEffective(ny, new Date('2027-01-01T03:00:00Z'), time)).toBe(false);
    expect(isEffective(ny, new Date('2027-01-01T05:00:00Z'), time)).toBe(true);
  });

  it('includes 29 February as a boundary', () => {
    const leap = { effective: { from: '2028-02-29', until: '2028-02-29' } };
    expect(isEffective(leap, new Date('2028-02-29T12:00:00Z'))).toBe(true);
    expect(isEffective(leap, new Date('2028-03-01T00:00:00Z'))).toBe(false);
  });

  it('is always true without a window', () => {
    expect(isEffective({}, new Date('2026-01-01T00:00:00Z'))).toBe(true);
  });
});
