// The public API of @exroute/core: a hand-written list of named exports (types via `export type`).

export { PRIORITIES, KNOWN_EVENT_TYPES } from './model/event.js';
export type { NormalizedEvent, Priority } from './model/event.js';
export type { Diagnostic, SourceLocation } from './model/diagnostic.js';
export type {
  Condition,
  AllCondition,
  AnyCondition,
  NotCondition,
  ConditionReference,
  LeafCondition,
  FactValueReference,
} from './model/condition.js';
export type {
  RuleSet,
  RuleFileMetadata,
  RegionGroupDefinition,
  RecipientDefinition,
  TemplateDefinition,
  SharedConditionDefinition,
  CalendarDefinition,
  Weekday,
  RegionCalendarDefinition,
  RuleDefinition,
  EffectiveDefinition,
  NotifyDefinition,
  DueDefinition,
} from './model/rule-set.js';
export type {
  PolicyDefinition,
  GroupPolicyDefinition,
  DedupPolicyDefinition,
  ThrottlePolicyDefinition,
  EventMatcherDefinition,
  InhibitRuleDefinition,
  EscalationDefinition,
  EscalationStepDefinition,
  EscalationResolutionDefinition,
  DigestDefinition,
} from './model/policies.js';
export type {
  RoutingDecision,
  MatchedRule,
  RoutedNotification,
  ResolvedRecipient,
} from './model/decision.js';
export type {
  Explanation,
  RuleExplanation,
  ConditionTrace,
  InvariantExplanation,
} from './model/explanation.js';
export type { InvariantDefinition, InvariantRequirement } from './model/invariants.js';
export { createInvariantChecker } from './route/invariant-checker.js';
export type { InvariantChecker, InvariantViolation } from './route/invariant-checker.js';
export {
  ExrouteError,
  RuleSetError,
  EventValidationError,
  formatDiagnostic,
} from './model/errors.js';
export {
  parseSimplePath,
  splitFieldPath,
  resolvePath,
  readFactPath,
  FORBIDDEN_KEYS,
  isForbiddenKey,
} from './paths/simple-path.js';
export type { PathSegment } from './paths/simple-path.js';
export { parseRuleSet, checkRuleSet, INLINE_FILENAME } from './load/check-rule-set.js';
export type { RuleSetCheck } from './load/check-rule-set.js';
export { evaluationOrder } from './route/decision-plan.js';
export {
  loadRuleSet,
  checkRuleFiles,
  collectRuleFiles,
  loadRuleSources,
} from './load/rule-sources.js';
export type { CollectedRuleFiles, RuleFilesCheck } from './load/rule-sources.js';
export type { RuleSource } from './load/parse-yaml.js';
export { checkYamlDocument } from './load/check-yaml-document.js';
export { schemaErrorsItemByItem } from './schema/item-by-item.js';
export type { CheckedYamlDocument } from './load/check-yaml-document.js';
export { duplicateKeyOffsets, isImpreciseInteger } from './load/parse-yaml.js';
export { validateEvent } from './validate/validate-event.js';
export { isRfc3339DateTime } from './schema/load-schema.js';
export { computeRuleSetVersion } from './validate/rule-set-version.js';
export { canonicalJson } from './validate/canonical-json.js';
export { scanStructure, findStructureProblems } from './validate/structure-walk.js';
export type {
  StructureVerdict,
  StructureBounds,
  StructureFinding,
} from './validate/structure-walk.js';
export { didYouMean } from './validate/did-you-mean.js';
export { LOADER_DIAGNOSTIC_CODES } from './validate/diagnostic-codes.js';
export type { DiagnosticCodeInfo, LoaderDiagnosticCode } from './validate/diagnostic-codes.js';
export { createRouter } from './route/router.js';
export type { Router, RouterOptions } from './route/router.js';
export { createReferenceRouter } from './reference/reference-router.js';
export type { ReferenceRouter, ReferenceRouterOptions } from './reference/reference-router.js';
export { ReferenceEvaluationError } from './reference/reference-error.js';
export { BusinessCalendar, ALWAYS_OPEN_UTC } from './time/business-calendar.js';
export type { BusinessCalendarSpec, LocalTime } from './time/business-calendar.js';
export { TimeContext, buildTimeContext, timeContextOf } from './time/time-context.js';
export type { CalendarResolution, TimeDefinitions } from './time/time-context.js';
export { compileEffective, isEffective } from './time/effective.js';
export {
  computeDueAt,
  computeSendAt,
  mergeDueAt,
  mergeSendAt,
} from './time/notification-timing.js';
export type { TimingEvent } from './time/notification-timing.js';
export { localTimeNote, timeOperatorNote } from './time/explain-note.js';
export { parseInstant } from './time/local-formats.js';
