import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../src/time/business-calendar.js';
import { NY_OFFICE, UK_OFFICE } from './time-definitions.js';

const uk = new BusinessCalendar({ name: 'uk-office', ...UK_OFFICE });
const ny = new BusinessCalendar({ name: 'ny-office', ...NY_OFFICE });
const ukAroundTheClock = new BusinessCalendar({
  name: 'uk-support',
  timezone: 'Europe/London',
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  hours: ['00:00-24:00'],
  holidays: [],
});

const at = (instant: string) => new Date(instant);
const iso = (date: Date | undefined) => date?.toISOString();

describe('isOpen reads working hours on the local wall clock', () => {
  // Europe/London: GMT until 2026-03-29 01:00Z, BST until 2026-10-25 01:00Z, then GMT.
  it.each([
    ['2026-03-27T08:30:00Z', false], // Fri 08:30 GMT
    ['2026-03-27T09:00:00Z', true], // Fri 09:00 GMT: the opening minute is inside
    ['2026-03-30T08:30:00Z', true], // Mon 09:30 BST
    ['2026-03-30T07:59:00Z', false], // Mon 08:59 BST
    ['2026-03-30T11:45:00Z', false], // Mon 12:45 BST: between the split ranges
    ['2026-03-30T16:29:00Z', true], // Mon 17:29 BST
    ['2026-03-30T16:30:00Z', false], // Mon 17:30 BST: the closing minute is outside
    ['2026-10-23T16:15:00Z', true], // Fri 17:15 BST
    ['2026-10-26T17:15:00Z', true], // Mon 17:15 GMT after the autumn change
    ['2026-10-26T17:30:00Z', false], // Mon 17:30 GMT
    ['2026-03-29T10:00:00Z', false], // the spring-change Sunday
    ['2026-12-25T10:00:00Z', false], // holiday
    ['2026-12-28T10:00:00Z', false], // substitute holiday on the Monday
    ['2026-12-29T10:00:00Z', true],
  ])('uk-office at %s → %s', (instant, open) => {
    expect(uk.isOpen(at(instant))).toBe(open);
  });

  // America/New_York: EST (UTC-5) until 2026-03-08 07:00Z, EDT (UTC-4) until 2026-11-01 06:00Z.
  it.each([
    ['2026-03-06T13:30:00Z', false], // Fri 08:30 EST
    ['2026-03-06T14:30:00Z', true], // Fri 09:30 EST
    ['2026-03-09T13:30:00Z', true], // Mon 09:30 EDT
    ['2026-03-09T21:30:00Z', false], // Mon 17:30 EDT
    ['2026-10-30T20:30:00Z', true], // Fri 16:30 EDT
    ['2026-11-02T13:30:00Z', false], // Mon 08:30 EST
    ['2026-11-02T21:30:00Z', true], // Mon 16:30 EST
  ])('ny-office at %s → %s', (instant, open) => {
    expect(ny.isOpen(at(instant))).toBe(open);
  });
});

