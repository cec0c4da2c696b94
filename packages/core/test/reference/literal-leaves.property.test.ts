/**
 * The compiled leaves that skip the operator call (`equal`, `notEqual`, `in`, `notIn` with short
 * and long lists, `within`, `atLeast`, `atMost`) agree with json-rules-engine itself on values
 * JSON rule files cannot even carry but events built in code can: NaN, -0, numbers next to
 * numeric strings, null, booleans and nested lists, on present and missing facts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition, NormalizedEvent, RuleDefinition, RuleSet } from '@exroute/core';
import { compileRuleSet } from '../../src/compile/compile-rule-set.js';
import { EvaluationScope } from '../../src/compile/evaluation-scope.js';
import { createConditionOracle } from '../../src/reference/json-rules-engine-evaluator.js';
import { expandRegionMembers } from '../../src/reference/region-members.js';
import { ruleSetLiteral } from '../rule-set-literal.js';

const location = { file: 'leaves.yaml', line: 1, column: 1, pointer: '' };
const VALUES: readonly unknown[] = [
  Number.NaN,
  -0,
  0,
  '0',
  1,
  '1',
  2.5,
  null,
  true,
  false,
  'a',
  'UK',
  'EMEA',
  'high',
  'normal',
];
const value = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.array(fc.constantFrom(...VALUES), { maxLength: 2 }),
);
const list = fc.array(value, { maxLength: 8 });

const leaf: fc.Arbitrary<Condition> = fc
  .tuple(
    fc.constantFrom('', 'not:'),
    fc.oneof(
      fc.record({ operator: fc.constantFrom('equal', 'notEqual'), value }),
      fc.record({ operator: fc.constantFrom('in', 'notIn'), value: list }),
      fc.record({ operator: fc.constant('within'), value: fc.constantFrom('EMEA', 'UK', 'XX') }),
      fc.record({
        operator: fc.constantFrom('atLeast', 'atMost'),
        value: fc.constantFrom('low', 'normal', 'high', 'critical'),
      }),
    ),
  )
  .map(([decorator, { operator, value: v }]) => ({
    fact: 'data',
    path: '$.v',
    operator: `${decorator}${operator}`,
    value: v,
  }));

function ruleSetOf(conditions: readonly Condition[]): RuleSet {
  const rules: RuleDefinition[] = conditions.map((condition, order) => ({
    id: `r${order}`,
    priority: 0,
    order,
    condition: { all: [condition] },
    notify: [],
    stop: false,
    location,
  }));
  return ruleSetLiteral({
    regions: new Map([['EMEA', { name: 'EMEA', members: ['UK', 'DE'], location }]]),
    rules,
  });
}

const NOW = new Date('2026-03-02T10:15:00Z');

describe('compiled literal leaves ≡ json-rules-engine', () => {
  it('decide every leaf as json-rules-engine does, NaN and -0 included', async () => {
    let held = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(leaf, { minLength: 1, maxLength: 8 }),
        fc.array(fc.option(value, { nil: undefined }), { minLength: 1, maxLength: 6 }),
        async (leaves, factValues) => {
          const ruleSet = ruleSetOf(leaves);
          const { conditions, plan } = compileRuleSet(ruleSet);
          const oracle = createConditionOracle(ruleSet, {
            regionMembers: expandRegionMembers(ruleSet.regions),
          });
          for (const v of factValues) {
            const event = {
              id: 'e',
              source: 's',
              type: 't',
              time: '2026-03-02T10:15:00Z',
              data: v === undefined ? {} : { v },
            } as NormalizedEvent;
            const scope = new EvaluationScope(event, () => NOW);
            const compiled = plan.rules
              .filter(({ rank }) => conditions[rank]!.test(scope))
              .map(({ rule }) => rule.id)
              .sort();
            const expected = [...(await oracle.matchingRuleIds(event, NOW))].sort();
            expect(compiled).toEqual(expected);
            held += compiled.length;
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(held).toBeGreaterThan(100);
  }, 120_000);
});
