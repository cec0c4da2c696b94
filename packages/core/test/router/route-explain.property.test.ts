import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, parseRuleSet } from '@exroute/core';
import type { Condition, NormalizedEvent, RuleSet } from '@exroute/core';

// route() consults the index and short-circuits; explain() evaluates every rule in full. For any
// rule set and event they must agree on the matched rules and on the whole decision, and a rule
// explain reports as skipped-by-index must really fail its condition.

const TYPES = ['delivery.failed', 'batch.failed', 'content.updated'];
const DOCS = ['invoice', 'policy', 'letter'];
const REGIONS = ['UK', 'DE', 'FR', 'US'];
const CHANNELS = ['email', 'sms'];
const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;

const pinnedLeaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    fact: fc.constant('type'),
    operator: fc.constant('equal'),
    value: fc.constantFrom(...TYPES),
  }),
  fc.record({
    fact: fc.constant('documentType'),
    operator: fc.constant('in'),
    value: fc.subarray(DOCS, { minLength: 1 }),
  }),
  fc.record({
    fact: fc.constant('region'),
    operator: fc.constant('equal'),
    value: fc.constantFrom(...REGIONS),
  }),
  fc.record({
    fact: fc.constant('priority'),
    operator: fc.constant('in'),
    value: fc.subarray([...PRIORITIES], { minLength: 1 }),
  }),
);

const otherLeaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    fact: fc.constant('channel'),
    operator: fc.constantFrom('equal', 'notEqual'),
    value: fc.constantFrom(...CHANNELS),
  }),
  fc.record({
    fact: fc.constant('data'),
    path: fc.constant('$.volume'),
    operator: fc.constantFrom('greaterThan', 'lessThanInclusive'),
    value: fc.integer({ min: 0, max: 10 }),
  }),
  fc.record({
    fact: fc.constant('priority'),
    operator: fc.constantFrom('atLeast', 'atMost'),
    value: fc.constantFrom(...PRIORITIES),
  }),
  fc.record({ fact: fc.constant('tenant'), operator: fc.constant('exists'), value: fc.boolean() }),
  fc.record({
    fact: fc.constant('data'),
    path: fc.constant('$.tags'),
    operator: fc.constant('someFact:equal'),
    value: fc.constantFrom('a', 'b'),
  }),
  fc.record({
    fact: fc.constant('type'),
    operator: fc.constant('not:equal'),
    value: fc.constantFrom(...TYPES),
  }),
  fc.record({
    fact: fc.constant('documentType'),
    operator: fc.constant('equal'),
    value: fc.record({ fact: fc.constant('data'), path: fc.constant('$.expected') }),
  }),
);

const nested: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    otherLeaf,
    pinnedLeaf,
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;

const ruleArbitrary = fc.record({
  priority: fc.integer({ min: 0, max: 3 }),
  top: fc.array(fc.oneof(pinnedLeaf, pinnedLeaf, nested), { maxLength: 4 }),
  stop: fc.boolean(),
  expired: fc.boolean(),
});

const eventArbitrary: fc.Arbitrary<NormalizedEvent> = fc.record(
  {
    id: fc.constant('e'),
    source: fc.constant('s'),
    type: fc.constantFrom(...TYPES),
    time: fc.constant('2026-03-02T10:15:00Z'),
    documentType: fc.constantFrom(...DOCS),
    region: fc.constantFrom(...REGIONS),
    channel: fc.constantFrom(...CHANNELS),
    priority: fc.constantFrom(...PRIORITIES),
    tenant: fc.constant('acme'),
    data: fc.record({
      volume: fc.integer({ min: 0, max: 10 }),
      tags: fc.subarray(['a', 'b']),
      expected: fc.constantFrom(...DOCS),
    }),
  },
  { requiredKeys: ['id', 'source', 'type', 'time', 'data'] },
);

type RuleSpec = typeof ruleArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** The rule set as rule-file text through the loader: the router only takes checked rule sets. */
function ruleSetOf(specs: RuleSpec[]): RuleSet {
  const file = {
    apiVersion: 'exroute/v1',
    recipients: {
      even: { email: ['even@x'] },
      odd: { email: ['odd@x'], sms: ['+1'] },
      team: { members: ['odd', 'even'] },
    },
    templates: {
      a: { id: 'A', channels: ['email', 'sms'], subject: '{{ type }}' },
      b: { id: 'B', channels: ['email'], params: { v: '{{ data.volume }}' } },
    },
    rules: specs.map((spec, order) => ({
      id: `r${order}`,
      priority: spec.priority,
      // A rule without conditions matches every event; the loader refuses an empty `all`.
      ...(spec.top.length > 0 ? { conditions: { all: spec.top } } : {}),
      notify: [{ to: [order % 2 === 0 ? 'even' : 'team'], template: order % 3 === 0 ? 'a' : 'b' }],
      stop: spec.stop,
      ...(spec.expired ? { effective: { until: '2020-01-01' } } : {}),
    })),
  };
  return parseRuleSet(JSON.stringify(file), { filename: 'prop.yaml' });
}

describe('route agrees with explain', () => {
  it('on matched rules, on the whole decision, and on every skipped-by-index verdict', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArbitrary, { maxLength: 12 }),
        fc.array(eventArbitrary, { minLength: 1, maxLength: 5 }),
        (specs, events) => {
          const router = createRouter(ruleSetOf(specs), {
            clock: () => new Date('2026-03-02T10:15:00Z'),
            validateEvents: false,
          });
          for (const event of events) {
            const decision = router.route(event);
            const explanation = router.explain(event);
            expect(explanation.decision).toEqual(decision);
            expect(
              explanation.rules.filter((r) => r.outcome === 'matched').map((r) => r.ruleId),
            ).toEqual(decision.matched.map((m) => m.ruleId));
            for (const verdict of explanation.rules) {
              if (verdict.outcome === 'skipped-by-index')
                expect(verdict.condition?.result).toBe(false);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);
});
