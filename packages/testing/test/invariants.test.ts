import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuleSet, parseRuleSet } from '@exroute/core';
import { pairwiseRows, runSuites, verifyInvariants } from '@exroute/testing';
import fc from 'fast-check';
import { TempProject } from './temp-project.js';

const DEFAULT_RULES = fileURLToPath(new URL('../../../rules', import.meta.url));

const RULES = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE, FR]
recipients:
  compliance-officers: { members: [carol] }
  carol: { email: carol@example.com }
  legal: { email: legal@example.com }
templates:
  regulated-review: { id: EXS-REG, channels: [email] }
  quick-note: { id: EXS-NOTE, channels: [email] }
rules:
  - id: regulated-review-compliance
    when: { type: content.review_requested, documentType: [policy-change, legal-correspondence] }
    notify: [{ to: [compliance-officers], template: regulated-review }]
  - id: big-volume
    when: { type: content.review_requested, data.volume: { greaterThan: 1000 } }
    notify: [{ to: [legal], template: quick-note }]
SEED
invariants:
  - id: regulated-review-reaches-compliance
    description: every regulated review reaches compliance by email
    for: { type: content.review_requested, documentType: [policy-change, legal-correspondence] }
    require: { recipients: [compliance-officers], channels: [email], template: regulated-review }
`;

/** A higher-priority `stop` rule that shadows the compliance route, for FR only. */
const SHADOW = `  - id: fr-fast-track
    priority: 100
    when: { type: content.review_requested, region: FR }
    notify: [{ to: [legal], template: quick-note }]
    stop: true`;

describe('verifyInvariants', () => {
  it('finds the counter-example of a stop rule that shadows the compliance route for one region', () => {
    const report = verifyInvariants(parseRuleSet(RULES.replace('SEED', SHADOW)));
    expect(report.violated).toBe(1);
    const [verdict] = report.invariants;
    expect(verdict!.invariantId).toBe('regulated-review-reaches-compliance');
    expect(verdict!.violations).toBeGreaterThan(0);
    const example = verdict!.counterExample!;
    expect(example.event).toMatchObject({ type: 'content.review_requested', region: 'FR' });
    expect(['policy-change', 'legal-correspondence']).toContain(example.event.documentType);
    expect(example.stoppedBy).toMatchObject({ ruleId: 'fr-fast-track', line: 18 });
    expect(example.matched.map((m) => m.ruleId)).toEqual(['fr-fast-track']);
    expect(example.missing).toEqual([
      {
        template: 'regulated-review',
        channel: 'email',
        missingNotification: true,
        recipients: ['carol'],
      },
    ]);
  });

  it('finds a violation that needs a numeric boundary value to show', () => {
    const rules = RULES.replace(
      'SEED',
      `  - id: huge-volume-only-legal
    priority: 100
    when: { type: content.review_requested, data.volume: { greaterThan: 5000 } }
    notify: [{ to: [legal], template: quick-note }]
    stop: true`,
    );
    const example = verifyInvariants(parseRuleSet(rules)).invariants[0]!.counterExample!;
    expect((example.event.data as { volume: number }).volume).toBe(5001);
  });

  it('finds none when the rules comply, and reports what it tried', () => {
    const report = verifyInvariants(parseRuleSet(RULES.replace('SEED', '')));
    expect(report.violated).toBe(0);
    expect(report.invariants[0]!.eventsCovered).toBeGreaterThan(0);
    expect(report.invariants[0]!.counterExample).toBeUndefined();
    expect(report.pairwiseComplete).toBe(true);
    expect(report.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['type', 'documentType', 'data.volume']),
    );
  });

  it('finds none for the default rules', async () => {
    const report = verifyInvariants(await loadRuleSet(DEFAULT_RULES));
    expect(report.invariants.length).toBeGreaterThanOrEqual(3);
    expect(report.invariants.every((i) => i.eventsCovered > 0)).toBe(true);
    expect(report.violated).toBe(0);
  }, 60_000);

  it('stays within its bound however many values the rules mention', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `d${i}`).join(', ');
    const fields = Array.from({ length: 40 }, (_, i) => `data.f${i}: [${values}]`).join(', ');
    const ruleSet = parseRuleSet(
      RULES.replace(
        'SEED',
        `  - id: wide
    when: { ${fields} }
    notify: [{ to: [legal], template: quick-note }]`,
      ),
    );
    const report = verifyInvariants(ruleSet, { maxEvents: 300 });
    expect(report.events).toBeLessThanOrEqual(600);
    expect(report.fields.every((f) => f.values <= report.bound.maxValuesPerField)).toBe(true);
  }, 60_000);
});

describe('pairwiseRows', () => {
  it('covers every pair of values of every two fields (checked against the full list of pairs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 7 }),
        (sizes) => {
          const { rows, complete } = pairwiseRows(sizes, 100_000);
          expect(complete).toBe(true);
          for (const row of rows) row.forEach((v, i) => expect(v).toBeLessThan(sizes[i]!));
          for (let i = 0; i < sizes.length; i++) {
            for (let j = i + 1; j < sizes.length; j++) {
              for (let a = 0; a < sizes[i]!; a++) {
                for (let b = 0; b < sizes[j]!; b++) {
                  expect(rows.some((row) => row[i] === a && row[j] === b)).toBe(true);
                }
              }
            }
          }
          // Far fewer rows than the product once there are many fields.
          const product = sizes.reduce((p, s) => p * s, 1);
          expect(rows.length).toBeLessThanOrEqual(product);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('suites assert invariants on every case', () => {
  let project: TempProject;
  beforeEach(() => {
    project = new TempProject();
  });
  afterEach(() => project.remove());

  const suite = `suite: reviews
