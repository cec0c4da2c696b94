import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkRuleFiles, loadRuleSet } from '@exroute/core';

const RULES = fileURLToPath(new URL('../../../../rules', import.meta.url));

// Every rule file of the project's default rules, in the documented load order: the folder's own
// files, then each team folder in name order. Suites (rules/tests/*.suite.yaml) are not rules.
// Adding a rule file under rules/ means adding it here, which is the point: this list is what
// `exroute validate rules` must read.
const RULE_FILES = [
  'regions-and-calendars.yaml',
  'compliance/regulated-review.yaml',
  'customer-communications/content-changes.yaml',
  'customer-communications/high-priority.yaml',
  'directory/recipients.yaml',
  'directory/templates.yaml',
  'operations/batch-runs.yaml',
  'operations/delivery-failures.yaml',
  'operations/lifecycle.yaml',
  'operations/non-production.yaml',
  'operations/service-alerts.yaml',
].map((file) => join(RULES, ...file.split('/')));

describe('the default rules folder', () => {
  it('loads every team folder, without errors or warnings', async () => {
    const check = await checkRuleFiles(RULES);
    expect(check.diagnostics).toEqual([]);
    expect(check.ruleSet?.files).toEqual(RULE_FILES);
  });

  it('is the same rule set as its files listed one by one', async () => {
    const fromFolder = await loadRuleSet(RULES);
    const fromList = await loadRuleSet(RULE_FILES);
    expect(fromFolder.version).toBe(fromList.version);
    expect(fromFolder.rules.map((r) => [r.id, r.order, r.location.file])).toEqual(
      fromList.rules.map((r) => [r.id, r.order, r.location.file]),
    );
    expect(fromFolder.rules.length).toBeGreaterThan(0);
  });
});
