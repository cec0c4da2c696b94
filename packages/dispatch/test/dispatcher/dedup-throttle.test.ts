import { describe, expect, it } from 'vitest';
import { Bench, HOUR, MIN } from './harness.js';

describe('dedup', () => {
  const RULES = `policies:
  once: { dedup: { key: "{{ correlationId }}/{{ data.ref }}", for: 1h } }
rules:
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: alert, policy: once }]
`;

  it('drops the same key within `for`, names the first event, and lets it through after', async () => {
    const b = new Bench(RULES);
    const first = b.event({ correlationId: 'j', data: { ref: 'c1' } });
    expect((await b.ingest(first)).verdicts[0]!.kind).toBe('sent');
    b.now += 30 * MIN;
    const again = await b.ingest(b.event({ correlationId: 'j', data: { ref: 'c1' } }));
    expect(again.outgoing).toEqual([]);
    expect(again.verdicts[0]).toMatchObject({
      kind: 'deduplicated',
      key: 'j/c1',
      firstEventId: 'exstream/test/e1',
    });
    expect(
      (await b.ingest(b.event({ correlationId: 'j', data: { ref: 'c2' } }))).verdicts[0]!.kind,
    ).toBe('sent');
    b.now += 31 * MIN;
    expect(
      (await b.ingest(b.event({ correlationId: 'j', data: { ref: 'c1' } }))).verdicts[0]!.kind,
    ).toBe('sent');
  });

  it('treats a retry of the same event as the same event, not a duplicate', async () => {
    const b = new Bench(RULES);
    const event = b.event({ correlationId: 'j', data: { ref: 'c1' } });
    const one = await b.ingest(event);
    const two = await b.ingest(event);
    expect(two).toEqual(one);
  });
});

describe('throttle', () => {
  const RULES = `policies:
  limited: { throttle: { key: "{{ tenant }}", limit: 2, per: 1h } }
rules:
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: alert, policy: limited }]
`;

  it('admits `limit` per window, drops and counts the rest, and reports the count in the next message', async () => {
    const b = new Bench(RULES);
    const kinds = [];
    for (let i = 0; i < 5; i++)
      kinds.push((await b.ingest(b.event({ tenant: 'acme' }))).verdicts[0]!);
    expect(kinds.map((v) => v.kind)).toEqual([
      'sent',
      'sent',
      'throttled',
      'throttled',
      'throttled',
    ]);
    expect(kinds[4]).toMatchObject({ kind: 'throttled', key: 'acme', dropped: 3 });
    // Another tenant has its own window.
    expect((await b.ingest(b.event({ tenant: 'other' }))).verdicts[0]!.kind).toBe('sent');
    b.now += HOUR;
    const next = await b.ingest(b.event({ tenant: 'acme' }));
    expect(next.outgoing[0]!.digest).toMatchObject({ count: 1, dropped: 3 });
    expect(next.outgoing[0]!.params.dropped).toBe('3');
    const after = await b.ingest(b.event({ tenant: 'acme' }));
    expect(after.outgoing[0]!.digest).toBeUndefined();
  });

  it('a retried event never takes a second slot', async () => {
    const b = new Bench(RULES);
    const event = b.event({ tenant: 'acme' });
    for (let i = 0; i < 5; i++) expect((await b.ingest(event)).verdicts[0]!.kind).toBe('sent');
    expect((await b.ingest(b.event({ tenant: 'acme' }))).verdicts[0]!.kind).toBe('sent');
    expect((await b.ingest(b.event({ tenant: 'acme' }))).verdicts[0]!.kind).toBe('throttled');
  });

  it('reports drops in the digest of a grouped policy', async () => {
    const b = new Bench(`policies:
  both:
    throttle: { key: "{{ tenant }}", limit: 1, per: 10m }
    group: { by: [tenant], wait: 15m, interval: 15m }
rules:
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: both }]
`);
    await b.ingest(b.event({ tenant: 'acme' }));
    await b.ingest(b.event({ tenant: 'acme' }));
    await b.ingest(b.event({ tenant: 'acme' }));
    b.now += 10 * MIN;
    await b.ingest(b.event({ tenant: 'acme' }));
    const out = await b.advance(5 * MIN);
    expect(out).toHaveLength(1);
    expect(out[0]!.digest).toMatchObject({ count: 2, dropped: 2 });
  });
});

describe('critical events', () => {
  const rules = (critical: string) => `policies:
  p:
    critical: ${critical}
    throttle: { key: "{{ tenant }}", limit: 1, per: 1h }
    group: { by: [tenant], wait: 5m }
rules:
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: alert, policy: p }]
`;

  it('skip grouping and throttling by default', async () => {
    const b = new Bench(rules('immediate'));
    for (let i = 0; i < 3; i++) {
      const r = await b.ingest(b.event({ tenant: 'acme', priority: 'critical' }));
      expect(r.verdicts[0]!.kind).toBe('sent');
      expect(r.outgoing).toHaveLength(1);
    }
  });

  it('are grouped and throttled with `critical: policy`', async () => {
    const b = new Bench(rules('policy'));
    const kinds = [];
    for (let i = 0; i < 3; i++)
      kinds.push(
        (await b.ingest(b.event({ tenant: 'acme', priority: 'critical' }))).verdicts[0]!.kind,
      );
    expect(kinds).toEqual(['grouped', 'throttled', 'throttled']);
  });
});
