import type { RuleSet, SourceLocation } from '@exroute/core';
import type { CaseResult, CoverageReport, RuleCoverage } from './results.js';

/**
 * Which rules of `ruleSets` were matched by at least one routed case, which policies, inhibit
 * rules and escalation steps a stateful case exercised (a verdict naming the policy, a
 * notification the inhibit rule muted, a message the escalation step sent), and which invariants
 * some case's event fell under (its `for` matched, so what the invariant guards was tried at
 * least once). Everything is identified by its file and name, so suites that load the same files
 * count towards the same entries.
 */
export function computeCoverage(
  ruleSets: readonly RuleSet[],
  cases: readonly CaseResult[],
): CoverageReport {
  const byKey = new Map<string, RuleCoverage>();
  const add = (kind: RuleCoverage['kind'], id: string, location: SourceLocation): void => {
    const key = entryKey(kind, location.file, id);
    if (!byKey.has(key)) {
      byKey.set(key, { kind, ruleId: id, file: location.file, line: location.line, matchedBy: 0 });
    }
  };
  // Names → files, to credit a verdict (which names no file) to the entry that defined it.
  const policyFiles = new Map<string, string>();
  const inhibitFiles = new Map<string, string>();
  const stepFiles = new Map<string, string>();
  const invariantFiles = new Map<string, string>();
  for (const ruleSet of ruleSets) {
    for (const rule of ruleSet.rules) add('rule', rule.id, rule.location);
    for (const policy of ruleSet.policies.values()) {
      add('policy', policy.name, policy.location);
      policyFiles.set(policy.name, policy.location.file);
    }
    for (const inhibit of ruleSet.inhibitRules) {
      add('inhibit', inhibit.id, inhibit.location);
      inhibitFiles.set(inhibit.id, inhibit.location.file);
    }
    for (const invariant of ruleSet.invariants ?? []) {
      add('invariant', invariant.id, invariant.location);
      invariantFiles.set(invariant.id, invariant.location.file);
    }
    for (const escalation of ruleSet.escalations.values()) {
      escalation.steps.forEach((step, index) => {
        const id = `${escalation.name}#${index + 1}`;
        add('escalation-step', id, step.location);
        stepFiles.set(id, step.location.file);
      });
    }
  }
  const credit = (kind: RuleCoverage['kind'], file: string | undefined, id: string): void => {
    if (file === undefined) return;
    const entry = byKey.get(entryKey(kind, file, id));
    if (entry !== undefined) entry.matchedBy += 1;
  };
  for (const result of cases) {
    const matched = new Map<string, string>();
    for (const rule of result.decision?.matched ?? []) matched.set(rule.ruleId, rule.file);
    const exercised = new Set<string>();
    for (const id of result.decision?.invariants ?? []) exercised.add(`invariant\u0000${id}`);
    for (const step of result.timeline ?? []) {
      for (const rule of step.matched ?? []) matched.set(rule.ruleId, rule.file);
      for (const id of step.invariants ?? []) exercised.add(`invariant\u0000${id}`);
      for (const verdict of step.verdicts ?? []) {
        if (verdict.policy !== undefined) exercised.add(`policy\u0000${verdict.policy}`);
        if (verdict.inhibitedBy !== undefined) exercised.add(`inhibit\u0000${verdict.inhibitedBy}`);
      }
      for (const send of step.sends) {
        if (send.escalation !== undefined && send.step !== undefined) {
          exercised.add(`escalation-step\u0000${send.escalation}#${send.step}`);
        }
      }
    }
    // Each case counts once per entry, however many steps exercised it.
    for (const [ruleId, file] of matched) credit('rule', file, ruleId);
    for (const item of exercised) {
      const [kind, id] = item.split('\u0000') as [RuleCoverage['kind'], string];
      const files =
        kind === 'policy'
          ? policyFiles
          : kind === 'inhibit'
            ? inhibitFiles
            : kind === 'invariant'
              ? invariantFiles
              : stepFiles;
      credit(kind, files.get(id), id);
    }
  }
  const rules = [...byKey.values()];
  const covered = rules.filter((rule) => rule.matchedBy > 0).length;
  return {
    total: rules.length,
    covered,
    percent: coveragePercent(covered, rules.length),
    rules,
    uncovered: rules.filter((rule) => rule.matchedBy === 0),
  };
}

/** Whether `coverage` reaches `minimum` percent (0–100). */
export function meetsMinimumCoverage(coverage: CoverageReport, minimum: number): boolean {
  return coverage.total === 0 || (coverage.covered * 100) / coverage.total >= minimum;
}

function coveragePercent(covered: number, total: number): number {
  return total === 0 ? 100 : Math.floor((covered * 1000) / total) / 10;
}

function entryKey(kind: RuleCoverage['kind'], file: string, id: string): string {
  return `${kind}\u0000${file}\u0000${id}`;
}
