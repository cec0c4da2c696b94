import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES_YAML } from './temp-project.js';

// Runs vitest itself on a project whose suite has a passing, a failing and an erroring case,
// through the built `@exroute/testing/vitest` (as a team's own vitest run would import it),
// and reads vitest's JSON report: the failure must carry the expectation and the trace.

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const VITEST = join(REPO, 'node_modules', 'vitest', 'vitest.mjs');
// Inside the repository (git-ignored) so `@exroute/testing` resolves like an installed package.
const DIR = join(REPO, '.exroute-tmp', `vitest-failure-${process.pid}`);

beforeAll(() => {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'rules.yaml'), RULES_YAML);
  writeFileSync(
    join(DIR, 'mixed.suite.yaml'),
    `suite: mixed
rules: [./rules.yaml]
cases:
  - name: passes
    event: { type: content.review_requested, documentType: legal-correspondence, data: {} }
    expect: { rules: [legal-review] }
  - name: fails
    event: { type: content.review_requested, documentType: legal-correspondence, data: {} }
    expect: { rules: [marketing-news] }
  - name: errors
    event: { type: content.review_requested, data: {} }
    expect: { templates: [no-such-template] }
`,
  );
  writeFileSync(
    join(DIR, 'suites.test.mjs'),
    `import { defineSuiteTests } from '@exroute/testing/vitest';\ndefineSuiteTests(${JSON.stringify(DIR)});\n`,
  );
  writeFileSync(
    join(DIR, 'vitest.config.mjs'),
    `export default { test: { include: ['*.test.mjs'] } };\n`,
  );
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('defineSuiteTests in a real vitest run', () => {
  it('fails the failing case with the expectation and the trace, and the erroring one with its code', async () => {
    const report = join(DIR, 'report.json');
    const run = promisify(execFile)(
      process.execPath,
      [VITEST, 'run', '--root', DIR, '--reporter', 'json', '--outputFile', report],
      { cwd: DIR, env: { ...process.env, NO_COLOR: '1' } },
    );
    await expect(run).rejects.toMatchObject({ code: 1 });
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      testResults: {
        assertionResults: { title: string; status: string; failureMessages: string[] }[];
      }[];
    };
    const results = json.testResults.flatMap((file) => file.assertionResults);
    expect(results.map((r) => [r.title, r.status])).toEqual([
      ['passes', 'passed'],
      ['fails', 'failed'],
      ['errors', 'failed'],
    ]);
    const failure = results[1]!.failureMessages.join('\n');
    expect(failure).toContain('CaseFailedError');
    expect(failure).toContain('expect.rules');
    expect(failure).toMatch(/mixed\.suite\.yaml:9:22/);
    expect(failure).toMatch(/✓ legal-review/);
    const error = results[2]!.failureMessages.join('\n');
    expect(error).toContain('SuiteError');
    expect(error).toContain('EXR_SUITE_UNKNOWN_TEMPLATE');
  }, 120_000);
});
