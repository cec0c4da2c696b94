import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition, RuleDefinition, RuleSet, SourceLocation } from '@exroute/core';
import { compileRuleSet } from '../../src/compile/compile-rule-set.js';
import { EvaluationScope } from '../../src/compile/evaluation-scope.js';
import { ruleSetLiteral } from '../rule-set-literal.js';

// The index may skip a rule only when the rule provably cannot match. For random conditions in
// json-rules-engine's format — pins of every kind the index understands (equal, in, within,
// atLeast/atMost, on event fields and data paths, inside all/any/not/shared references), mixed
// with leaves it must not trust (decorators, swap, notIn, fact references, non-list `in`) and
// tricky values (NaN, null, -0, numbers vs numeric strings, arrays, missing facts) — the
// indexed candidates, each condition tested, are exactly the rules an unindexed scan of the
// same compiled conditions matches.

const at = (pointer: string): SourceLocation => ({
  file: 'index.yaml',
  line: 1,
  column: 1,
  pointer,
});

const SCALARS: readonly unknown[] = [
  'a',
  'b',
  '1',
  '0',
  1,
  0,
  -0,
  Number.NaN,
  null,
  true,
  false,
  'UK',
  'NO',
  'EMEA',
  'NORDICS',
  'low',
  'normal',
  'high',
];
const REGION_GROUPS = new Map([
  ['EMEA', ['UK', 'NORDICS']],
  ['NORDICS', ['NO', 'SE']],
]);
const PRIORITY_NAMES = ['low', 'normal', 'high', 'critical'];
const SHARED = ['s0', 's1', 's2', 's3'];

const scalar = fc.constantFrom(...SCALARS);
/** Facts the leaves read; `path` reads inside `data` (or, on a scalar fact, the fact itself). */
const factRef = fc.constantFrom<{ fact: string; path?: string }>(
  { fact: 'type' },
  { fact: 'documentType' },
  { fact: 'region' },
  { fact: 'priority' },
  { fact: 'channel' },
  { fact: 'tenant' },
  { fact: 'custom' },
  { fact: 'data' },
  { fact: 'data', path: '$.volume' },
  { fact: 'data', path: '$.code' },
  { fact: 'data', path: '$.tags' },
  { fact: 'data', path: '$.tags[0]' },
  { fact: 'region', path: '$.code' },
  { fact: 'type', path: '' },
);

const list = fc.array(fc.oneof(scalar, scalar, fc.array(scalar, { maxLength: 2 })), {
  maxLength: 4,
});

const leaf: fc.Arbitrary<Condition> = fc
  .tuple(
    factRef,
    fc.oneof(
      fc.record({ operator: fc.constant('equal'), value: scalar }),
      fc.record({ operator: fc.constant('equal'), value: fc.array(scalar, { maxLength: 2 }) }),
      fc.record({ operator: fc.constant('in'), value: list }),
      fc.record({ operator: fc.constant('in'), value: fc.constantFrom('abc', 'UK,NO', 1) }),
      fc.record({
        operator: fc.constantFrom('within'),
        value: fc.constantFrom('EMEA', 'NORDICS', 'UK'),
      }),
      fc.record({
        operator: fc.constantFrom('atLeast', 'atMost'),
        value: fc.constantFrom(...PRIORITY_NAMES),
      }),
      fc.record({
        operator: fc.constantFrom('notEqual', 'not:equal', 'swap:equal', 'someFact:equal'),
        value: scalar,
      }),
      fc.record({
        operator: fc.constantFrom('notIn', 'not:in', 'someFact:in', 'swap:in', 'someValue:equal'),
        value: list,
      }),
      fc.record({ operator: fc.constant('greaterThan'), value: fc.constantFrom(0, 1) }),
      fc.record({
        operator: fc.constantFrom('equal', 'in'),
        value: fc.constantFrom({ fact: 'channel' }, { fact: 'data', path: '$.tags' }),
      }),
    ),
  )
  .map(([target, comparison]) => ({ ...target, ...comparison }));

/** Leaves the index files rules under, on few facts, so that branches often pin the same one. */
const pinLeaf: fc.Arbitrary<Condition> = fc
  .tuple(
    fc.constantFrom<{ fact: string; path?: string }>(
      { fact: 'type' },
      { fact: 'region' },
      { fact: 'priority' },
      { fact: 'data', path: '$.code' },
    ),
    fc.oneof(
      fc.record({ operator: fc.constant('equal'), value: scalar }),
      fc.record({ operator: fc.constant('in'), value: fc.array(scalar, { maxLength: 3 }) }),
      fc.record({ operator: fc.constant('within'), value: fc.constantFrom('EMEA', 'NORDICS') }),
      fc.record({
        operator: fc.constantFrom('atLeast', 'atMost'),
        value: fc.constantFrom(...PRIORITY_NAMES),
      }),
    ),
  )
  .map(([target, comparison]) => ({ ...target, ...comparison }));

