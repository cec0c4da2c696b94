import type { RuleSet } from '@exroute/core';
import type { CaseResult, CoverageReport, RuleCoverage } from './results.js';

/**
 * Which rules of `ruleSets` were matched by at least one routed case. A rule is identified by
 * its file and id, so suites that load the same files count towards the same rules.
 */
export function computeCoverage(
  ruleSets: readonly RuleSet[],
  cases: readonly CaseResult[],
): CoverageReport {
  const byKey = new Map<string, RuleCoverage>();
  for (const ruleSet of ruleSets) {
    for (const rule of ruleSet.rules) {
      const key = ruleKey(rule.location.file, rule.id);
      if (!byKey.has(key)) {
        byKey.set(key, {
          ruleId: rule.id,
          file: rule.location.file,
          line: rule.location.line,
          matchedBy: 0,
        });
      }
    }
  }
  for (const result of cases) {
    for (const matched of result.decision?.matched ?? []) {
      const entry = byKey.get(ruleKey(matched.file, matched.ruleId));
      if (entry !== undefined) entry.matchedBy += 1;
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

function ruleKey(file: string, id: string): string {
  return `${file}\u0000${id}`;
}
