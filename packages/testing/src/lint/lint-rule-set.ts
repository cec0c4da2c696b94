/**
 * Static analysis of a loaded rule set: rules that can never match (shadowed by an earlier
 * `stop` rule, or contradicting themselves), directory entries nobody uses, rules nobody can
 * explain. Every finding is a Diagnostic positioned at the rule or entry concerned.
 */
import { evaluationOrder } from '@exroute/core';
import type { Diagnostic, RuleDefinition, RuleSet, SourceLocation } from '@exroute/core';
import { fieldConstraints, flattenConjunction } from './conjunction.js';
import type { FieldConstraint, Scalar } from './conjunction.js';

/** Which checks `lintRuleSet` runs; all are on by default. */
export interface LintOptions {
  shadowedRules?: boolean;
  contradictions?: boolean;
  unusedRecipients?: boolean;
  unusedTemplates?: boolean;
  missingDescriptions?: boolean;
  /** Warn about rules whose `reviewBy` date has passed (default on). */
  reviewOverdue?: boolean;
  /** The instant `reviewBy` is compared with (default: now); its UTC date is "today". */
  now?: Date;
  /** Review metadata every rule must carry; each rule without one is an error. */
  requireFields?: readonly ReviewField[];
}

/** The review metadata keys a rule may carry, and `--require` may demand. */
export const REVIEW_FIELDS = ['owner', 'approvedBy', 'ticket', 'reviewBy'] as const;

/** One of `REVIEW_FIELDS`. */
export type ReviewField = (typeof REVIEW_FIELDS)[number];

/** Every lint finding for `ruleSet`, in file order of the rule or entry concerned. */
export function lintRuleSet(ruleSet: RuleSet, options: LintOptions = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const ordered = evaluationOrder(ruleSet.rules);
  const analysed = ordered.map((rule) => analyse(rule, ruleSet));
  const contradictory = new Set<string>();
  for (const rule of analysed) {
    const conflict = [...rule.constraints.values()].find(isContradictory);
    if (conflict === undefined) continue;
    contradictory.add(rule.definition.id);
    if (options.contradictions === false) continue;
    diagnostics.push({
      code: 'EXR_LINT_CONTRADICTION',
      severity: 'error',
      message: `rule '${rule.definition.id}' can never match: its conditions require '${conflict.field}' to be ${describeConflict(conflict)} at once; fix or remove one condition`,
      ...at(rule.definition.location),
    });
  }
  if (options.shadowedRules !== false) {
    analysed.forEach((later, index) => {
      if (contradictory.has(later.definition.id)) return;
      const shadowing = analysed
        .slice(0, index)
        .find((earlier) => earlier.definition.stop && covers(earlier, later));
      if (shadowing === undefined) return;
      const where = `${shadowing.definition.location.file}:${shadowing.definition.location.line}`;
      diagnostics.push({
        code: 'EXR_LINT_SHADOWED_RULE',
        severity: 'error',
        message: `rule '${later.definition.id}' can never match: rule '${shadowing.definition.id}' (${where}) runs first, has 'stop: true' and matches every event this rule would`,
        ...at(later.definition.location),
        hint: `give '${later.definition.id}' a higher priority than ${shadowing.definition.priority}, or narrow '${shadowing.definition.id}'`,
      });
    });
  }
  if (options.unusedRecipients !== false) diagnostics.push(...unusedRecipients(ruleSet));
  if (options.unusedTemplates !== false) diagnostics.push(...unusedTemplates(ruleSet));
  if (options.missingDescriptions !== false) {
    for (const rule of ruleSet.rules) {
      if (rule.description !== undefined && rule.description.trim() !== '') continue;
      diagnostics.push({
        code: 'EXR_LINT_MISSING_DESCRIPTION',
        severity: 'warning',
        message: `rule '${rule.id}' has no description; say in one sentence why it exists so reviewers can judge changes`,
        ...at(rule.location),
      });
    }
  }
  diagnostics.push(...reviewFindings(ruleSet, options));
  const fileOrder = new Map(ruleSet.files.map((file, index) => [file, index]));
  return diagnostics.sort((a, b) => byPosition(a, b, fileOrder));
}

interface AnalysedRule {
  definition: RuleDefinition;
  /** The condition is exactly the AND of undecorated equality leaves on literals. */
  onlyEquality: boolean;
  constraints: Map<string, FieldConstraint>;
}

function analyse(rule: RuleDefinition, ruleSet: RuleSet): AnalysedRule {
  const { leaves, complete } = flattenConjunction(rule.condition, ruleSet);
  const constraints = fieldConstraints(leaves);
  const onlyEquality = complete && [...constraints.values()].every((c) => c.onlyEquality);
  return { definition: rule, onlyEquality, constraints };
}

