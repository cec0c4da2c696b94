/**
 * A RuleSet built in code for compiler-level tests (they call core's internal compiler, never
 * `createRouter`): every directory empty unless given, so a test states only the parts it is
 * about. Branded as checked by hand, so the test is responsible for keeping it valid.
 */
import type { RuleSet } from '@exroute/core';
import { markChecked } from '../src/model/checked-rule-set.js';

/** `parts` over an empty rule set (no rules, regions, recipients, templates or policies). */
export function ruleSetLiteral(parts: Partial<Omit<RuleSet, symbol>>): RuleSet {
  return markChecked({
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
  });
}