rules: [../rules]
cases:
  - name: a French policy change
    event: { type: content.review_requested, documentType: policy-change, region: FR }
    expect: { rules: [fr-fast-track] }
  - name: a German policy change
    event: { type: content.review_requested, documentType: policy-change, region: DE }
    expect: { templates: [regulated-review] }
`;

  it('fails a case whose rules alone leave out what an invariant requires, naming it', async () => {
    project.write('rules/rules.yaml', RULES.replace('SEED', SHADOW));
    project.write('suites/reviews.suite.yaml', suite);
    const result = await runSuites(project.path('suites'));
    expect(result.diagnostics).toEqual([]);
    expect(result.suites[0]!.diagnostics).toEqual([]);
    const [french, german] = result.suites[0]!.cases;
    expect(german!.outcome).toBe('pass');
    expect(french!.outcome).toBe('fail');
    expect(french!.failures).toHaveLength(1);
    expect(french!.failures[0]).toMatchObject({
      expectation: 'invariants',
      expected: {
        invariant: 'regulated-review-reaches-compliance',
        template: 'regulated-review',
        channel: 'email',
        recipients: ['carol'],
      },
      missing: ['carol'],
      line: 4,
      column: 5,
    });
    expect(french!.failures[0]!.message).toContain(
      "invariant 'regulated-review-reaches-compliance'",
    );
    // The decision itself (the production router) has the notification the invariant added.
    expect(french!.decision?.notifications.map((n) => n.requiredBy)).toContainEqual([
      'regulated-review-reaches-compliance',
    ]);
  });

  it('counts an invariant as covered when some case matches its `for`', async () => {
    project.write('rules/rules.yaml', RULES.replace('SEED', ''));
    project.write(
      'suites/reviews.suite.yaml',
      suite.replace(
        'expect: { rules: [fr-fast-track] }',
        'expect: { templates: [regulated-review] }',
      ),
    );
    const result = await runSuites(project.path('suites'));
    expect(result.summary.failed).toBe(0);
    const entry = result.coverage.rules.find((r) => r.kind === 'invariant');
    expect(entry).toMatchObject({ ruleId: 'regulated-review-reaches-compliance', matchedBy: 2 });
  });
});
