import { describe, expect, it } from 'vitest';
import {
  EventValidationError,
  RuleSetError,
  checkRuleSet,
  createRouter,
  parseRuleSet,
} from '@exroute/core';
import type { NormalizedEvent, RuleSet } from '@exroute/core';

const TEXT = `
apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: EXS-ALERT, channels: [email], subject: "{{ data.resource.name }} ({{ tenant }})" }
sharedConditions:
  big-batch: { all: [{ fact: data, path: $.volume, operator: greaterThan, value: 1000 }] }
rules:
  - id: failed-invoices
    priority: 10
    when: { type: delivery.failed, documentType: invoice }
    conditions: { condition: big-batch }
    stop: true
    notify: [{ to: [ops], template: alert }]
  - id: any-failure
    when: { type: delivery.failed }
    notify: [{ to: [ops], template: alert }]
  - id: batch-only
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert }]
  - id: retired
    effective: { until: "2020-01-01" }
    when: { type: delivery.failed }
    notify: [{ to: [ops], template: alert }]
`;
const RULES = parseRuleSet(TEXT, { filename: 'explain.yaml' });

const NOW = new Date('2026-03-02T10:15:00Z');

function event(fields: Partial<NormalizedEvent>): NormalizedEvent {
  return {
    id: 'e-1',
    source: 'exstream/test',
    type: 'delivery.failed',
    time: '2026-03-02T10:15:00Z',
    data: {},
    ...fields,
  };
}

