import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitterDelay, parseRetryAfter } from '@exroute/notifications';

describe('fullJitterDelay', () => {
  it('stays within [0, min(cap, base * 2^(retry-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseMs, capMs, r) => {
          const ceiling = Math.min(capMs, baseMs * 2 ** (retry - 1));
          const wait = fullJitterDelay(retry, { baseMs, capMs }, () => r);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThan(Math.max(ceiling, 1));
          expect(Number.isInteger(wait)).toBe(true);
        },
      ),
    );
  });

  it('doubles the ceiling per retry until the cap', () => {
    const nearlyOne = () => 0.999999;
    const policy = { baseMs: 100, capMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => fullJitterDelay(n, policy, nearlyOne))).toEqual([
      99, 199, 399, 799, 999,
    ]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  it.each([
    ['0', 0],
    ['7', 7000],
    [' 120 ', 120_000],
    ['Mon, 02 Mar 2026 10:00:05 GMT', 5000],
    ['Mon, 02 Mar 2026 09:59:00 GMT', 0],
  ])('reads %j as %d ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it.each([null, '', '-5', '1.5', 'soon', 'Mon, 99 Foo 2026'])('ignores %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});