/**
 * Sound check that every event matching `later` also matches `earlier`: `earlier` must be a
 * plain conjunction of equality leaves with no `effective` window, and each of its fields must
 * be pinned by `later` to values `earlier` accepts.
 */
function covers(earlier: AnalysedRule, later: AnalysedRule): boolean {
  if (!earlier.onlyEquality || earlier.definition.effective !== undefined) return false;
  for (const [field, required] of earlier.constraints) {
    const pinned = later.constraints.get(field);
    if (pinned === undefined) return false;
    if (required.allowed !== undefined) {
      if (pinned.allowed === undefined) return false;
      if (!pinned.allowed.every((value) => required.allowed?.includes(value))) return false;
    }
    for (const excluded of required.excluded) {
      const ruledOutByLater =
        pinned.excluded.includes(excluded) ||
        (pinned.allowed !== undefined && !pinned.allowed.includes(excluded));
      if (!ruledOutByLater) return false;
    }
  }
  return true;
}

function isContradictory(constraint: FieldConstraint): boolean {
  const { allowed, excluded } = constraint;
  return allowed !== undefined && allowed.every((value) => excluded.includes(value));
}

function describeConflict(constraint: FieldConstraint): string {
  const allowed = constraint.allowed ?? [];
  if (allowed.length === 0) return 'equal to values that have nothing in common';
  return `one of ${show(allowed)} and none of ${show(constraint.excluded)}`;
}

function show(values: readonly Scalar[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

function reviewFindings(ruleSet: RuleSet, options: LintOptions): Diagnostic[] {
  const findings: Diagnostic[] = [];
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  for (const rule of ruleSet.rules) {
    for (const field of options.requireFields ?? []) {
      const value = rule[field];
      if (value !== undefined && value.trim() !== '') continue;
      findings.push({
        code: 'EXR_LINT_MISSING_REVIEW_FIELD',
        severity: 'error',
        message: `rule '${rule.id}' has no ${field}; this repository requires ${field} on every rule (--require)`,
        ...at(rule.location),
      });
    }
    // `YYYY-MM-DD` strings order like the dates they name; the review date itself is still in time.
    if (options.reviewOverdue !== false && rule.reviewBy !== undefined && rule.reviewBy < today) {
      findings.push({
        code: 'EXR_LINT_REVIEW_OVERDUE',
        severity: 'warning',
        message: `rule '${rule.id}' was due for review by ${rule.reviewBy} (today is ${today}); review it, then move reviewBy forward`,
        ...at(rule.location),
        pointer: `${rule.location.pointer}/reviewBy`,
      });
    }
  }
  return findings;
}

function unusedRecipients(ruleSet: RuleSet): Diagnostic[] {
  const used = new Set<string>();
  const pending = ruleSet.rules.flatMap((rule) => rule.notify.flatMap((entry) => [...entry.to]));
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    if (used.has(key)) continue;
    used.add(key);
    pending.push(...(ruleSet.recipients.get(key)?.members ?? []));
  }
  return [...ruleSet.recipients.values()]
    .filter((recipient) => !used.has(recipient.key))
    .map((recipient) => ({
      code: 'EXR_LINT_UNUSED_RECIPIENT',
      severity: 'warning' as const,
      message: `recipient '${recipient.key}' is never notified by any rule, directly or as a group member; remove it or route to it`,
      ...at(recipient.location),
    }));
}

function unusedTemplates(ruleSet: RuleSet): Diagnostic[] {
  const used = new Set(ruleSet.rules.flatMap((rule) => rule.notify.map((entry) => entry.template)));
  return [...ruleSet.templates.values()]
    .filter((template) => !used.has(template.key))
    .map((template) => ({
      code: 'EXR_LINT_UNUSED_TEMPLATE',
      severity: 'warning' as const,
      message: `template '${template.key}' is used by no rule; remove it or reference it from a notify entry`,
      ...at(template.location),
    }));
}

function at(location: SourceLocation): Pick<Diagnostic, 'file' | 'line' | 'column' | 'pointer'> {
  return {
    file: location.file,
    line: location.line,
    column: location.column,
    pointer: location.pointer,
  };
}

function byPosition(a: Diagnostic, b: Diagnostic, fileOrder: ReadonlyMap<string, number>): number {
  return (
    (fileOrder.get(a.file ?? '') ?? -1) - (fileOrder.get(b.file ?? '') ?? -1) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0)
  );
}
