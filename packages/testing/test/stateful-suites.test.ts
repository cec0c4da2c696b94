import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatPrettyReport, parseSuite, runSuites } from '@exroute/testing';
import type { CaseResult, SuiteRunResult } from '@exroute/testing';
import { TempProject } from './temp-project.js';

// Stateful suites (issue 13 item 8): steps on a moving clock against the in-memory dispatcher.

const RULES = `apiVersion: exroute/v1
recipients:
  cs: { email: cs@example.com }
  ops: { email: ops@example.com }
  lead: { email: lead@example.com }
templates:
  failures:
    id: EXS-FAILURES
    channels: [email]
    digest: { line: "{{ data.ref }}: {{ data.reason }}" }
  batch-failed: { id: EXS-BATCH, channels: [email] }
  review: { id: EXS-REVIEW, channels: [email] }
  overdue: { id: EXS-OVERDUE, channels: [email] }
policies:
  per-batch:
    group: { by: [correlationId], wait: 2m, interval: 10m }
inhibit:
  - id: failed-batch-mutes-deliveries
    source: { type: batch.failed }
    target: { type: delivery.failed }
    equal: [correlationId]
    for: 6h
escalations:
  review-overdue:
    steps:
      - { after: { hours: 4 }, to: [lead], template: overdue }
    resolvedBy: { when: { type: lifecycle.changed }, equal: [subject] }
rules:
  - id: delivery-failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: failures, policy: per-batch }]
  - id: batch-failed
    when: { type: batch.failed }
    notify: [{ to: [ops], template: batch-failed }]
  - id: review
    when: { type: content.review_requested }
    notify: [{ to: [ops], template: review, escalate: review-overdue }]
`;

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES);
});
afterEach(() => project.remove());

async function runCases(cases: string): Promise<SuiteRunResult> {
  project.write(
    'suites/s.suite.yaml',
    `suite: stateful\nrules: [../rules]\ndefaults: { source: exstream/test }\ncases:\n${cases}`,
  );
  return runSuites(project.path('suites'));
}

function onlyCase(result: SuiteRunResult): CaseResult {
  expect(result.suites[0]?.diagnostics).toEqual([]);
  return result.suites[0]!.cases[0]!;
}

const failure = (at: string, ref: string, batch = 'b1') =>
  `      - at: "${at}"\n        event: { type: delivery.failed, correlationId: ${batch}, data: { ref: ${ref}, reason: bounced } }\n`;

