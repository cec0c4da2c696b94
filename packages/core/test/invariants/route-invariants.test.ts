import { describe, expect, it } from 'vitest';
import { createReferenceRouter, createRouter, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';

const RULES = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE]
recipients:
  compliance-officers: { members: [carol, dan] }
  carol: { email: carol@example.com }
  dan: { email: dan@example.com }
  legal: { email: legal@example.com }
  ops: { email: ops@example.com }
templates:
  regulated-review: { id: EXS-REG, channels: [email], subject: "Review {{ documentType }} in {{ region }}" }
  quick-note: { id: EXS-NOTE, channels: [email] }
rules:
  - id: uk-fast-track
    description: a higher-priority rule that stops evaluation for UK
    priority: 100
    when: { type: content.review_requested, region: UK }
    notify: [{ to: [legal], template: quick-note }]
    stop: true
  - id: regulated-review-compliance
    when: { type: content.review_requested, region: { within: EMEA } }
    notify: [{ to: [compliance-officers], template: regulated-review }]
  - id: de-legal
    priority: 50
    when: { type: content.review_requested, region: DE }
    notify: [{ to: [legal, carol], template: regulated-review }]
invariants:
  - id: regulated-review-reaches-compliance
    for: { type: content.review_requested, region: { within: EMEA } }
    require: { recipients: [compliance-officers], channels: [email], template: regulated-review }
  - id: ops-copied-on-emea-email
    for: { type: content.review_requested, region: UK }
    require: { recipients: [ops], channels: [email] }
`;

function event(region: string): NormalizedEvent {
  return {
    id: `e-${region}`,
    source: 'test',
    type: 'content.review_requested',
    time: '2026-03-03T10:00:00Z',
    documentType: 'policy-change',
    region,
    data: {},
  };
}

const clock = () => new Date('2026-03-03T10:00:00Z');

describe('invariants: routing', () => {
  const ruleSet = parseRuleSet(RULES);
  const router = createRouter(ruleSet, { clock });

  it('adds the required notification a higher-priority `stop` rule cut off', () => {
    const decision = router.route(event('UK'));
    expect(decision.matched.map((m) => m.ruleId)).toEqual(['uk-fast-track']);
    expect(decision.invariants).toEqual([
      'regulated-review-reaches-compliance',
      'ops-copied-on-emea-email',
    ]);
    const review = decision.notifications.find((n) => n.template === 'regulated-review');
    expect(review).toEqual({
      template: 'regulated-review',
      templateId: 'EXS-REG',
      channel: 'email',
      recipients: [
        { key: 'carol', address: 'carol@example.com', via: ['compliance-officers'] },
        { key: 'dan', address: 'dan@example.com', via: ['compliance-officers'] },
        // The copy-on-channel invariant also reaches the notification the first one created.
        { key: 'ops', address: 'ops@example.com' },
      ],
      subject: 'Review policy-change in UK',
      params: {},
      ruleIds: [],
      requiredBy: ['regulated-review-reaches-compliance', 'ops-copied-on-emea-email'],
    });
    const note = decision.notifications.find((n) => n.template === 'quick-note');
    expect(note?.recipients.map((r) => r.key)).toEqual(['legal', 'ops']);
    expect(note?.ruleIds).toEqual(['uk-fast-track']);
    expect(note?.requiredBy).toEqual(['ops-copied-on-emea-email']);
  });

  it('merges missing required recipients into the rules’ own notification', () => {
    const ruleSetWithStop = parseRuleSet(
      RULES.replace(
        'notify: [{ to: [legal, carol], template: regulated-review }]',
        'notify: [{ to: [legal, carol], template: regulated-review }]\n    stop: true',
      ),
    );
    const decision = createRouter(ruleSetWithStop, { clock }).route(event('DE'));
    expect(decision.matched.map((m) => m.ruleId)).toEqual(['de-legal']);
    expect(decision.notifications).toHaveLength(1);
    expect(decision.notifications[0]!.recipients.map((r) => r.key)).toEqual([
      'legal',
      'carol',
      'dan',
    ]);
    expect(decision.notifications[0]!.ruleIds).toEqual(['de-legal']);
    expect(decision.notifications[0]!.requiredBy).toEqual(['regulated-review-reaches-compliance']);
  });

  it('marks a notification the rules already complete, and leaves it unchanged otherwise', () => {
    const decision = router.route(event('DE'));
    expect(decision.invariants).toEqual(['regulated-review-reaches-compliance']);
    expect(decision.notifications).toHaveLength(1);
    expect(decision.notifications[0]!.ruleIds).toEqual(['de-legal', 'regulated-review-compliance']);
    expect(decision.notifications[0]!.requiredBy).toEqual(['regulated-review-reaches-compliance']);
  });

  it('leaves events no invariant covers alone: no `invariants`, no `requiredBy`', () => {
    const decision = router.route(event('US'));
    expect(decision).not.toHaveProperty('invariants');
    expect(decision.notifications).toEqual([]);
  });

  it('never adds `invariants` or `requiredBy` for a rule set without invariants', () => {
    const plain = parseRuleSet(RULES.slice(0, RULES.indexOf('invariants:')));
    const decision = createRouter(plain, { clock }).route(event('UK'));
    expect(decision).not.toHaveProperty('invariants');
    expect(decision.notifications.every((n) => !('requiredBy' in n))).toBe(true);
  });

  it('explain shows each invariant, its traced `for`, and what it added', () => {
    const explanation = router.explain(event('UK'));
    expect(explanation.decision).toEqual(router.route(event('UK')));
    expect(
      explanation.invariants?.map(({ invariantId, outcome, repairs, condition }) => ({
        invariantId,
        outcome,
        repairs,
        result: condition.result,
      })),
    ).toEqual([
      {
        invariantId: 'regulated-review-reaches-compliance',
        outcome: 'applied',
        result: true,
        repairs: [
          {
            template: 'regulated-review',
            channel: 'email',
            created: true,
            added: ['carol', 'dan'],
          },
        ],
      },
      {
        invariantId: 'ops-copied-on-emea-email',
        outcome: 'applied',
        result: true,
        repairs: [
          { template: 'quick-note', channel: 'email', created: false, added: ['ops'] },
          { template: 'regulated-review', channel: 'email', created: false, added: ['ops'] },
        ],
      },
    ]);
    expect(router.explain(event('US')).invariants?.map((i) => i.outcome)).toEqual([
      'not-applicable',
      'not-applicable',
    ]);
  });

  it('the json-rules-engine reference applies invariants the same way', async () => {
    const reference = createReferenceRouter(ruleSet, { clock });
    for (const region of ['UK', 'DE', 'FR', 'US']) {
      expect(await reference.route(event(region))).toEqual(router.route(event(region)));
    }
  });
});
