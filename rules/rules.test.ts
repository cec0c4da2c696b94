import { fileURLToPath } from 'node:url';
import { runSuites } from '@exroute/testing';
import { defineSuiteTests } from '@exroute/testing/vitest';
import { describe, expect, it } from 'vitest';

// The default rules' suites run in the project's CI like any other test: one vitest test per
// case, plus the coverage gate `exroute test --min-coverage 100` applies.

const SUITES = fileURLToPath(new URL('./tests/', import.meta.url));

defineSuiteTests(SUITES);

describe('default rule suites', () => {
  it('exercise every rule at least once', async () => {
    const result = await runSuites(SUITES);
    expect(result.diagnostics).toEqual([]);
    expect(result.summary.errors).toBe(0);
    expect(result.coverage.uncovered.map((rule) => rule.ruleId)).toEqual([]);
    expect(result.coverage.percent).toBe(100);
  });
});
