import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRfc3339DateTime } from '../../src/schema/load-schema.js';

// The first implementation (capturing regex + Date) serves as the reference: the allocation-free
// rewrite on the routing hot path must accept exactly the same strings.
const REFERENCE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

function referenceIsRfc3339(text: string): boolean {
  const m = REFERENCE.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return true;
}

const digits = (n: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));

const dateTimeLike = fc
  .tuple(
    fc.oneof(digits(4), fc.constantFrom('2024', '2026', '2028', '1900', '2000', '2100')),
    fc.oneof(digits(2), fc.constantFrom('00', '01', '02', '12', '13')),
    fc.oneof(digits(2), fc.constantFrom('00', '28', '29', '30', '31', '32')),
    fc.constantFrom('T', 't', ' '),
    fc.oneof(digits(2), fc.constantFrom('23', '24')),
    fc.oneof(digits(2), fc.constantFrom('59', '60')),
    fc.oneof(digits(2), fc.constantFrom('59', '60', '61')),
    fc.constantFrom('', '.1', '.123456789', '.1234567890', '.'),
    fc.oneof(
      fc.constantFrom('Z', 'z', '', 'Q', '+00:00', '-05:00', '+23:59', '+24:00', '-00:60', '+0100'),
      fc.tuple(fc.constantFrom('+', '-'), digits(2), digits(2)).map(([s, h, m]) => `${s}${h}:${m}`),
    ),
  )
  .map(([y, mo, d, t, h, mi, s, f, z]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${f}${z}`);

// Near-misses of valid timestamps: up to three single-character edits (replace, insert,
// delete) reach every branch of the checker.
const seeds = [
  '2026-03-02T08:15:00Z',
  '2024-02-29T23:59:60.123456789+23:59',
  '1900-02-29t00:00:00.1-00:00',
  '2023-12-31T24:00:00z',
];
const nearMiss = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(40), fc.constantFrom(...'0123456789-:TtZz+.x '), fc.nat(2)), {
      maxLength: 3,
    }),
  )
  .map(([seed, edits]) =>
    edits.reduce((text, [at, char, op]) => {
      const p = at % (text.length + 1);
      if (op === 0) return text.slice(0, p) + char + text.slice(p + 1);
      if (op === 1) return text.slice(0, p) + char + text.slice(p);
      return text.slice(0, p) + text.slice(p + 1);
    }, seed),
  );

describe('isRfc3339DateTime', () => {
  it('accepts exactly what the reference accepts, on date-time-shaped, near-miss and arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(dateTimeLike, nearMiss, fc.string()), (text) => {
        expect(isRfc3339DateTime(text)).toBe(referenceIsRfc3339(text));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['2028-02-29T00:00:00Z', true],
    ['2026-02-29T00:00:00Z', false],
    ['2000-02-29T12:00:00+01:00', true],
    ['1900-02-29T12:00:00Z', false],
    ['2026-03-29T01:30:00.5-04:00', true],
    ['2026-12-31T23:59:60Z', true],
    ['2026-12-31T24:00:00Z', false],
    ['2026-04-31T10:00:00Z', false],
    ['2026-11-30T10:00:00+24:00', false],
    ['2026-11-30T10:00:00', false],
  ])('%s → %s', (text, expected) => {
    expect(isRfc3339DateTime(text)).toBe(expected);
  });
});
