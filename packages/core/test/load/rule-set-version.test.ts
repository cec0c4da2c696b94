import { describe, expect, it } from 'vitest';
import { checkRuleSet, parseRuleSet } from '@exroute/core';

const BASE = `apiVersion: exroute/v1
metadata: { name: base, owner: team-a }
recipients:
  ops: { email: ops@example.com, description: Operations }
templates:
  alert: { id: T1, channels: [email], description: Alert }
rules:
  - id: r1
    description: first
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert }]
`;

const versionOf = (text: string) => parseRuleSet(text).version;

describe('ruleSetVersion', () => {
  it('ignores metadata, descriptions, owners, comments, layout and file names', () => {
    const base = versionOf(BASE);
    const cosmetic = BASE.replace('name: base, owner: team-a', 'name: renamed')
      .replace('description: Operations', 'description: Ops team')
      .replace('description: first', 'description: changed\n    owner: someone')
      .replace('rules:\n', '# a comment\nrules:\n')
      .replace('{ type: batch.failed }', '\n      type: batch.failed');
    expect(versionOf(cosmetic)).toBe(base);
    expect(parseRuleSet(BASE, { filename: 'other.yaml' }).version).toBe(base);
  });

  it('is independent of the order of directory keys', () => {
    const reordered = BASE.replace(
      'recipients:\n  ops: { email: ops@example.com, description: Operations }\n',
      'recipients:\n  zed: { email: z@example.com }\n  ops: { email: ops@example.com }\n',
    );
    const withZed = BASE.replace('recipients:\n', 'recipients:\n  zed: { email: z@example.com }\n');
    expect(versionOf(reordered)).toBe(versionOf(withZed));
  });

  it.each([
    ['an address', 'ops@example.com', 'ops2@example.com'],
    ['a template id', 'id: T1', 'id: T2'],
    ['a condition value', 'batch.failed', 'batch.completed'],
    ['the priority', 'description: first', 'description: first\n    priority: 5'],
    ['stop', 'description: first', 'description: first\n    stop: true'],
    ['a notify severity', 'template: alert }', 'template: alert, severity: high }'],
  ])('changes with %s', (_what, from, to) => {
    expect(versionOf(BASE.replace(from, to))).not.toBe(versionOf(BASE));
  });

  it('is the same whether definitions come in one file or two', () => {
    const [directory, rules] = BASE.split('rules:\n') as [string, string];
    const split = checkRuleSet([
      { text: directory, filename: 'a.yaml' },
      { text: `apiVersion: exroute/v1\nrules:\n${rules}`, filename: 'b.yaml' },
    ]);
    expect(split.ruleSet?.version).toBe(versionOf(BASE));
  });
});