const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    pinLeaf,
    fc.record({ any: fc.array(pinLeaf, { minLength: 1, maxLength: 3 }) }),
    fc.record({
      any: fc.array(
        fc.oneof(pinLeaf, fc.record({ all: fc.array(pinLeaf, { minLength: 1, maxLength: 2 }) })),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    fc.record({ all: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
    fc.record({ condition: fc.constantFrom(...SHARED) }),
  ),
})).node;

/** Shared condition `s<i>` may refer only to `s<j>` with j > i: DAG-shaped, never cyclic. */
function withoutCycles(name: string, node: Condition): Condition {
  const index = SHARED.indexOf(name);
  const walk = (c: Condition): Condition => {
    if ('condition' in c) {
      return SHARED.indexOf(c.condition) > index
        ? c
        : { fact: 'type', operator: 'equal', value: 'a' };
    }
    if ('all' in c) return { all: c.all.map(walk) };
    if ('any' in c) return { any: c.any.map(walk) };
    if ('not' in c) return { not: walk(c.not) };
    return c;
  };
  return walk(node);
}

const eventValue = fc.option(fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })), {
  nil: undefined,
});
const event = fc.record(
  {
    type: eventValue,
    documentType: eventValue,
    region: fc.option(fc.constantFrom('UK', 'NO', 'SE', 'DE', 'EMEA', 'NORDICS', 1, null), {
      nil: undefined,
    }),
    priority: fc.option(fc.constantFrom(...PRIORITY_NAMES, 'urgent', null, 1), { nil: undefined }),
    channel: eventValue,
    tenant: eventValue,
    custom: eventValue,
    data: fc.oneof(
      fc.record(
        { volume: eventValue, code: eventValue, tags: eventValue },
        { requiredKeys: [], noNullPrototype: true },
      ),
      scalar,
    ),
  },
  // Events are JSON objects; null-prototype objects are not what `route` is given.
  { requiredKeys: [], noNullPrototype: true },
);

function ruleSetOf(
  conditions: readonly { all: Condition[] }[],
  shared: readonly Condition[],
): RuleSet {
  const rules: RuleDefinition[] = conditions.map((c, order) => ({
    id: `r${order}`,
    priority: order % 3,
    order,
    condition: c,
    notify: [{ to: ['ops'], template: 't', location: at('/n') }],
    stop: false,
    location: at(`/rules/${order}`),
  }));
  return ruleSetLiteral({
    regions: new Map(
      [...REGION_GROUPS].map(([name, members]) => [name, { name, members, location: at('/g') }]),
    ),
    recipients: new Map([
      ['ops', { key: 'ops', addresses: { email: ['ops@x'] }, members: [], location: at('/r') }],
    ]),
    templates: new Map([
      ['t', { key: 't', id: 'T', channels: ['email'], params: {}, location: at('/t') }],
    ]),
    sharedConditions: new Map(
      SHARED.map((name, i) => [
        name,
        { name, condition: withoutCycles(name, shared[i]!), location: at(`/s/${name}`) },
      ]),
    ),
    rules,
  });
}

const SHARED_TRUE: Condition[] = SHARED.map(() => ({ all: [] }));

const CLOCK = (): Date => new Date('2026-03-02T10:15:00Z');

describe('the rule index', () => {
  it('yields exactly the rules an unindexed scan of the same compiled conditions matches', () => {
    let matches = 0;
    let skipped = 0;
    let exact = 0;
    fc.assert(
      fc.property(
        fc.array(fc.array(condition, { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(condition, { minLength: 4, maxLength: 4 }),
        fc.array(event, { minLength: 1, maxLength: 8 }),
        (tops, shared, events) => {
          // Every rule is an `all` chain at the top, as `when` + `conditions` desugar to.
          const ruleSet = ruleSetOf(
            tops.map((all) => ({ all })),
            shared,
          );
          const { conditions, index } = compileRuleSet(ruleSet);
          const candidates = new Int32Array(conditions.length);
          for (const e of events) {
            const scope = new EvaluationScope(e, CLOCK);
            const scanned = conditions.flatMap((c, rank) => (c.test(scope) ? [rank] : []));
            const count = index.collect(scope, candidates);
            // As route does: an exact rule's condition is not run, its pins were checked.
            const indexed = [...candidates.subarray(0, count)].filter(
              (rank) => index.isExact(rank) || conditions[rank]!.test(scope),
            );
            expect(indexed).toEqual(scanned);
            for (const rank of scanned) expect(index.admits(rank, scope)).toBe(true);
            matches += scanned.length;
            skipped += conditions.length - count;
            exact += conditions.filter((_, rank) => index.isExact(rank)).length;
          }
        },
      ),
      { numRuns: 1000 },
    );
    // The generators must produce both matches and rules the index skips, or this proves little.
    expect(matches).toBeGreaterThan(200);
    expect(skipped).toBeGreaterThan(200);
    expect(exact).toBeGreaterThan(200);
  }, 120_000);

  it('checks rules whose pinned facts got no slot by running their conditions', () => {
    // 40 rules, each pinning its own data path: more facts than the index reads per event.
    const conditions: { all: Condition[] }[] = Array.from({ length: 40 }, (_, i) => ({
      all: [{ fact: 'data', path: `$.f${i}`, operator: 'equal', value: 1 }],
    }));
    const {
      conditions: compiled,
      index,
      plan,
    } = compileRuleSet(ruleSetOf(conditions, SHARED_TRUE));
    const candidates = new Int32Array(compiled.length);
    for (let i = 0; i < 40; i++) {
      for (const value of [1, 2]) {
        const scope = new EvaluationScope({ data: { [`f${i}`]: value } }, CLOCK);
        const count = index.collect(scope, candidates);
        const matched = [...candidates.subarray(0, count)]
          .filter((rank) => index.isExact(rank) || compiled[rank]!.test(scope))
          .map((rank) => plan.rules[rank]!.rule.id);
        expect(matched).toEqual(value === 1 ? [`r${i}`] : []);
      }
    }
  });
});
