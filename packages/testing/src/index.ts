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
export { lintRuleSet, REVIEW_FIELDS } from './lint/lint-rule-set.js';
export type { LintOptions, ReviewField } from './lint/lint-rule-set.js';
export { verifyInvariants } from './verify/verify-invariants.js';
export type {
  VerifyOptions,
  VerifyReport,
  InvariantVerification,
  CounterExample,
  MissingRequirement,
} from './verify/verify-invariants.js';
export { pairwiseRows } from './verify/covering-array.js';
export { ruleSetToMermaid, buildRoutingGraph, ANY_EVENT_TYPE } from './graph/mermaid.js';
export type { RoutingGraph, RoutingGraphNode, RoutingGraphEdge } from './graph/mermaid.js';
export { diffRuleSets, diffHasLoss, diffHasChanges } from './diff/diff-rule-sets.js';
export type { DiffRuleSetsOptions } from './diff/diff-rule-sets.js';
export type {
  RuleSetDiff,
  DefinitionChange,
  DefinitionKind,
  DiffPlace,
  CorpusEvent,
  ImpactAspect,
  ImpactChange,
  ImpactGroup,
} from './diff/model.js';
export { diffDefinitions } from './diff/static-diff.js';
export { computeImpact, MAX_IMPACT_DIAGNOSTICS } from './diff/impact.js';
export { parseEventCorpus, collectSuiteEvents, MAX_CORPUS_LINE_CHARS } from './diff/corpus.js';
export type { CorpusReading, SuiteCorpus } from './diff/corpus.js';
export { checkRuleFilesAtRevision } from './diff/git-rules.js';
export type { RevisionRules } from './diff/git-rules.js';
export {
  formatDiffText,
  formatDiffMarkdown,
  DEFAULT_MARKDOWN_BUDGET,
  DEFAULT_MARKDOWN_ROWS,
} from './diff/render-diff.js';
export type { DiffMarkdownOptions } from './diff/render-diff.js';
export {
  buildNotificationMatrix,
  MAX_MATRIX_EVENTS,
  OTHER_VALUE,
  NO_VALUE,
} from './matrix/notification-matrix.js';
export type {
  NotificationMatrix,
  NotificationMatrixOptions,
  MatrixRow,
} from './matrix/notification-matrix.js';
export { formatMatrixMarkdown, formatMatrixCsv } from './matrix/render-matrix.js';