describe('explain', () => {
  const router = createRouter(RULES, { clock: () => NOW });

  it('gives every rule a verdict in evaluation order and names the stopping rule', () => {
    const explanation = router.explain(
      event({ documentType: 'invoice', data: { volume: 5000, resource: { name: 'Q1' } } }),
    );
    expect(explanation.now).toBe('2026-03-02T10:15:00.000Z');
    expect(explanation.rules.map((r) => [r.ruleId, r.outcome, r.stoppedBy])).toEqual([
      ['failed-invoices', 'matched', undefined],
      ['any-failure', 'stopped', 'failed-invoices'],
      ['batch-only', 'stopped', 'failed-invoices'],
      ['retired', 'stopped', 'failed-invoices'],
    ]);
    expect(explanation.decision.matched.map((m) => m.ruleId)).toEqual(['failed-invoices']);
  });

  it('traces each leaf with actual value, operator, expected value and result', () => {
    const explanation = router.explain(event({ documentType: 'invoice', data: { volume: 10 } }));
    const first = explanation.rules[0]!;
    expect(first.outcome).toBe('not-matched');
    expect(first.condition).toEqual({
      kind: 'all',
      result: false,
      children: [
        {
          kind: 'leaf',
          fact: 'type',
          operator: 'equal',
          actual: 'delivery.failed',
          expected: 'delivery.failed',
          result: true,
        },
        {
          kind: 'leaf',
          fact: 'documentType',
          operator: 'equal',
          actual: 'invoice',
          expected: 'invoice',
          result: true,
        },
        {
          kind: 'reference',
          reference: 'big-batch',
          result: false,
          children: [
            {
              kind: 'all',
              result: false,
              children: [
                {
                  kind: 'leaf',
                  fact: 'data',
                  path: '$.volume',
                  operator: 'greaterThan',
                  actual: 10,
                  expected: 1000,
                  result: false,
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('marks rules whose pinned field differs as skipped-by-index, and out-of-window rules', () => {
    const explanation = router.explain(event({ type: 'delivery.failed', documentType: 'letter' }));
    const outcomes = Object.fromEntries(explanation.rules.map((r) => [r.ruleId, r.outcome]));
    expect(outcomes).toEqual({
      'failed-invoices': 'skipped-by-index',
      'any-failure': 'matched',
      'batch-only': 'skipped-by-index',
      retired: 'not-effective',
    });
    const skipped = explanation.rules.find((r) => r.ruleId === 'batch-only')!;
    expect(skipped.condition?.result).toBe(false);
  });

  it('lists placeholders that rendered empty, with the rules behind them', () => {
    const explanation = router.explain(event({ documentType: 'letter' }));
    expect(explanation.missingPlaceholders).toEqual([
      { template: 'alert', placeholder: 'data.resource.name', ruleIds: ['any-failure'] },
      { template: 'alert', placeholder: 'tenant', ruleIds: ['any-failure'] },
    ]);
    expect(explanation.decision.notifications[0]?.subject).toBe(' ()');
  });

  it('returns exactly the decision route returns', () => {
    for (const e of [
      event({ documentType: 'invoice', data: { volume: 5000 } }),
      event({ documentType: 'letter', tenant: 'acme' }),
      event({ type: 'batch.failed' }),
      event({ type: 'content.updated' }),
    ]) {
      expect(router.explain(e).decision).toEqual(router.route(e));
    }
  });
});

describe('events', () => {
  const router = createRouter(RULES, { clock: () => NOW });

  it.each([
    ['/time', { time: 'yesterday' }],
    ['/priority', { priority: 'urgent' }],
    ['/data', { data: 'none' }],
  ])('rejects an invalid event with a diagnostic at %s', (pointer, fields) => {
    const bad = { ...event({}), ...fields } as unknown as NormalizedEvent;
    let caught: unknown;
    try {
      router.route(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EventValidationError);
    expect((caught as EventValidationError).diagnostics.map((d) => d.pointer)).toEqual([pointer]);
    expect(() => router.explain(bad)).toThrow(EventValidationError);
  });

  it('rejects __proto__ keys when validating', () => {
    const hostile = JSON.parse(
      '{"id":"x","source":"s","type":"delivery.failed","time":"2026-03-02T10:15:00Z","data":{"__proto__":{"volume":5000}}}',
    ) as NormalizedEvent;
    expect(() => router.route(hostile)).toThrow(EventValidationError);
  });

  it('pollutes nothing and reads only own properties when validation is off', () => {
    const unchecked = createRouter(RULES, { clock: () => NOW, validateEvents: false });
    const hostile = JSON.parse(
      '{"id":"x","source":"s","type":"delivery.failed","time":"2026-03-02T10:15:00Z","documentType":"invoice",' +
        '"__proto__":{"polluted":true,"tenant":"evil"},"data":{"__proto__":{"volume":5000},"constructor":{"prototype":{"x":1}}}}',
    ) as NormalizedEvent;
    const decision = unchecked.route(hostile);
    expect(decision.matched.map((m) => m.ruleId)).toEqual(['any-failure']);
    expect(decision.notifications[0]?.subject).toBe(' ()');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();

    // An event whose prototype carries fields: only own properties count.
    const inherited = Object.create({ type: 'delivery.failed', documentType: 'invoice' }) as Record<
      string,
      unknown
    >;
    Object.assign(inherited, { id: 'y', source: 's', time: '2026-03-02T10:15:00Z', data: {} });
    expect(unchecked.route(inherited as unknown as NormalizedEvent).matched).toEqual([]);
  });

  it('rejects a non-object even when validation is off', () => {
    const unchecked = createRouter(RULES, { validateEvents: false });
    expect(() => unchecked.route(null as unknown as NormalizedEvent)).toThrow(EventValidationError);
  });
});

describe('a rule set that did not come from the loader', () => {
  function refusal(build: () => unknown): RuleSetError {
    let caught: unknown;
    try {
      build();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RuleSetError);
    return caught as RuleSetError;
  }

  it('is refused by createRouter, changed or built in code, with EXR_RULE_SET_UNCHECKED', () => {
    const changed = { ...RULES, rules: RULES.rules.map((r) => ({ ...r })) };
    const built = Object.fromEntries(Object.entries(RULES)) as unknown as RuleSet;
    for (const ruleSet of [changed, built, {} as RuleSet, null as unknown as RuleSet]) {
      expect(refusal(() => createRouter(ruleSet)).diagnostics.map((d) => d.code)).toEqual([
        'EXR_RULE_SET_UNCHECKED',
      ]);
    }
    expect(Object.isFrozen(RULES) && Object.isFrozen(RULES.rules)).toBe(true);
  });

  // What the router once re-checked is the loader's to find: the same conditions, written in a
  // rule file, are reported by checkRuleSet at the rule.
  it.each([
    ['EXR_UNKNOWN_OPERATOR', { all: [{ fact: 'type', operator: 'likes', value: 1 }] }],
    [
      'EXR_UNSUPPORTED_PATH',
      { all: [{ fact: 'data', path: '$..x', operator: 'equal', value: 1 }] },
    ],
    ['EXR_UNKNOWN_CONDITION', { all: [{ condition: 'nope' }] }],
    ['EXR_CONDITION_SHAPE', { all: [{ fact: 'type', operator: 'equal' }] }],
    ['EXR_UNSAFE_PATTERN', { all: [{ fact: 'type', operator: 'matches', value: 'a{999}b{999}' }] }],
    ['EXR_INVALID_PATTERN', { all: [{ fact: 'type', operator: 'matches', value: '(a)\\1' }] }],
  ])('reports %s from the loader, at the rule', (code, condition) => {
    const text = TEXT.replace(
      '  - id: any-failure\n',
      `  - id: any-failure\n    conditions: ${JSON.stringify(condition)}\n`,
    );
    const { ruleSet, diagnostics } = checkRuleSet([{ text, filename: 'explain.yaml' }]);
    expect(ruleSet).toBeUndefined();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toContain(code);
    const diagnostic = errors.find((d) => d.code === code)!;
    expect(diagnostic.file).toBe('explain.yaml');
    expect(diagnostic.pointer).toMatch(/^\/rules\/1\/conditions/);
    expect(diagnostic.message).toMatch(/^rules\[1\] 'any-failure': /);
  });

  it('reports unknown recipients and templates from the loader', () => {
    const text = TEXT.replace(
      '  - id: any-failure\n    when: { type: delivery.failed }\n    notify: [{ to: [ops], template: alert }]',
      '  - id: any-failure\n    when: { type: delivery.failed }\n    notify: [{ to: [ghost], template: alert, channels: [email] }, { to: [ops], template: nope }]',
    );
    const { diagnostics } = checkRuleSet([{ text, filename: 'explain.yaml' }]);
    expect(diagnostics.map((d) => d.code).sort()).toEqual([
      'EXR_UNKNOWN_RECIPIENT',
      'EXR_UNKNOWN_TEMPLATE',
    ]);
  });
});