describe('stateful suites', () => {
  it('groups failures into one digest at the end of the wait', async () => {
    const result = await runCases(`  - name: two failures, one digest
    steps:
${failure('2026-03-02T10:00:00Z', 'c1')}        expect: { rules: [delivery-failed], verdicts: [grouped], sends: [] }
${failure('2026-03-02T10:01:00Z', 'c2')}        expect: { verdicts: [{ kind: grouped, policy: per-batch }] }
      - at: "2026-03-02T10:02:00Z"
        expect:
          sends:
            - { template: failures, reason: group-flush, count: 2, to: [cs], lines: ["c1: bounced", "c2: bounced"] }
      - at: "2026-03-02T11:00:00Z"
        expect: { sends: [] }
`);
    const testCase = onlyCase(result);
    expect(testCase.failures).toEqual([]);
    expect(testCase.outcome).toBe('pass');
    expect(testCase.timeline?.map((s) => s.sends.length)).toEqual([0, 0, 1, 0]);
    expect(result.coverage.rules.find((r) => r.kind === 'policy')?.matchedBy).toBe(1);
  });

  it('fails with the step, the expectation position and a readable timeline', async () => {
    const result = await runCases(`  - name: wrong count
    steps:
${failure('2026-03-02T10:00:00Z', 'c1')}      - at: "2026-03-02T10:02:00Z"
        note: the wait is over
        expect:
          sends: [{ template: failures, count: 3 }]
`);
    const testCase = onlyCase(result);
    expect(testCase.outcome).toBe('fail');
    expect(testCase.failures.map((f) => [f.expectation, f.step, f.line, f.column])).toEqual([
      ['sends', 2, 12, 18],
    ]);
    expect(testCase.failures[0]?.missing).toEqual(['failures/* count 3']);
    expect(testCase.failures[0]?.unexpected).toEqual(['failures/email group-flush count 1 to cs']);
    const report = formatPrettyReport(result);
    expect(report).toContain('step 2 expect.sends');
    expect(report).toContain('# the wait is over');
    expect(report).toContain('· c1: bounced');
  });

  it('mutes a batch`s failures after the batch failed, and covers the inhibit rule', async () => {
    const result = await runCases(`  - name: a failed batch mutes its deliveries
    steps:
      - at: "2026-03-02T10:00:00Z"
        event: { type: batch.failed, correlationId: b1, data: {} }
        expect: { verdicts: [sent], sends: [{ template: batch-failed, reason: immediate }] }
${failure('2026-03-02T10:05:00Z', 'c1')}        expect: { verdicts: [{ kind: inhibited, inhibitedBy: failed-batch-mutes-deliveries }] }
${failure('2026-03-02T10:06:00Z', 'c2', 'b2')}        expect: { verdicts: [grouped] }
`);
    expect(onlyCase(result).failures).toEqual([]);
    expect(result.coverage.rules.find((r) => r.kind === 'inhibit')?.matchedBy).toBe(1);
  });

  it('escalates an unanswered review, and not an acknowledged one', async () => {
    const result = await runCases(`  - name: nobody answers
    steps:
      - at: "2026-03-02T10:00:00Z"
        event: { type: content.review_requested, subject: doc-1, data: {} }
        expect: { verdicts: [sent] }
      - at: "2026-03-02T14:00:00Z"
        expect: { sends: [{ template: overdue, reason: escalation, escalation: review-overdue, step: 1, to: [lead] }] }
  - name: the reviewer acknowledges
    steps:
      - at: "2026-03-02T10:00:00Z"
        event: { type: content.review_requested, subject: doc-1, data: {} }
      - at: "2026-03-02T11:00:00Z"
        acknowledge: review-overdue
      - at: "2026-03-02T15:00:00Z"
        expect: { sends: [] }
`);
    const [first, second] = result.suites[0]!.cases;
    expect(first?.failures).toEqual([]);
    expect(second?.failures).toEqual([]);
    expect(second?.timeline?.[1]?.acknowledged).toHaveLength(1);
    expect(result.coverage.rules.find((r) => r.kind === 'escalation-step')).toMatchObject({
      ruleId: 'review-overdue#1',
      matchedBy: 1,
    });
    expect(result.coverage.uncovered.map((r) => r.ruleId)).not.toContain('review-overdue#1');
  });

  it('lets a one-event case assert verdicts and sends', async () => {
    const result = await runCases(`  - name: one event
    at: "2026-03-02T10:00:00Z"
    event: { type: batch.failed, correlationId: b1, data: {} }
    expect: { rules: [batch-failed], verdicts: [sent], sends: [{ template: batch-failed }] }
`);
    expect(onlyCase(result).outcome).toBe('pass');
  });

  it('reports unknown names in dispatcher expectations as errors at their position', async () => {
    const result = await runCases(`  - name: typos
    steps:
      - at: "2026-03-02T10:00:00Z"
        acknowledge: review-overdeu
        event: { type: delivery.failed, data: {} }
        expect: { verdicts: [{ kind: grouped, policy: per-bacth }], sends: [{ escalation: nope }] }
`);
    const testCase = onlyCase(result);
    expect(testCase.outcome).toBe('error');
    expect(testCase.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['EXR_SUITE_UNKNOWN_POLICY', 10],
      ['EXR_SUITE_UNKNOWN_ESCALATION', 10],
      ['EXR_SUITE_UNKNOWN_ESCALATION', 8],
    ]);
  });
});

