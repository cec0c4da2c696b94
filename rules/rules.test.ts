import { spawnSync } from 'node:child_process';
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

describe('exroute test --min-coverage 100 on the default rules', () => {
  it('passes through the built command exactly as a compliance CI would call it', () => {
    const bin = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
    const result = spawnSync(
      process.execPath,
      [bin, 'test', SUITES, '--min-coverage', '100', '--reporter', 'json'],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      summary: { failed: number; errors: number; passed: number };
      coverage: { percent: number };
    };
    expect(report.summary.failed).toBe(0);
    expect(report.summary.errors).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(0);
    expect(report.coverage.percent).toBe(100);
  });
});
