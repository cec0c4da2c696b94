import { describe, expect, it } from 'vitest';
import { computeRuleSetVersion, parseRuleSet } from '@exroute/core';

const PLAIN = `apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
  lead: { email: lead@example.com }
templates:
  alert: { id: T1, channels: [email] }
rules:
  - id: r1
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert }]
`;

const WITH_POLICIES = `apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
  lead: { email: lead@example.com }
templates:
  alert: { id: T1, channels: [email], digest: { line: "{{ id }}", maxLines: 20 } }
policies:
  p:
    description: the policy
    group: { by: [correlationId], wait: 2m, interval: 15m }
    dedup: { key: "{{ correlationId }}", for: 1h }
inhibit:
  - id: i
    description: mute
    source: { type: batch.failed }
    target: { type: delivery.failed }
    equal: [correlationId]
    for: 6h
escalations:
  e:
    description: escalate
    steps: [{ after: { hours: 4 }, to: [lead], template: alert }]
    resolvedBy: { when: { type: lifecycle.changed }, equal: [data.resourceId] }
rules:
  - id: r1
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert, policy: p, escalate: e }]
`;

const versionOf = (text: string) => parseRuleSet(text).version;

describe('ruleSetVersion and the policy sections', () => {
  it('is unchanged for a rule set without them (hashes as before they existed)', () => {
    const ruleSet = parseRuleSet(PLAIN);
    const { policies: _p, inhibitRules: _i, escalations: _e, ...older } = ruleSet;
    expect(computeRuleSetVersion(older)).toBe(ruleSet.version);
  });

  it('ignores descriptions', () => {
    const cosmetic = WITH_POLICIES.replace('description: the policy', 'description: other')
      .replace('description: mute', 'description: quiet')
      .replace('description: escalate', 'description: up');
    expect(versionOf(cosmetic)).toBe(versionOf(WITH_POLICIES));
  });

  it.each([
    ['group timing', 'wait: 2m', 'wait: 3m'],
    ['the same duration spelled otherwise is the same', 'wait: 2m', 'wait: 120s'],
    ['group by', 'by: [correlationId]', 'by: [tenant]'],
    ['dedup key', 'key: "{{ correlationId }}"', 'key: "{{ tenant }}"'],
    ['critical', 'dedup: { key', 'critical: policy\n    dedup: { key'],
    ['inhibit for', 'for: 6h', 'for: 7h'],
    ['inhibit source', 'source: { type: batch.failed }', 'source: { type: batch.canceled }'],
    ['inhibit equal', 'equal: [correlationId]', 'equal: [tenant]'],
    ['escalation step', 'after: { hours: 4 }', 'after: { hours: 5 }'],
    ['resolvedBy', 'equal: [data.resourceId]', 'equal: [data.other]'],
    ['digest line', 'line: "{{ id }}"', 'line: "{{ subject }}"'],
    ['digest maxLines', 'maxLines: 20', 'maxLines: 21'],
    ['notify escalate', 'escalate: e }', '}'],
  ])('changes with %s (or not, when only the spelling changed)', (name, from, to) => {
    const changed = WITH_POLICIES.replace(from, to);
    expect(changed).not.toBe(WITH_POLICIES);
    const same = name.includes('is the same');
    expect(versionOf(changed) === versionOf(WITH_POLICIES)).toBe(same);
  });
});
