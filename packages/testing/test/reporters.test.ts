import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatExplanation,
  formatJsonReport,
  formatJunitReport,
  formatPrettyReport,
  runSuites,
} from '@exroute/testing';
import type { SuiteRunResult } from '@exroute/testing';
import { RULES_YAML, TempProject } from './temp-project.js';
import { parseXml } from './xml-check.js';

let project: TempProject;
let result: SuiteRunResult;

beforeAll(async () => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES_YAML);
  project.write(
    'suites/mixed.suite.yaml',
    `suite: "mixed <&> \\"quoted\\""
rules: [../rules]
cases:
  - name: passes
    event: { type: content.review_requested, documentType: legal-correspondence, data: {} }
    expect: { rules: [legal-review] }
  - name: "fails & <explains>\\u0007"
    event: { type: content.review_requested, documentType: legal-correspondence, data: {} }
    expect: { rules: [marketing-news] }
  - name: errors
    event: { type: content.review_requested, data: {} }
    expect: { rules: [no-such-rule] }
`,
  );
  project.write('suites/unreadable.suite.yaml', 'suite: [\n');
  result = await runSuites(project.path('suites'));
});
afterAll(() => project.remove());

describe('JUnit reporter', () => {
  it('writes well-formed XML whose counts match the run', () => {
    const root = parseXml(formatJunitReport(result));
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '4', failures: '1', errors: '2' });
    const [mixed, unreadable] = root.children;
    expect(mixed?.attributes).toMatchObject({
      name: 'mixed <&> "quoted"',
      tests: '3',
      failures: '1',
      errors: '1',
    });
    const cases = mixed!.children.filter((child) => child.name === 'testcase');
    expect(cases.map((c) => [c.attributes.name, c.children.map((child) => child.name)])).toEqual([
      ['passes', []],
      ['fails & <explains>\ufffd', ['failure']],
      ['errors', ['error']],
    ]);
    const failure = cases[1]!.children[0]!;
    expect(failure.attributes.type).toBe('rules');
    expect(failure.text).toContain('marketing-news');
    expect(failure.text).toContain('legal-review');
    expect(cases[2]!.children[0]!.attributes.type).toBe('EXR_SUITE_UNKNOWN_RULE');
    expect(unreadable?.attributes).toMatchObject({ tests: '1', errors: '1' });
    expect(unreadable?.children[0]?.children[0]?.attributes.type).toBe('EXR_SUITE_YAML');
  });
});

describe('JSON reporter', () => {
  it('round-trips the result', () => {
    const parsed = JSON.parse(formatJsonReport(result)) as SuiteRunResult;
    expect(parsed.summary).toEqual(result.summary);
    expect(parsed.suites[0]?.cases[1]?.failures[0]?.expectation).toBe('rules');
    expect(parsed.suites[0]?.cases[1]?.explanation?.rules.length).toBe(3);
  });
});

describe('pretty reporter', () => {
  const ESC = '\u001b[';

  it('shows positions, codes and counts, without colour unless asked', () => {
    const text = formatPrettyReport(result, { coverage: true });
    expect(text).not.toContain(ESC);
    expect(text).toMatch(/mixed\.suite\.yaml:7:5/);
    expect(text).toContain('expect.rules');
    expect(text).toContain('EXR_SUITE_UNKNOWN_RULE');
    expect(text).toMatch(/unreadable\.suite\.yaml:2:1 {2}EXR_SUITE_YAML/);
    expect(text).toContain('1 passed');
    expect(text).toContain('1 failed');
    expect(text).toContain('2 errors');
    expect(text).toMatch(/Coverage: 1\/3 rules/);
    expect(text).toMatch(/never exercised {2}marketing-news/);
  });

  it('colours only when asked', () => {
    expect(formatPrettyReport(result, { color: true })).toContain(ESC);
  });
});

describe('formatExplanation', () => {
  it('lists every rule with its outcome and the failing leaf with its actual value', () => {
    const explanation = result.suites[0]!.cases[1]!.explanation!;
    const lines = formatExplanation(explanation).split('\n');
    expect(lines.some((l) => /✓ legal-review .*matched/.test(l))).toBe(true);
    expect(lines.some((l) => /✗ marketing-news/.test(l))).toBe(true);
    expect(lines.some((l) => /- new-regulation .*not effective/.test(l))).toBe(true);
    expect(lines.some((l) => /review \(EXS-REVIEW\) on email/.test(l))).toBe(true);
    expect(lines.some((l) => /→ alice <alice@example.com> via legal-reviewers/.test(l))).toBe(true);
  });
});
