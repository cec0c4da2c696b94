/**
 * Durations of the policy sections (DESIGN.md §8): a whole number and one unit, `30s`, `2m`,
 * `4h`, `7d`. Nothing else is accepted (no `1h30m`, no fractions, no spaces), so a duration reads
 * the same to every author and parses in constant time.
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Longest duration accepted: 366 days, so a typo cannot keep state in a store for years. */
export const MAX_DURATION_MS = 366 * UNIT_MS.d;

// At most seven digits: anything longer is over the bound in every unit, and the check stays O(1).
const DURATION = /^([1-9][0-9]{0,6})([smhd])$/;

/** A parsed duration, or why the text is not one (with a suggestion when one is obvious). */
export type DurationResult =
  { ok: true; ms: number } | { ok: false; reason: 'form' | 'zero' | 'too-long'; hint?: string };

/** Parses `30s` / `2m` / `4h` / `7d` to milliseconds; positive and at most `MAX_DURATION_MS`. */
export function parseDuration(text: string): DurationResult {
  const match = text.length <= 8 ? DURATION.exec(text) : null;
  if (match === null) {
    if (text.length <= 40 && /^0+[smhd]$/.test(text)) return { ok: false, reason: 'zero' };
    // Well formed but with more digits than any allowed duration has.
    if (text.length <= 40 && /^[1-9][0-9]*[smhd]$/.test(text)) {
      return { ok: false, reason: 'too-long' };
    }
    const hint = durationHint(text);
    return hint === undefined ? { ok: false, reason: 'form' } : { ok: false, reason: 'form', hint };
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms > MAX_DURATION_MS) return { ok: false, reason: 'too-long' };
  return { ok: true, ms };
}

/** Writes a duration in the largest unit that divides it: 90 000 ms → `90s`, 7 200 000 → `2h`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

const LONG_UNITS: Record<string, keyof typeof UNIT_MS> = {
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  day: 'd',
  days: 'd',
};

function durationHint(text: string): string | undefined {
  if (text.length > 40) return undefined;
  const compact = text.replace(/\s+/g, '').toLowerCase();
  const spelled = /^([1-9][0-9]{0,6})([a-z]+)$/.exec(compact);
  if (spelled !== null) {
    const unit = spelled[2]!.length === 1 ? spelled[2] : LONG_UNITS[spelled[2]!];
    if (unit !== undefined && unit in UNIT_MS) return `did you mean '${spelled[1]!}${unit}'?`;
  }
  const combined = /^([1-9][0-9]{0,3})h([0-9]{1,2})m$/.exec(compact);
  if (combined !== null) {
    return `did you mean '${Number(combined[1]) * 60 + Number(combined[2])}m'? (one unit only)`;
  }
  return "write a whole number and one unit: s, m, h or d (e.g. '90m', not '1h30m')";
}