describe('stateful suite parsing', () => {
  const parse = (cases: string) =>
    parseSuite(`suite: s\nrules: [r]\ncases:\n${cases}`, {
      filename: 's.suite.yaml',
    }).diagnostics.map((d) => [d.code, d.line, d.column]);

  it.each([
    [
      'a clock that goes backwards',
      '  - name: c\n    steps:\n      - at: "2026-03-02T10:00:00Z"\n      - at: "2026-03-02T09:00:00Z"\n',
      [['EXR_SUITE_CLOCK_BACKWARDS', 7, 13]],
    ],
    [
      'steps together with an event',
      '  - name: c\n    event: {}\n    steps:\n      - at: "2026-03-02T10:00:00Z"\n',
      [['EXR_SUITE_STEPS_AND_EVENT', 5, 5]],
    ],
    [
      'a routing expectation in a step without an event',
      '  - name: c\n    steps:\n      - at: "2026-03-02T10:00:00Z"\n        expect: { rules: [a], sends: [] }\n',
      [['EXR_SUITE_STEP_WITHOUT_EVENT', 7, 19]],
    ],
    [
      'a case with neither event nor steps',
      '  - name: c\n    expect: { none: true }\n',
      [['EXR_SUITE_MISSING_FIELD', 4, 5]],
    ],
    [
      'an unknown verdict kind',
      '  - name: c\n    steps:\n      - at: "2026-03-02T10:00:00Z"\n        event: {}\n        expect: { verdicts: [groupd] }\n',
      [['EXR_SUITE_INVALID_VALUE', 8, 30]],
    ],
    [
      'a misspelled send field',
      '  - name: c\n    steps:\n      - at: "2026-03-02T10:00:00Z"\n        expect: { sends: [{ tempalte: x }] }\n',
      [['EXR_SUITE_UNKNOWN_FIELD', 7, 29]],
    ],
    [
      'a step without at',
      '  - name: c\n    steps:\n      - event: {}\n',
      [['EXR_SUITE_MISSING_FIELD', 6, 9]],
    ],
  ])('reports %s at its position', (_name, cases, expected) => {
    expect(parse(cases)).toEqual(expected);
  });
});

describe('stateful suites: hostile input', () => {
  const parse = (cases: string) =>
    parseSuite(`suite: s\nrules: [r]\ncases:\n${cases}`, {
      filename: 's.suite.yaml',
    }).diagnostics.map((d) => d.code);
  const step = (i: number) =>
    `      - at: "${new Date(Date.parse('2026-03-02T10:00:00Z') + i * 1000).toISOString()}"\n`;

  it('refuses more than 500 steps with a located diagnostic', () => {
    const steps = Array.from({ length: 501 }, (_, i) => step(i)).join('');
    expect(parse(`  - name: c\n    steps:\n${steps}`)).toEqual(['EXR_SUITE_INVALID_VALUE']);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('treats %s in a step as unknown', (key) => {
    expect(
      parse(`  - name: c\n    steps:\n      - at: "2026-03-02T10:00:00Z"\n        ${key}: {}\n`),
    ).toEqual(['EXR_SUITE_UNKNOWN_FIELD']);
  });

  it.each([
    ['a number as verdicts', 'expect: { sends: 5 }', 'EXR_SUITE_INVALID_VALUE'],
    ['a text step clock', 'expect: { sends: [] }', 'EXR_SUITE_INVALID_TIME', 'soon'],
    ['a negative count', 'expect: { sends: [{ count: -1 }] }', 'EXR_SUITE_INVALID_VALUE'],
    ['a list as acknowledge', 'acknowledge: [a]', 'EXR_SUITE_INVALID_VALUE'],
  ])('reports %s', (_name, body, code, at = '2026-03-02T10:00:00Z') => {
    expect(parse(`  - name: c\n    steps:\n      - at: "${at}"\n        ${body}\n`)).toContain(
      code,
    );
  });

  it(
    'runs 500 steps of one busy group in bounded time, every item in one flush',
    { timeout: 60_000 },
    async () => {
      const steps = Array.from(
        { length: 499 },
        (_, i) =>
          `${step(i)}        event: { type: delivery.failed, correlationId: b1, data: { ref: r${i}, reason: x } }\n`,
      ).join('');
      const result = await runCases(
        `  - name: many\n    steps:\n${steps}      - at: "2026-03-02T12:00:00Z"\n`,
      );
      const testCase = onlyCase(result);
      expect(testCase.outcome).toBe('pass');
      expect(testCase.timeline).toHaveLength(500);
      const flushed = testCase.timeline!.flatMap((s) => s.sends).map((send) => send.count ?? 0);
      expect(flushed.reduce((a, b) => a + b, 0)).toBe(499);
    },
  );
});
