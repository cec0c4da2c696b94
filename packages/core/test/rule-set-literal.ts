/**
 * A RuleSet built in code for compiler-level tests: every directory empty unless given, so a
 * test states only the parts it is about.
 */
import type { RuleSet } from '@exroute/core';

/** `parts` over an empty rule set (no rules, regions, recipients, templates or policies). */
export function ruleSetLiteral(parts: Partial<RuleSet>): RuleSet {
  return {
    version: 'sha256:test',
    files: ['test.yaml'],
    metadata: [],
    regions: new Map(),
    recipients: new Map(),
    templates: new Map(),
    sharedConditions: new Map(),
    calendars: new Map(),
    regionCalendars: new Map(),
    rules: [],
    policies: new Map(),
    inhibitRules: [],
    escalations: new Map(),
    warnings: [],
    ...parts,
  };
}
