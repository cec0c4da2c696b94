import { describe, expect, it } from 'vitest';
import type { Condition, NormalizedEvent, RuleDefinition, RuleSet } from '@exroute/core';
import { createConditionOracle } from '../../src/reference/json-rules-engine-evaluator.js';
import { expandRegionMembers } from '../../src/reference/region-members.js';
import { ruleSetLiteral } from '../rule-set-literal.js';

const location = { file: 'inline.yaml', line: 1, column: 1, pointer: '' };

function ruleSetOf(
  conditions: Record<string, Condition>,
  shared: Record<string, Condition> = {},
  regions: Record<string, string[]> = {},
): RuleSet {
  const rules: RuleDefinition[] = Object.entries(conditions).map(([id, condition], order) => ({
    id,
    priority: 0,
    order,
    condition: { all: [condition] },
    notify: [],
    stop: false,
    location,
  }));
  return ruleSetLiteral({
    files: ['inline.yaml'],
    regions: new Map(
      Object.entries(regions).map(([name, members]) => [name, { name, members, location }]),
    ),
    sharedConditions: new Map(
      Object.entries(shared).map(([name, condition]) => [name, { name, condition, location }]),
    ),
    rules,
  });
}

const event: NormalizedEvent = {
  id: 'e1',
  source: 'test',
  type: 'delivery.failed',
  time: '2026-03-02T09:00:00Z',
  region: 'NO',
  data: { tags: ['a', 'b'], resource: { name: 'policy' } },
};
const now = new Date('2026-03-02T10:15:00Z');

async function matching(ruleSet: RuleSet): Promise<string[]> {
  const oracle = createConditionOracle(ruleSet, {
    regionMembers: expandRegionMembers(ruleSet.regions),
  });
  return [...(await oracle.matchingRuleIds(event, now))].sort();
}

describe('json-rules-engine condition oracle', () => {
  it('keeps json-rules-engine semantics for its built-in operators and decorators', async () => {
    const ids = await matching(
      ruleSetOf({
        substring: { fact: 'type', operator: 'swap:in', value: 'failed' },
        'some-fact': { fact: 'data', path: '$.tags', operator: 'someFact:equal', value: 'b' },
        'missing-not-equal': { fact: 'channel', operator: 'notEqual', value: 'email' },
        'string-number': { fact: 'data', path: '$.tags[0]', operator: 'lessThan', value: 5 },
      }),
    );
    expect(ids).toEqual(['missing-not-equal', 'some-fact', 'substring']);
  });

  it('supplies priority defaulted to normal and $now from the clock', async () => {
    const ids = await matching(
      ruleSetOf({
        priority: { fact: 'priority', operator: 'equal', value: 'normal' },
        now: { fact: '$now', operator: 'equal', value: '2026-03-02T10:15:00.000Z' },
        later: { fact: '$now', operator: 'equal', value: '2026-03-02T10:16:00.000Z' },
      }),
    );
    expect(ids).toEqual(['now', 'priority']);
  });

  it("registers exroute's operators, usable under json-rules-engine's decorators", async () => {
    const ids = await matching(
      ruleSetOf(
        {
          within: { fact: 'region', operator: 'within', value: 'EMEA' },
          'not-within': { fact: 'region', operator: 'not:within', value: 'EMEA' },
          'starts-with': {
            fact: 'data',
            path: '$.resource.name',
            operator: 'startsWith',
            value: 'pol',
          },
        },
        {},
        { EMEA: ['UK', 'NORDICS'], NORDICS: ['NO'] },
      ),
    );
    expect(ids).toEqual(['starts-with', 'within']);
  });

  it('resolves named conditions, including a shared leaf', async () => {
    const ids = await matching(
      ruleSetOf(
        { 'uses-leaf': { condition: 'is-norway' }, 'uses-tree': { condition: 'not-norway' } },
        {
          'is-norway': { fact: 'region', operator: 'equal', value: 'NO' },
          'not-norway': { not: { condition: 'is-norway' } },
        },
      ),
    );
    expect(ids).toEqual(['uses-leaf']);
  });

  it('never runs a JSONPath script: paths beyond simple access resolve to nothing', async () => {
    const ids = await matching(
      ruleSetOf({
        script: {
          fact: 'data',
          path: "$..[?(@.constructor.constructor('globalThis.exroutePwned = 1')())]",
          operator: 'equal',
          value: undefined,
        },
      }),
    );
    expect(ids).toEqual(['script']);
    expect((globalThis as Record<string, unknown>)['exroutePwned']).toBeUndefined();
  });
});
