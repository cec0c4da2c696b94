import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';
import { lintRuleSet } from '@exroute/testing';

const DIRECTORY = `apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
  team: { members: [ops] }
  unused-person: { email: nobody@example.com }
templates:
  t: { id: T, channels: [email] }
  unused-template: { id: U, channels: [email] }
rules:
`;

function lint(rules: string): [string, number | undefined][] {
  const ruleSet = parseRuleSet(`${DIRECTORY}${rules}`, { filename: 'rules.yaml' });
  return lintRuleSet(ruleSet, { unusedRecipients: false, unusedTemplates: false }).map((d) => [
    d.code,
    d.line,
  ]);
}

const notify = '    description: d\n    notify: [{ to: [team], template: t }]\n';

describe('lintRuleSet: shadowed rules', () => {
  it('finds a rule pinned inside what an earlier stop rule matches', () => {
    const findings = lint(`  - id: all-failures
    when: { type: delivery.failed }
    stop: true
${notify}  - id: uk-email-failures
    when: { type: delivery.failed, region: UK, channel: [email, sms] }
${notify}`);
    expect(findings).toEqual([['EXR_LINT_SHADOWED_RULE', 15]]);
  });

  it('treats an earlier stop rule with no conditions as shadowing everything after it', () => {
    expect(
      lint(
        `  - id: catch-all\n    stop: true\n${notify}  - id: later\n    when: { type: a }\n${notify}`,
      ),
    ).toEqual([['EXR_LINT_SHADOWED_RULE', 14]]);
  });

  it('uses notEqual when the later rule pins the field to other values', () => {
    const findings = lint(`  - id: not-uk
    when: { region: { notEqual: UK } }
    stop: true
${notify}  - id: de-only
    when: { region: DE }
${notify}`);
    expect(findings).toEqual([['EXR_LINT_SHADOWED_RULE', 15]]);
  });

  it('does not report when the later rule can match events the stop rule rejects', () => {
    for (const [earlier, later] of [
      ['{ type: delivery.failed, region: UK }', '{ type: delivery.failed }'],
      [
        '{ type: delivery.failed, region: [UK, DE] }',
        '{ type: delivery.failed, region: [UK, FR] }',
      ],
      ['{ region: { notEqual: UK } }', '{ region: [UK, DE] }'],
      ['{ data.count: { greaterThan: 3 } }', '{ data.count: 5 }'],
    ]) {
      const findings = lint(
        `  - id: earlier\n    when: ${earlier}\n    stop: true\n${notify}  - id: later\n    when: ${later}\n${notify}`,
      );
      expect(findings).toEqual([]);
    }
  });

  it('ignores stop rules with an any condition, an effective window, or a lower priority', () => {
    const variants = [
      `    when: { type: x }\n    conditions: { any: [{ fact: region, operator: equal, value: UK }] }\n    stop: true\n`,
      `    when: { type: x }\n    effective: { from: "2027-01-01" }\n    stop: true\n`,
      `    when: { type: x }\n    priority: -1\n    stop: true\n`,
    ];
    for (const variant of variants) {
      expect(
        lint(
          `  - id: earlier\n${variant}${notify}  - id: later\n    when: { type: x, region: UK }\n${notify}`,
        ),
      ).toEqual([]);
    }
  });

  it('does not report without stop', () => {
    expect(
      lint(
        `  - id: a\n    when: { type: x }\n${notify}  - id: b\n    when: { type: x }\n${notify}`,
      ),
    ).toEqual([]);
  });
});

