import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { meetsMinimumCoverage, runSuites } from '@exroute/testing';
import type { CaseResult, SuiteRunResult } from '@exroute/testing';
import { RULES_YAML, TempProject } from './temp-project.js';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES_YAML);
});
afterEach(() => project.remove());

const HEADER = `suite: review routing
rules: [../rules]
defaults: { source: exstream/test, time: "2026-11-30T10:00:00Z" }
cases:
`;

async function runCases(cases: string): Promise<SuiteRunResult> {
  project.write('suites/review.suite.yaml', `${HEADER}${cases}`);
  return runSuites(project.path('suites'));
}

function onlyCase(result: SuiteRunResult): CaseResult {
  const [suite] = result.suites;
  expect(suite?.cases).toHaveLength(1);
  return suite!.cases[0]!;
}

const LEGAL_EVENT =
  '{ type: content.review_requested, documentType: legal-correspondence, data: {} }';

describe('runSuites', () => {
  it('passes a case whose expectations all hold, through groups and addresses', async () => {
    const result = await runCases(`  - name: legal letter
    event: ${LEGAL_EVENT}
    expect:
      rules: [legal-review]
      recipients: { include: [legal-reviewers, alice, bob@example.com], exclude: [marketing] }
      templates: [review]
      channels: [email]
      severity: high
`);
    expect(result.summary).toEqual({ suites: 1, cases: 1, passed: 1, failed: 0, errors: 0 });
    const testCase = onlyCase(result);
    expect(testCase.outcome).toBe('pass');
    expect(testCase.event).toMatchObject({ id: 'case-1', source: 'exstream/test' });
    expect(testCase.decision?.matched.map((m) => m.ruleId)).toEqual(['legal-review']);
  });

  it('fails with the expectation, the actual value and the explain trace', async () => {
    const result = await runCases(`  - name: wrong expectation
    event: ${LEGAL_EVENT}
    expect:
      rules: [marketing-news]
      recipients: { exclude: [bob] }
`);
    expect(result.summary).toMatchObject({ passed: 0, failed: 1, errors: 0 });
    const testCase = onlyCase(result);
    expect(testCase.outcome).toBe('fail');
    expect(testCase.failures).toHaveLength(2);
    expect(testCase.failures[0]).toMatchObject({
      expectation: 'rules',
      expected: ['marketing-news'],
      actual: ['legal-review'],
      missing: ['marketing-news'],
      unexpected: ['legal-review'],
      line: 8,
      column: 14,
    });
    expect(testCase.failures[1]).toMatchObject({
      expectation: 'recipients.exclude',
      unexpected: ['bob'],
      line: 9,
    });
    expect(testCase.explanation?.rules.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['legal-review', 'matched'],
      ['marketing-news', expect.stringMatching(/^(not-matched|skipped-by-index)$/)],
      ['new-regulation', 'not-effective'],
    ]);
  });

  it('freezes the router clock at the case `at`', async () => {
    const result = await runCases(`  - name: before the regulation
    at: "2026-12-31T23:59:59Z"
    event: ${LEGAL_EVENT}
    expect: { rules: [legal-review] }
  - name: after the regulation
    at: "2027-01-01T00:00:01Z"
    event: ${LEGAL_EVENT}
    expect: { rules: [legal-review, new-regulation], channels: [email, sms] }
`);
    expect(result.summary).toMatchObject({ passed: 2, failed: 0, errors: 0 });
    expect(result.suites[0]?.cases.map((c) => c.at)).toEqual([
      '2026-12-31T23:59:59.000Z',
      '2027-01-01T00:00:01.000Z',
    ]);
  });

  it('checks none: true and none: false', async () => {
    const result = await runCases(`  - name: nothing routes
    event: { type: delivery.completed, data: {} }
    expect: { none: true }
  - name: something routes
    event: { type: delivery.completed, data: {} }
    expect: { none: false }
`);
    expect(result.suites[0]?.cases.map((c) => c.outcome)).toEqual(['pass', 'fail']);
  });

  it('reports names the rule set does not define as errors at their position', async () => {
    const result = await runCases(`  - name: typo
    event: ${LEGAL_EVENT}
    expect: { rules: [legal-reveiw], templates: [reviewz], recipients: { include: [nobody@example.com] } }
`);
    const testCase = onlyCase(result);
    expect(testCase.outcome).toBe('error');
    expect(testCase.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['EXR_SUITE_UNKNOWN_RULE', 7, 23],
      ['EXR_SUITE_UNKNOWN_TEMPLATE', 7, 50],
      ['EXR_SUITE_UNKNOWN_RECIPIENT', 7, 84],
    ]);
    expect(result.summary).toMatchObject({ failed: 0, errors: 1 });
  });

  it('positions an invalid event at the suite line that set the bad field', async () => {
    const result = await runCases(`  - name: bad priority
    event: { type: content.review_requested, priority: urgent, data: {} }
    expect: { none: true }
`);
    const testCase = onlyCase(result);
    expect(testCase.outcome).toBe('error');
    expect(testCase.diagnostics[0]).toMatchObject({
      line: 6,
      file: project.path('suites/review.suite.yaml'),
    });
    expect(testCase.diagnostics[0]?.code).toMatch(/^EXR_EVENT_/);
  });

  it('turns invalid rules into a suite error and an error per case', async () => {
    project.write('rules/rules.yaml', `${RULES_YAML}  - id: broken\n    notify: []\n`);
    const result = await runCases(`  - name: a
    event: ${LEGAL_EVENT}
    expect: { none: true }
  - name: b
    event: ${LEGAL_EVENT}
    expect: { none: true }
`);
    const [suite] = result.suites;
    expect(suite?.outcome).toBe('error');
    expect(suite?.diagnostics.length).toBeGreaterThan(0);
    expect(suite?.diagnostics[0]?.file).toBe(project.path('rules/rules.yaml'));
    expect(suite?.cases.map((c) => [c.outcome, c.diagnostics[0]?.code])).toEqual([
      ['error', 'EXR_SUITE_RULES_INVALID'],
      ['error', 'EXR_SUITE_RULES_INVALID'],
    ]);
    expect(result.summary).toMatchObject({ passed: 0, failed: 0, errors: 2 });
  });

  it('points a missing rules path at its suite line', async () => {
    project.write(
      'suites/a.suite.yaml',
      `suite: a\nrules: [../rules, ../missing]\ncases:\n  - name: x\n    event: { data: {} }\n    expect: { none: true }\n`,
    );
    const result = await runSuites(project.path('suites'));
    expect(result.suites[0]?.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['EXR_FILE_NOT_FOUND', 2, 19],
    ]);
  });

  it('counts an unreadable suite as one error and keeps going', async () => {
    project.write('suites/broken.suite.yaml', 'suite: [\n');
    const result = await runCases(`  - name: ok
    event: ${LEGAL_EVENT}
    expect: { rules: [legal-review] }
`);
    expect(result.suites.map((s) => s.outcome)).toEqual(['error', 'pass']);
    expect(result.summary).toMatchObject({ suites: 2, passed: 1, errors: 1 });
  });

  it('reports paths without suites', async () => {
    const missing = await runSuites(project.path('nowhere'));
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['EXR_SUITE_NOT_FOUND']);
    const empty = await runSuites(project.path('rules'));
    expect(empty.diagnostics.map((d) => d.code)).toEqual(['EXR_SUITE_NONE_FOUND']);
  });

  it('runs only the cases matching the filter', async () => {
    project.write(
      'suites/review.suite.yaml',
      `${HEADER}  - name: Alpha one
    event: ${LEGAL_EVENT}
    expect: { rules: [legal-review] }
  - name: beta
    event: ${LEGAL_EVENT}
    expect: { rules: [legal-review] }
`,
    );
    const result = await runSuites(project.path('suites'), { filter: 'ALPHA' });
    expect(result.suites[0]?.cases.map((c) => c.name)).toEqual(['Alpha one']);
  });
});

