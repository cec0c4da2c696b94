import { BusinessCalendar } from '@exroute/core';
import { describe, expect, it } from 'vitest';
import { DispatchError } from '../../src/errors.js';
import { Bench, HOUR, MIN, T0 } from './harness.js';

const RULES = `escalations:
  review:
    steps:
      - { after: { hours: 2 }, to: [lead], template: overdue }
      - { after: { businessDays: 1 }, to: [head], template: overdue }
    resolvedBy: { when: { type: lifecycle.changed, data.stage: approved }, equal: [data.ref] }
rules:
  - id: review
    when: { type: content.review_requested }
    notify: [{ to: [cs], template: alert, escalate: review }]
`;

const UK = new BusinessCalendar({
  name: 'uk',
  timezone: 'Europe/London',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  hours: ['09:00-17:00'],
  holidays: [],
});

describe('escalation', () => {
  it('sends each step when due in the event region calendar, with its own key', async () => {
    const b = new Bench(RULES);
    const started = await b.ingest(
      b.event({ type: 'content.review_requested', region: 'UK', data: { ref: 'doc-1' } }),
    );
    expect(started.verdicts[0]!.kind).toBe('sent');
    const [key] = started.verdicts[0]!.escalations ?? [];
    expect(key).toBeDefined();
    b.now = T0 + 2 * HOUR - 1;
    expect(await b.dispatcher.tick()).toEqual([]);
    const step1 = await b.advance(1);
    expect(step1).toHaveLength(1);
    expect(step1[0]).toMatchObject({
      reason: 'escalation',
      templateId: 'T-OVERDUE',
      subject: 'Overdue doc-1',
      escalation: { key, name: 'review', step: 1 },
      eventIds: ['exstream/test/e1'],
    });
    expect(step1[0]!.recipients.map((r) => r.address)).toEqual(['lead@example.com']);
    const due2 = UK.addBusinessDays(new Date(T0), 1)!.getTime();
    b.now = due2 - 1;
    expect(await b.dispatcher.tick()).toEqual([]);
    const step2 = await b.advance(1);
    expect(step2.map((o) => o.recipients[0]!.address)).toEqual(['head@example.com']);
    expect(await b.advance(30 * 24 * HOUR)).toEqual([]);
  });

  it('stops when acknowledged', async () => {
    const b = new Bench(RULES);
    const started = await b.ingest(b.event({ type: 'content.review_requested', region: 'UK' }));
    const key = started.verdicts[0]!.escalations![0]!;
    b.now += HOUR;
    expect(await b.dispatcher.acknowledge(key, 'alice@example.com')).toBe(true);
    expect(await b.dispatcher.acknowledge(key, 'alice@example.com')).toBe(false);
    expect(await b.advance(10 * 24 * HOUR)).toEqual([]);
  });

  it('stops when a resolving event with equal fields arrives, not for other documents', async () => {
    const b = new Bench(RULES);
    await b.ingest(
      b.event({ type: 'content.review_requested', region: 'UK', data: { ref: 'doc-1' } }),
    );
    await b.ingest(
      b.event({ type: 'content.review_requested', region: 'UK', data: { ref: 'doc-2' } }),
    );
    b.now += HOUR;
    await b.ingest(
      b.event({ type: 'lifecycle.changed', data: { ref: 'doc-1', stage: 'approved' } }),
    );
    const out = await b.advance(HOUR);
    expect(out.map((o) => o.subject)).toEqual(['Overdue doc-2']);
  });

  it('refuses unknown and malformed keys with a stable code', async () => {
    const b = new Bench(RULES);
    const started = await b.ingest(b.event({ type: 'content.review_requested' }));
    const key = started.verdicts[0]!.escalations![0]!;
    const unknown = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    for (const bad of [unknown, 'nope', '', 'x'.repeat(100_000), 42 as unknown as string]) {
      const error = await b.dispatcher.acknowledge(bad, 'alice').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DispatchError);
      expect((error as DispatchError).code).toBe('EXR_DISPATCH_UNKNOWN_ESCALATION');
    }
    const noBy = await b.dispatcher.acknowledge(key, '  ').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((noBy as DispatchError).code).toBe('EXR_DISPATCH_INVALID_INPUT');
  });

  it('starts once per event even when the event routes to several channels', async () => {
    const b = new Bench(
      RULES.replace(
        'template: alert, escalate',
        'template: alert, channels: [email, sms], escalate',
      ),
    );
    const r = await b.ingest(b.event({ type: 'content.review_requested' }));
    const keys = new Set(r.verdicts.flatMap((v) => v.escalations ?? []));
    expect(keys.size).toBe(1);
    expect(await b.advance(2 * HOUR)).toHaveLength(1);
  });
});

describe('deferred notifications', () => {
  const SATURDAY = Date.UTC(2027, 0, 2, 12, 0, 0);
  const MONDAY_OPEN = '2027-01-04T09:00:00.000Z';

  it('holds a notification until its sendAt and sends it on the tick that is due, with the verdict key', async () => {
    const b = new Bench(
      `rules:
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: alert, deferUntil: businessHours }]
`,
      { now: SATURDAY },
    );
    const r = await b.ingest(b.event({ region: 'UK' }));
    expect(r.outgoing).toEqual([]);
    expect(r.verdicts[0]).toMatchObject({ kind: 'deferred', sendAt: MONDAY_OPEN });
    const key = r.verdicts[0]!.kind === 'deferred' ? r.verdicts[0]!.key : '';
    b.now = Date.parse(MONDAY_OPEN) - 1;
    expect(await b.dispatcher.tick()).toEqual([]);
    const out = await b.advance(1);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ key, reason: 'deferred', sendAt: MONDAY_OPEN });
    expect(await b.advance(HOUR)).toEqual([]);
    // A replay of the event after it was sent holds nothing new.
    b.now = SATURDAY;
    expect((await b.ingest(b.event({ id: 'e1', region: 'UK' }))).verdicts[0]!.kind).toBe(
      'deferred',
    );
    b.now = Date.parse(MONDAY_OPEN) + 2 * HOUR;
    expect(await b.dispatcher.tick()).toEqual([]);
  });

  it('a deferred grouped notification joins its group when due', async () => {
    const b = new Bench(
      `policies:
  p: { group: { by: [correlationId], wait: 5m } }
rules:
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: p, deferUntil: businessHours }]
`,
      { now: SATURDAY },
    );
    await b.ingest(b.event({ region: 'UK', correlationId: 'j', data: { ref: 'a' } }));
    await b.ingest(b.event({ region: 'UK', correlationId: 'j', data: { ref: 'b' } }));
    b.now = Date.parse(MONDAY_OPEN);
    expect(await b.dispatcher.tick()).toEqual([]);
    const out = await b.advance(5 * MIN);
    expect(out).toHaveLength(1);
    expect(out[0]!.digest!.count).toBe(2);
    expect(T0).toBe(Date.parse(MONDAY_OPEN));
  });
});