describe('nextOpening', () => {
  it('is the instant itself while open', () => {
    expect(iso(uk.nextOpening(at('2026-03-30T10:00:00Z')))).toBe('2026-03-30T10:00:00.000Z');
  });

  it('skips the weekend of the spring change to Monday 09:00 BST', () => {
    expect(iso(uk.nextOpening(at('2026-03-27T18:00:00Z')))).toBe('2026-03-30T08:00:00.000Z');
  });

  it('reopens after the lunch break on the same day', () => {
    expect(iso(uk.nextOpening(at('2026-03-30T11:45:00Z')))).toBe('2026-03-30T12:30:00.000Z');
  });

  it('skips the weekend of the autumn change to Monday 09:00 GMT', () => {
    expect(iso(uk.nextOpening(at('2026-10-23T17:00:00Z')))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('skips Christmas, the weekend and the substitute holiday', () => {
    expect(iso(uk.nextOpening(at('2026-12-24T18:00:00Z')))).toBe('2026-12-29T09:00:00.000Z');
  });

  it('opens at 09:00 EDT after the New York spring change', () => {
    expect(iso(ny.nextOpening(at('2026-03-06T23:00:00Z')))).toBe('2026-03-09T13:00:00.000Z');
  });

  it('opens at 09:00 EST after the New York autumn change', () => {
    expect(iso(ny.nextOpening(at('2026-10-30T22:00:00Z')))).toBe('2026-11-02T14:00:00.000Z');
  });

  it('is undefined for a calendar that never opens', () => {
    const closed = new BusinessCalendar({ ...UK_OFFICE, name: 'closed', days: [] });
    expect(closed.nextOpening(at('2026-03-30T10:00:00Z'))).toBeUndefined();
    expect(closed.addBusinessHours(at('2026-03-30T10:00:00Z'), 1)).toBeUndefined();
    expect(closed.addBusinessDays(at('2026-03-30T10:00:00Z'), 1)).toBeUndefined();
  });
});

describe('addBusinessHours counts real open time', () => {
  it('carries over the spring-change weekend in London', () => {
    // Fri 17:00 GMT: 30 minutes left on Friday, 30 more from Monday 09:00 BST (08:00Z).
    expect(iso(uk.addBusinessHours(at('2026-03-27T17:00:00Z'), 1))).toBe(
      '2026-03-30T08:30:00.000Z',
    );
  });

  it('carries over the autumn-change weekend in London', () => {
    // Fri 16:00 BST: 1.5 h on Friday, 0.5 h from Monday 09:00 GMT.
    expect(iso(uk.addBusinessHours(at('2026-10-23T15:00:00Z'), 2))).toBe(
      '2026-10-26T09:30:00.000Z',
    );
  });

  it('skips the lunch break between split ranges', () => {
    // Mon 12:00 BST: 30 min to 12:30, then 13:30 BST + 30 min.
    expect(iso(uk.addBusinessHours(at('2026-03-30T11:00:00Z'), 1))).toBe(
      '2026-03-30T13:00:00.000Z',
    );
  });

  it('lands on the closing time when the hours end exactly there', () => {
    expect(iso(uk.addBusinessHours(at('2026-03-30T15:30:00Z'), 1))).toBe(
      '2026-03-30T16:30:00.000Z',
    );
  });

  it('starts counting at the next opening when called while closed', () => {
    expect(iso(uk.addBusinessHours(at('2026-03-28T12:00:00Z'), 2))).toBe(
      '2026-03-30T10:00:00.000Z',
    );
  });

  it('carries over the New York spring and autumn changes', () => {
    expect(iso(ny.addBusinessHours(at('2026-03-06T21:00:00Z'), 2))).toBe(
      '2026-03-09T14:00:00.000Z',
    );
    expect(iso(ny.addBusinessHours(at('2026-10-30T20:30:00Z'), 1))).toBe(
      '2026-11-02T14:30:00.000Z',
    );
  });

  it('counts the 23-hour spring day and the 25-hour autumn day as they really are', () => {
    expect(iso(ukAroundTheClock.addBusinessHours(at('2026-03-29T00:00:00Z'), 24))).toBe(
      '2026-03-30T00:00:00.000Z',
    );
    expect(iso(ukAroundTheClock.addBusinessHours(at('2026-10-24T23:00:00Z'), 24))).toBe(
      '2026-10-25T23:00:00.000Z',
    );
  });
});

describe('addBusinessDays ends at close of business on the n-th working day', () => {
  it('skips Christmas, the weekend and the substitute holiday', () => {
    // Thu 24 Dec: 25 holiday, 26–27 weekend, 28 holiday → 29 is day 1, 30 is day 2.
    expect(iso(uk.addBusinessDays(at('2026-12-24T10:00:00Z'), 2))).toBe('2026-12-30T17:30:00.000Z');
  });

  it('counts from the local date, so late evening and early morning agree', () => {
    const evening = uk.addBusinessDays(at('2026-03-30T22:30:00Z'), 1); // Mon 23:30 BST
    const morning = uk.addBusinessDays(at('2026-03-30T06:00:00Z'), 1); // Mon 07:00 BST
    expect(iso(evening)).toBe('2026-03-31T16:30:00.000Z');
    expect(iso(morning)).toBe(iso(evening));
  });

  it('crosses the London spring change (close of business moves from GMT to BST)', () => {
    expect(iso(uk.addBusinessDays(at('2026-03-27T10:00:00Z'), 1))).toBe('2026-03-30T16:30:00.000Z');
  });

  it('crosses the New York autumn change (close of business moves from EDT to EST)', () => {
    expect(iso(ny.addBusinessDays(at('2026-10-30T15:00:00Z'), 1))).toBe('2026-11-02T22:00:00.000Z');
  });

  it('skips a 29 February holiday in a leap year', () => {
    const leap = new BusinessCalendar({
      ...UK_OFFICE,
      name: 'leap',
      holidays: ['2028-02-29'],
    });
    // Mon 28 Feb 2028 → Tue 29 Feb is a holiday → Wed 1 Mar.
    expect(iso(leap.addBusinessDays(at('2028-02-28T10:00:00Z'), 1))).toBe(
      '2028-03-01T17:30:00.000Z',
    );
    expect(leap.isOpen(at('2028-02-29T10:00:00Z'))).toBe(false);
    expect(uk.isOpen(at('2028-02-29T10:00:00Z'))).toBe(true);
  });

  it('lets a holiday on a weekend shift nothing: substitutes must be listed', () => {
    const saturdayHoliday = new BusinessCalendar({
      ...UK_OFFICE,
      name: 'saturday-holiday',
      holidays: ['2026-12-26'],
    });
    // Fri 25 Dec is a working day here; 26 Dec is a Saturday anyway, Monday 28 stays open.
    expect(iso(saturdayHoliday.addBusinessDays(at('2026-12-24T10:00:00Z'), 2))).toBe(
      '2026-12-28T17:30:00.000Z',
    );
    expect(saturdayHoliday.isOpen(at('2026-12-28T10:00:00Z'))).toBe(true);
  });

  it('closes a Saturday-working calendar on a holiday that falls on Saturday', () => {
    const sixDays = new BusinessCalendar({
      name: 'six-days',
      timezone: 'Europe/London',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
      hours: ['09:00-17:00'],
      holidays: ['2026-12-26'],
    });
    expect(sixDays.isOpen(at('2026-12-26T10:00:00Z'))).toBe(false);
    expect(sixDays.isOpen(at('2027-01-02T10:00:00Z'))).toBe(true);
  });

  it('with 0 days is close of business today on a working day', () => {
    expect(iso(uk.addBusinessDays(at('2026-03-30T10:00:00Z'), 0))).toBe('2026-03-30T16:30:00.000Z');
  });
});

describe('localTime', () => {
  it('gives local date, time, weekday, offset and calendar name', () => {
    const local = uk.localTime(at('2026-03-29T09:30:00Z'));
    expect(local).toMatchObject({
      calendar: 'uk-office',
      timezone: 'Europe/London',
      date: '2026-03-29',
      time: '10:30',
      weekday: 'sun',
      offset: '+01:00',
    });
    expect(local.text).toContain('2026-03-29 10:30');
  });
});
