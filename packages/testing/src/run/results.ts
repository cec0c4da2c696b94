import type { Diagnostic, Explanation, NormalizedEvent, RoutingDecision } from '@exroute/core';

/** pass: every expectation held; fail: one did not; error: the suite, rules or event is invalid. */
export type CaseOutcome = 'pass' | 'fail' | 'error';

/** Which expectation of a case did not hold. */
export type ExpectationName =
  | 'rules'
  | 'templates'
  | 'channels'
  | 'severity'
  | 'none'
  | 'notifications'
  | 'recipients.include'
  | 'recipients.exclude';

/** One expectation that did not hold, with what was expected and what happened. */
export interface ExpectationFailure {
  expectation: ExpectationName;
  expected: unknown;
  actual: unknown;
  /** Names expected but absent (rules, templates, channels, recipients.include). */
  missing?: string[];
  /** Names present but not expected (rules, templates, channels, recipients.exclude). */
  unexpected?: string[];
  /** Where the expectation is written in the suite file. */
  file: string;
  line: number;
  column: number;
}

/** The verdict on one case. */
export interface CaseResult {
  suite: string;
  name: string;
  /** 0-based position in the suite's `cases`. */
  index: number;
  /** Position of the case in its suite file. */
  file: string;
  line: number;
  column: number;
  outcome: CaseOutcome;
  /** For `fail`: the expectations that did not hold. */
  failures: ExpectationFailure[];
  /** For `error`: why the case could not be run. */
  diagnostics: Diagnostic[];
  /** The event routed, after defaults were applied. */
  event?: NormalizedEvent;
  /** The frozen router clock, RFC 3339. */
  at?: string;
  decision?: RoutingDecision;
  /** The explain trace of the event; present on `fail`. */
  explanation?: Explanation;
  durationMs: number;
}

/** The verdict on one suite file. */
export interface SuiteResult {
  file: string;
  /** The suite's name; absent when the file could not be read. */
  name?: string;
  /** `error` when the suite or its rules are invalid, else `fail` when any case failed. */
  outcome: CaseOutcome;
  /** Problems with the suite file or its rules (cases are then all `error`). */
  diagnostics: Diagnostic[];
  /** The rule files loaded for the suite. */
  ruleFiles: string[];
  ruleSetVersion?: string;
  cases: CaseResult[];
  durationMs: number;
}

/** Whether one rule was exercised by the suites. */
export interface RuleCoverage {
  ruleId: string;
  file: string;
  line: number;
  /** How many cases it matched. */
  matchedBy: number;
}

/** Rules matched by at least one case versus rules never exercised. */
export interface CoverageReport {
  total: number;
  covered: number;
  /** 0–100, one decimal; 100 when there are no rules. */
  percent: number;
  rules: RuleCoverage[];
  uncovered: RuleCoverage[];
}

/** Counts by outcome. */
export interface RunSummary {
  suites: number;
  cases: number;
  passed: number;
  failed: number;
  /** Cases that could not run, plus suites that could not be read at all. */
  errors: number;
}

/** Everything `runSuites` found. */
export interface SuiteRunResult {
  suites: SuiteResult[];
  summary: RunSummary;
  coverage: CoverageReport;
  /** Problems finding suites (a path that does not exist, no suite files at all). */
  diagnostics: Diagnostic[];
  durationMs: number;
}
