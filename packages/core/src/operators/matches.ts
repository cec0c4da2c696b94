import { RE2JS } from 're2js';
import type { OperatorDefinition, ValueProblem } from './operator.js';

/**
 * `matches`: the fact value is a string that matches the regular expression in full. Patterns
 * are anchored at both ends (as Alertmanager and Falco do): `INV-[0-9]+` matches `INV-42` but not
 * `X-INV-42`; write `.*INV-[0-9]+` for "ends with". Patterns use RE2 syntax and run on RE2JS, a
 * JavaScript port of RE2 that never backtracks: matching is linear in the subject whatever the
 * pattern, so no safety analysis is needed (and `(a+)+` is simply fine). RE2 has no
 * backreferences and no lookaround; such patterns are rejected at load.
 */

/** Longest pattern accepted. */
export const MAX_PATTERN_LENGTH = 512;

/**
 * Largest compiled program accepted (RE2's `programSize`, about one instruction per character
 * class or literal, repetitions written out). Matching costs at most program size × subject
 * length steps, so this and `MAX_MATCH_SUBJECT_LENGTH` bound one match; real patterns such as
 * `INV-[0-9]{4,10}` compile to about 20.
 */
export const MAX_PATTERN_PROGRAM_SIZE = 500;

/** Longest subject a pattern is tried on; a longer string does not match. */
export const MAX_MATCH_SUBJECT_LENGTH = 8192;

/** Patterns already judged; bounded so run-time patterns cannot grow it forever. */
const MAX_CACHED_VERDICTS = 1024;

/** The compiled matcher of an accepted pattern. */
interface PatternMatcher {
  test(subject: string): boolean;
}

type PatternVerdict = { regex: PatternMatcher; problem?: undefined } | { problem: ValueProblem };

const verdicts = new Map<string, PatternVerdict>();

/**
 * Judges a pattern once: compiled (matching the whole subject) when it is valid RE2 syntax and
 * small enough, otherwise the problem (`EXR_INVALID_PATTERN`, `EXR_UNSAFE_PATTERN`) the loader
 * reports at the value. Costs time linear in the pattern's length.
 */
export function judgePattern(pattern: string): PatternVerdict {
  const cached = verdicts.get(pattern);
  if (cached !== undefined) return cached;
  const verdict = analysePattern(pattern);
  if (verdicts.size >= MAX_CACHED_VERDICTS) verdicts.clear();
  verdicts.set(pattern, verdict);
  return verdict;
}

function analysePattern(pattern: string): PatternVerdict {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return unsafe(
      `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH}`,
    );
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      problem: {
        code: 'EXR_INVALID_PATTERN',
        message: `'${pattern}' is not a valid RE2 regular expression (${detail}); fix its syntax`,
        hint: 'patterns use RE2 syntax (as Alertmanager does): no backreferences (\\1) and no lookaround ((?=…), (?!…), (?<=…)); write \\x{41} rather than \\u0041',
      },
    };
  }
  const size = compiled.programSize();
  if (size > MAX_PATTERN_PROGRAM_SIZE) {
    return unsafe(
      `it compiles to ${size} instructions (at most ${MAX_PATTERN_PROGRAM_SIZE}), mostly from large repetition counts`,
    );
  }
  // `matches()` is RE2's full match: anchored at both ends, like `^(?:pattern)$`.
  return { regex: { test: (subject) => compiled.matches(subject) } };
}

function unsafe(reason: string): PatternVerdict {
  return {
    problem: {
      code: 'EXR_UNSAFE_PATTERN',
      message: `pattern rejected: ${reason}; use smaller repetition counts or split the pattern`,
      hint: 'prefer explicit character classes and modest counts, e.g. INV-[0-9]{4,10}',
    },
  };
}

function test(subject: unknown, pattern: unknown): boolean {
  if (typeof subject !== 'string' || typeof pattern !== 'string') return false;
  if (subject.length > MAX_MATCH_SUBJECT_LENGTH) return false;
  const verdict = judgePattern(pattern);
  return verdict.problem === undefined && verdict.regex.test(subject);
}

/** `matches`: full-string RE2 regular-expression match (linear time) with a pattern checked at load. */
export const matches: OperatorDefinition = {
  name: 'matches',
  origin: 'exroute',
  valueKind: 'pattern',
  allowsFactValue: false,
  checkValue: (value) => (typeof value === 'string' ? judgePattern(value).problem : undefined),
  evaluate: test,
  prepare: (value) => {
    if (typeof value !== 'string') return () => false;
    const verdict = judgePattern(value);
    if (verdict.problem !== undefined) return () => false;
    const { regex } = verdict;
    return (subject) =>
      typeof subject === 'string' &&
      subject.length <= MAX_MATCH_SUBJECT_LENGTH &&
      regex.test(subject);
  },
};
