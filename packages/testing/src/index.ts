// The public API of @exroute/testing: a hand-written list of named exports (types via `export type`).

export { runSuites } from './run/run-suites.js';
export type { RunSuitesOptions } from './run/run-suites.js';
export type {
  CaseOutcome,
  CaseResult,
  CoverageReport,
  ExpectationFailure,
  ExpectationName,
  RuleCoverage,
  RunSummary,
  SuiteResult,
  SuiteRunResult,
  StepRecord,
  VerdictSummary,
  SendSummary,
} from './run/results.js';
export { computeCoverage, meetsMinimumCoverage } from './run/coverage.js';
export {
  RuleSetCache,
  SuiteSession,
  DEFAULT_EVENT_SOURCE,
  DEFAULT_EVENT_TIME,
} from './run/suite-session.js';
export { parseSuite, readSuiteFile, loadSuite } from './suite/parse-suite.js';
export type { ParsedSuite } from './suite/parse-suite.js';
export type {
  SuiteDefinition,
  SuiteCase,
  CaseDefaults,
  CaseExpectation,
  NotificationExpectation,
  SuiteStep,
  VerdictExpectation,
  VerdictKindName,
  SendExpectation,
} from './suite/model.js';
export { findSuiteFiles, SUITE_FILE_PATTERN } from './suite/find-suite-files.js';
export { SUITE_SCHEMA_URL } from './suite/schema-check.js';
export { SuiteError, CaseFailedError } from './errors.js';
export { formatPrettyReport, timelineLines } from './report/pretty.js';
export { describeDispatch, formatDispatchView } from './report/dispatch-view.js';
export type { DispatchView, NotificationDispatchView } from './report/dispatch-view.js';
export type { PrettyReportOptions } from './report/pretty.js';
export { formatJsonReport } from './report/json.js';
export { formatJunitReport } from './report/junit.js';
export { formatExplanation } from './report/explanation-text.js';
export type { ExplanationTextOptions } from './report/explanation-text.js';
export { displayDiagnostic, displayPath, formatDiagnosticLine } from './report/display-path.js';
export { lintRuleSet, evaluationOrder } from './lint/lint-rule-set.js';
export { verifyInvariants } from './verify/verify-invariants.js';
export type {
  VerifyOptions,
  VerifyReport,
  InvariantVerification,
  CounterExample,
  MissingRequirement,
} from './verify/verify-invariants.js';
export { pairwiseRows } from './verify/covering-array.js';
export type { LintOptions } from './lint/lint-rule-set.js';
export { ruleSetToMermaid, buildRoutingGraph, ANY_EVENT_TYPE } from './graph/mermaid.js';
export type { RoutingGraph, RoutingGraphNode, RoutingGraphEdge } from './graph/mermaid.js';
