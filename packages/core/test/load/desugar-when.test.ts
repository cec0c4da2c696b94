import { describe, expect, it } from 'vitest';
import { parseRuleSet } from '@exroute/core';

const DIRECTORY = `apiVersion: exroute/v1
recipients: { ops: { email: ops@example.com } }
templates: { alert: { id: T1, channels: [email] } }
rules:
  - id: r
    notify: [{ to: [ops], template: alert }]
`;

const conditionOf = (body: string) => parseRuleSet(`${DIRECTORY}${body}`).rules[0]!.condition;

describe('when desugaring', () => {
  it.each([
    [
      'a scalar becomes equal',
      'when: { type: batch.failed }',
      [{ fact: 'type', operator: 'equal', value: 'batch.failed' }],
    ],
    [
      'null stays null',
      'when: { correlationId: null }',
      [{ fact: 'correlationId', operator: 'equal', value: null }],
    ],
    [
      'a number stays a number',
      'when: { data.count: 3 }',
      [{ fact: 'data', path: '$.count', operator: 'equal', value: 3 }],
    ],
    [
      'a list becomes in',
      'when: { region: [UK, NO] }',
      [{ fact: 'region', operator: 'in', value: ['UK', 'NO'] }],
    ],
    [
      'a mapping becomes one leaf per operator, in order',
      'when: { data.volume: { greaterThan: 1, lessThan: 9 } }',
      [
        { fact: 'data', path: '$.volume', operator: 'greaterThan', value: 1 },
        { fact: 'data', path: '$.volume', operator: 'lessThan', value: 9 },
      ],
    ],
    [
      'an index path and a decorated operator',
      'when: { "data.items[0].tags": { "someFact:equal": x } }',
      [{ fact: 'data', path: '$.items[0].tags', operator: 'someFact:equal', value: 'x' }],
    ],
    [
      'a fact reference inside an operator mapping',
      'when: { region: { equal: { fact: data, path: $.home } } }',
      [{ fact: 'region', operator: 'equal', value: { fact: 'data', path: '$.home' } }],
    ],
    [
      '$now is a fact',
      'when: { $now: { exists: true } }',
      [{ fact: '$now', operator: 'exists', value: true }],
    ],
  ])('%s', (_name, when, leaves) => {
    expect(conditionOf(`    ${when}\n`)).toEqual({ all: leaves });
  });

  it('puts when leaves first, then conditions as one entry', () => {
    const condition = conditionOf(
      '    conditions: { any: [{ fact: priority, operator: atLeast, value: high }] }\n    when: { type: x }\n',
    );
    expect(condition).toEqual({
      all: [
        { fact: 'type', operator: 'equal', value: 'x' },
        { any: [{ fact: 'priority', operator: 'atLeast', value: 'high' }] },
      ],
    });
  });
});
