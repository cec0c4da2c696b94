import { describe, expect, it } from 'vitest';
import {
  createReferenceRouter,
  createRouter,
  EventValidationError,
  parseRuleSet,
  ReferenceEvaluationError,
} from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';

const clock = (): Date => new Date('2026-03-02T10:15:00Z');

const rules = `apiVersion: exroute/v1
regions: { EMEA: [UK, DE] }
recipients:
  ops: { email: ops@example.com }
  legal: { email: legal@example.com, sms: "+447700900001" }
templates:
  alert: { id: EXS-ALERT, channels: [email], subject: "{{ type }} in {{ region }}" }
rules:
  - id: failed-in-emea
    when: { type: delivery.failed, region: { within: EMEA } }
    notify: [{ to: [ops], template: alert }]
  - id: urgent
    priority: 10
    when: { priority: { atLeast: high } }
    stop: true
    notify: [{ to: [legal], template: alert, severity: high }]
  - id: listed-channel
    conditions:
      all:
        - { fact: channel, operator: in, value: { fact: tenant } }
    notify: [{ to: [ops], template: alert }]
`;

const event: NormalizedEvent = {
  id: 'e-1',
  source: 'exstream/test',
  type: 'delivery.failed',
  time: '2026-03-02T09:00:00Z',
  region: 'UK',
  channel: 'email',
  tenant: 'email,sms',
  data: {},
};

describe('createReferenceRouter', () => {
  const ruleSet = parseRuleSet(rules, { filename: 'rules.yaml' });

  it('builds the same decision as the compiled router, priority and stop included', async () => {
    const reference = createReferenceRouter(ruleSet, { clock });
    const urgent = { ...event, priority: 'critical' as const };
    const decision = await reference.route(urgent);
    expect(decision.matched.map((m) => m.ruleId)).toEqual(['urgent']);
    expect(decision).toEqual(createRouter(ruleSet, { clock }).route(urgent));

    const normal = await reference.route(event);
    expect(normal.matched.map((m) => m.ruleId)).toEqual(['failed-in-emea', 'listed-channel']);
    expect(normal).toEqual(createRouter(ruleSet, { clock }).route(event));
  });

  it('rejects an invalid event with EventValidationError, as the compiled router throws', async () => {
    const reference = createReferenceRouter(ruleSet, { clock });
    const invalid = { ...event, priority: 'urgent' } as unknown as NormalizedEvent;
    await expect(reference.route(invalid)).rejects.toBeInstanceOf(EventValidationError);
    expect(() => createRouter(ruleSet, { clock }).route(invalid)).toThrow(EventValidationError);
  });

  // The one documented divergence: json-rules-engine throws where exroute answers false.
  it('reports a json-rules-engine TypeError as ReferenceEvaluationError; exroute says no match', async () => {
    const withoutTenant: NormalizedEvent = { ...event, type: 'batch.completed' };
    delete withoutTenant.tenant;
    const reference = createReferenceRouter(ruleSet, { clock });
    const failure = await reference.route(withoutTenant).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ReferenceEvaluationError);
    expect((failure as ReferenceEvaluationError).code).toBe('EXR_REFERENCE_EVALUATION_FAILED');
    expect((failure as ReferenceEvaluationError).cause).toBeInstanceOf(TypeError);
    expect(createRouter(ruleSet, { clock }).route(withoutTenant).matched).toEqual([]);
  });
});
