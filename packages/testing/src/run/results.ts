import type {
  Diagnostic,
  Explanation,
  MatchedRule,
  NormalizedEvent,
  RoutingDecision,
} from '@exroute/core';

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
  | 'recipients.exclude'
  | 'verdicts'
  | 'sends'
  | 'invariants';

/** One expectation that did not hold, with what was expected and what happened. */
export interface ExpectationFailure {
  expectation: ExpectationName;
  /** A sentence saying what is wrong, when the expectation was not written in the suite (invariants). */
  message?: string;
  expected: unknown;
  actual: unknown;
  /** Names expected but absent (rules, templates, channels, recipients.include). */
  missing?: string[];
  /** Names present but not expected (rules, templates, channels, recipients.exclude). */
  unexpected?: string[];
  /** In a stateful case: the 1-based step whose expectation this is. */
  step?: number;
  /** Where the expectation is written in the suite file. */
  file: string;
  line: number;
  column: number;
}

/** One dispatcher verdict as reports show it. */
export interface VerdictSummary {
  kind: 'sent' | 'grouped' | 'deduplicated' | 'throttled' | 'inhibited' | 'silenced' | 'deferred';
  template: string;
  channel: string;
  policy?: string;
  inhibitedBy?: string;
  sendAt?: string;
  /** What caused it, in words: `by failed-batch (source …)`, `until …`. */
  detail?: string;
}

/** One message the dispatcher sent, as reports show it. */
export interface SendSummary {
  template: string;
  channel: string;
  reason: 'immediate' | 'group-flush' | 'repeat' | 'escalation' | 'deferred';
  /** Recipient keys. */
  to: string[];
  /** The events it carries. */
  eventIds: string[];
  subject?: string;
  count?: number;
  dropped?: number;
  lines?: string[];
  escalation?: string;
  step?: number;
}

/** What happened at one step of a stateful case (or the one step of a case asserting verdicts). */
export interface StepRecord {
  /** 1-based. */
  step: number;
  /** The clock, RFC 3339. */
  at: string;
  note?: string;
  /** The event dispatched at this step. */
  event?: { id: string; type: string };
  /** Escalation keys acknowledged at this step. */
  acknowledged?: string[];
  /** Rules the event matched. */
  matched?: MatchedRule[];
  /** Invariants whose `for` the event matched. */
  invariants?: string[];
  verdicts?: VerdictSummary[];
  /** Everything sent at this step: due messages first, then the event's immediate ones. */
  sends: SendSummary[];
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
  /** For cases with `steps` or dispatcher expectations: what happened, step by step. */
  timeline?: StepRecord[];
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

/** Whether one rule (or policy, inhibit rule, escalation step) was exercised by the suites. */
export interface RuleCoverage {
  /**
   * `rule` unless said otherwise; policies, inhibit rules, escalation steps and invariants (an
   * event of some case matched its `for`) count too.
   */
  kind: 'rule' | 'policy' | 'inhibit' | 'escalation-step' | 'invariant';
  /** The rule id, policy name, inhibit rule id, or `<escalation>#<step>`. */
  ruleId: string;
  file: string;
  line: number;
  /** How many cases matched (rules) or exercised it (policies, inhibit rules, steps). */
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
