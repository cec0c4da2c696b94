import { describe, expect, it } from 'vitest';
import {
  MAX_MATCH_SUBJECT_LENGTH,
  MAX_PATTERN_LENGTH,
  judgePattern,
  matches,
} from '../../src/operators/matches.js';
import { OPERATORS } from '../../src/operators/registry.js';

const names = {
  regions: new Set<string>(),
  calendars: new Set<string>(),
  regionCalendars: new Set<string>(),
};
const context = { regionMembers: new Map<string, ReadonlySet<string>>() };

describe('matches operator', () => {
  it('is registered in the operator table', () => {
    expect(OPERATORS.get('matches')).toBe(matches);
  });

  it.each([
    ['INV-[0-9]{4,10}', 'INV-2024', true],
    ['INV-[0-9]{4,10}', 'X-INV-2024', false],
    ['INV-[0-9]{4,10}', 'INV-2024-draft', false],
    ['.*-draft', 'INV-2024-draft', true],
    ['urgent|critical', 'critical', true],
    ['urgent|critical', 'not critical', false],
    ['[A-Z]{2}', 'uk', false],
  ])('anchors %s on both ends: %s → %s', (pattern, subject, expected) => {
    expect(matches.prepare!(pattern, context)(subject)).toBe(expected);
    expect(matches.evaluate(subject, pattern, context)).toBe(expected);
  });

  it.each([5, true, null, undefined, ['INV-1'], { id: 'INV-1' }])(
    'does not match the non-string fact value %j',
    (subject) => {
      expect(matches.prepare!('.*', context)(subject)).toBe(false);
      expect(matches.evaluate(subject, '.*', context)).toBe(false);
    },
  );

  it.each(['(a+)+$', '(a|a)*', '(x+x+)+y', '(.*a){12}', '(\\w+\\s?)*$', '.*foo.*'])(
    'accepts %s, which backtracks catastrophically in JavaScript, and matches it without backtracking',
    (pattern) => {
      expect(matches.checkValue!(pattern, names)).toBeUndefined();
      // A subject of the longest kind that made the backtracking engine hang: RE2 walks it once.
      const hostile = `${'a'.repeat(MAX_MATCH_SUBJECT_LENGTH - 1)}!`;
      expect(matches.prepare!(pattern, context)(hostile)).toBe(false);
      expect(matches.evaluate(hostile, pattern, context)).toBe(false);
    },
    20_000,
  );

  it.each(['(?<y>[0-9]{4})-\\k<y>', '(a)\\1', 'a(?=b)', 'a(?!b)', '(?<=a)b', '(?<!a)b', '\\u0041'])(
    'rejects %s, which RE2 does not support (backreferences, lookaround, \\u escapes), with EXR_INVALID_PATTERN',
    (pattern) => {
      const problem = matches.checkValue!(pattern, names);
      expect(problem?.code).toBe('EXR_INVALID_PATTERN');
      expect(problem?.hint).toContain('no backreferences');
    },
  );

  it.each(['a{1000}', '(?:a{100}|b{100}|c{100}|d{100}|e{100}|f{100})', '((a{30}){30}){30}'])(
    'rejects %s: its program is too large to bound the cost of one match',
    (pattern) => {
      expect(matches.checkValue!(pattern, names)?.code).toMatch(/^EXR_(UNSAFE|INVALID)_PATTERN$/);
    },
  );

  it.each(['(', 'a{2,1}', '[z-a]', 'a)|(b'])(
    'rejects the invalid pattern %s with EXR_INVALID_PATTERN',
    (pattern) => {
      expect(matches.checkValue!(pattern, names)?.code).toBe('EXR_INVALID_PATTERN');
    },
  );

  it('rejects patterns longer than the analysis bound', () => {
    expect(matches.checkValue!('a'.repeat(MAX_PATTERN_LENGTH + 1), names)?.code).toBe(
      'EXR_UNSAFE_PATTERN',
    );
  });

  it.each([
    'INV-[0-9]{4,10}',
    '[a-z]+@example\\.com',
    '(DE|FR|UK)',
    '.*-final',
    '.*INV-[0-9]+.*',
    '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}',
    '(?i)urgent',
    '(?<year>[0-9]{4})-[0-9]{2}',
  ])('accepts the linear pattern %s', (pattern) => {
    expect(matches.checkValue!(pattern, names)).toBeUndefined();
  });

  it('leaves value-type problems to the loader (non-strings are not judged here)', () => {
    expect(matches.checkValue!(42, names)).toBeUndefined();
  });

  it('answers (a+)+$ against a 20 kB subject (a backtracking engine would never finish)', () => {
    const subject = `${'a'.repeat(20_000)}!`;
    expect(matches.evaluate(subject, '(a+)+$', context)).toBe(false);
    expect(matches.prepare!('(a+)+$', context)(subject)).toBe(false);
    const small = `${'a'.repeat(30)}!`;
    expect(matches.evaluate(small, '(a+)+$', context)).toBe(false);
    expect(matches.evaluate('aaa', '(a+)+', context)).toBe(true);
  }, 10_000);

  it('does not match subjects longer than the subject cap', () => {
    const long = 'a'.repeat(MAX_MATCH_SUBJECT_LENGTH + 1);
    expect(matches.prepare!('a*', context)(long)).toBe(false);
    expect(matches.prepare!('a*', context)(long.slice(1))).toBe(true);
  });

  it('judges each pattern once', () => {
    expect(judgePattern('INV-[0-9]+')).toBe(judgePattern('INV-[0-9]+'));
  });
});