describe('lintRuleSet: contradictions and hygiene', () => {
  it('finds a field required to equal two values', () => {
    const findings = lint(`  - id: impossible
    when: { region: UK }
    conditions: { all: [{ fact: region, operator: equal, value: DE }] }
${notify}`);
    expect(findings).toEqual([['EXR_LINT_CONTRADICTION', 10]]);
  });

  it('finds a value both required and excluded, through a shared condition', () => {
    const ruleSet = parseRuleSet(
      `${DIRECTORY.replace('rules:\n', 'sharedConditions:\n  not-uk: { fact: region, operator: notIn, value: [UK] }\nrules:\n')}  - id: impossible
    when: { region: UK }
    conditions: { condition: not-uk }
${notify}`,
      { filename: 'rules.yaml' },
    );
    expect(lintRuleSet(ruleSet).map((d) => d.code)).toContain('EXR_LINT_CONTRADICTION');
  });

  it('does not call an any of two values a contradiction', () => {
    expect(
      lint(
        `  - id: fine\n    conditions: { any: [{ fact: region, operator: equal, value: UK }, { fact: region, operator: equal, value: DE }] }\n${notify}`,
      ),
    ).toEqual([]);
  });

  it('reports unused recipients and templates, and rules without a description', () => {
    const ruleSet = parseRuleSet(
      `${DIRECTORY}  - id: quiet\n    notify: [{ to: [team], template: t }]\n`,
      {
        filename: 'rules.yaml',
      },
    );
    expect(lintRuleSet(ruleSet).map((d) => [d.code, d.severity, d.line])).toEqual([
      ['EXR_LINT_UNUSED_RECIPIENT', 'warning', 5],
      ['EXR_LINT_UNUSED_TEMPLATE', 'warning', 8],
      ['EXR_LINT_MISSING_DESCRIPTION', 'warning', 10],
    ]);
  });
});

describe('lintRuleSet soundness (property)', () => {
  const TYPES = ['a', 'b'];
  const REGIONS = ['UK', 'DE', 'FR'];
  const field = fc.constantFrom('type', 'region');
  const valuesFor = (name: string): string[] => (name === 'type' ? TYPES : REGIONS);
  const leaf = field.chain((name) =>
    fc.oneof(
      fc.constantFrom(...valuesFor(name)).map((v) => `${name}: ${v}`),
      fc.subarray(valuesFor(name), { minLength: 1 }).map((vs) => `${name}: [${vs.join(', ')}]`),
      fc.constantFrom(...valuesFor(name)).map((v) => `${name}: { notEqual: ${v} }`),
    ),
  );
  const rule = fc.record({
    leaves: fc.uniqueArray(leaf, { maxLength: 2, selector: (l) => l.split(':')[0] }),
    priority: fc.integer({ min: 0, max: 2 }),
    stop: fc.boolean(),
  });
  const event = fc.record({
    type: fc.constantFrom(...TYPES),
    region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
  });

  it('never reports a rule as unreachable when some event makes it match', () => {
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 2, maxLength: 5 }),
        fc.array(event, { maxLength: 12 }),
        (rules, events) => {
          const yaml = rules
            .map(
              (r, i) =>
                `  - id: r${i}\n    priority: ${r.priority}\n    stop: ${r.stop}\n    when: { ${r.leaves.join(', ')} }\n${notify}`,
            )
            .join('');
          const ruleSet = parseRuleSet(`${DIRECTORY}${yaml}`, { filename: 'rules.yaml' });
          const unreachable = new Set(
            lintRuleSet(ruleSet)
              .filter(
                (d) => d.code === 'EXR_LINT_SHADOWED_RULE' || d.code === 'EXR_LINT_CONTRADICTION',
              )
              .map((d) => ruleSet.rules.find((r) => r.location.line === d.line)?.id),
          );
          const router = createRouter(ruleSet);
          events.forEach((fields, i) => {
            const routed: NormalizedEvent = {
              id: `e${i}`,
              source: 'property',
              time: '2026-01-01T00:00:00Z',
              type: fields.type,
              ...(fields.region !== undefined ? { region: fields.region } : {}),
              data: {},
            };
            for (const matched of router.route(routed).matched) {
              expect(unreachable.has(matched.ruleId)).toBe(false);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