describe('coverage', () => {
  it('counts rules matched by at least one case, across suites sharing the rules', async () => {
    project.write(
      'suites/a.suite.yaml',
      `${HEADER}  - name: legal
    event: ${LEGAL_EVENT}
    expect: { rules: [legal-review] }
`,
    );
    project.write(
      'suites/b.suite.yaml',
      `${HEADER}  - name: legal again
    event: ${LEGAL_EVENT}
    expect: { rules: [legal-review] }
  - name: wrong but still routed
    event: { type: communication.generated, documentType: newsletter, data: {} }
    expect: { none: true }
`,
    );
    const result = await runSuites(project.path('suites'));
    const { coverage } = result;
    expect(coverage.total).toBe(3);
    expect(coverage.covered).toBe(2);
    expect(coverage.percent).toBe(66.6);
    expect(coverage.rules.map((r) => [r.ruleId, r.matchedBy])).toEqual([
      ['legal-review', 2],
      ['marketing-news', 1],
      ['new-regulation', 0],
    ]);
    expect(coverage.uncovered.map((r) => [r.ruleId, r.line])).toEqual([['new-regulation', 26]]);
    expect(meetsMinimumCoverage(coverage, 66)).toBe(true);
    expect(meetsMinimumCoverage(coverage, 67)).toBe(false);
  });
});
