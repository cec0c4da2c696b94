import { isSafePattern } from 'redos-detector';
import type { OperatorDefinition, ValueProblem } from './operator.js';

/**
 * `matches`: the fact value is a string that matches the regular expression in full. Patterns
 * are anchored at both ends (as Alertmanager and Falco do): `INV-[0-9]+` matches `INV-42` but not
 * `X-INV-42`; write `.*INV-[0-9]+` for "ends with". Only patterns redos-detector proves cannot
 * backtrack catastrophically are accepted, within a fixed step budget; when it cannot decide,
 * the pattern is rejected.
 */

/** Longest pattern accepted; longer ones are rejected rather than analysed. */
export const MAX_PATTERN_LENGTH = 512;

/**
 * Longest subject a pattern is tried on; a longer string does not match. A second line of
 * defence should the detector ever pass a pattern that backtracks polynomially.
 */
export const MAX_MATCH_SUBJECT_LENGTH = 8192;

/**
 * redos-detector's budget: `maxSteps` bounds one analysis to a few hundred milliseconds and keeps
 * the verdict deterministic; `timeout` is only a backstop on a very slow machine.
 */
const DETECTOR_OPTIONS = { maxSteps: 1_000, timeout: 500, maxScore: 200 } as const;

/** Patterns already judged; bounded so run-time patterns (`swap:`) cannot grow it forever. */
const MAX_CACHED_VERDICTS = 1024;

type PatternVerdict = { regex: RegExp; problem?: undefined } | { problem: ValueProblem };

const verdicts = new Map<string, PatternVerdict>();

/**
 * Judges a pattern once: compiled and anchored when it is valid and provably safe, otherwise the
 * problem (`EXR_INVALID_PATTERN`, `EXR_UNSAFE_PATTERN`) the loader reports at the value.
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
      `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH} are analysed`,
    );
  }
  try {
    // Compiled alone first: a valid pattern has balanced groups, so the anchoring wrapper below
    // cannot be escaped by something like `a)|(b`.
    new RegExp(pattern);
  } catch (error) {
    return {
      problem: {
        code: 'EXR_INVALID_PATTERN',
        message: `'${pattern}' is not a valid regular expression (${(error as Error).message}); fix its syntax`,
        hint: 'patterns use JavaScript regular-expression syntax and must match the whole value',
      },
    };
  }
  const anchored = `^(?:${pattern})$`;
  let safe: boolean;
  try {
    safe = isSafePattern(anchored, DETECTOR_OPTIONS).safe;
  } catch {
    // The detector refuses constructs it cannot reason about (named backreferences): undecided.
    safe = false;
  }
  if (!safe) {
    return unsafe(
      'the same text could be matched in many ways, so matching could take exponential time',
    );
  }
  return { regex: new RegExp(anchored) };
}

function unsafe(reason: string): PatternVerdict {
  return {
    problem: {
      code: 'EXR_UNSAFE_PATTERN',
      message: `pattern rejected: ${reason}; remove nested or overlapping quantifiers such as (a+)+ or (a|a)*`,
      hint: 'prefer explicit character classes and single quantifiers, e.g. INV-[0-9]{4,10}',
    },
  };
}

function test(subject: unknown, pattern: unknown): boolean {
  if (typeof subject !== 'string' || typeof pattern !== 'string') return false;
  if (subject.length > MAX_MATCH_SUBJECT_LENGTH) return false;
  const verdict = judgePattern(pattern);
  return verdict.problem === undefined && verdict.regex.test(subject);
}

/** `matches`: full-string regular-expression match with a pattern proven safe at load. */
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
