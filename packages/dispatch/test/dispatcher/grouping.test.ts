import { describe, expect, it } from 'vitest';
import { Bench, HOUR, MIN, T0 } from './harness.js';

const GROUPED = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 15m, repeat: 4h, close: 24h }
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
`;

describe('grouping and digests', () => {
  it('flushes the first window after `wait`, with count, firstAt, lastAt, newest lines and more', async () => {
    const b = new Bench(GROUPED);
    const verdicts = [];
    for (let i = 0; i < 5; i++) {
      const r = await b.ingest(
        b.event({ correlationId: 'job-1', data: { ref: `c${i}`, reason: 'bounced' } }),
      );
      expect(r.outgoing).toEqual([]);
      verdicts.push(...r.verdicts);
      b.now += 10_000;
    }
    expect(verdicts.map((v) => v.kind)).toEqual(Array(5).fill('grouped'));
    const groupKeys = new Set(verdicts.map((v) => (v.kind === 'grouped' ? v.groupKey : '')));
    expect(groupKeys.size).toBe(1);
    b.now = T0 + 2 * MIN - 1;
    expect(await b.dispatcher.tick()).toEqual([]);
    const out = await b.advance(1);
    expect(out).toHaveLength(1);
    const flush = out[0]!;
    expect(flush.reason).toBe('group-flush');
    expect(flush.templateId).toBe('T-DIGEST');
    expect(flush.recipients.map((r) => r.address)).toEqual(['cs@example.com']);
    expect(flush.eventIds).toEqual([
      'exstream/test/e1',
      'exstream/test/e2',
      'exstream/test/e3',
      'exstream/test/e4',
      'exstream/test/e5',
    ]);
    expect(flush.digest).toEqual({
      count: 5,
      firstAt: new Date(T0).toISOString(),
      lastAt: new Date(T0 + 40_000).toISOString(),
      dropped: 0,
    });
    expect(flush.params).toMatchObject({
      count: '5',
      lines: 'c2: bounced\nc3: bounced\nc4: bounced',
      more: '2',
      firstAt: new Date(T0).toISOString(),
    });
  });

  it('keeps groups apart by `by` values and sends later items at most every interval, only when new', async () => {
    const b = new Bench(GROUPED);
    await b.ingest(b.event({ correlationId: 'a', data: { ref: 'a1' } }));
    await b.ingest(b.event({ correlationId: 'b', data: { ref: 'b1' } }));
    const first = await b.advance(2 * MIN);
    expect(first.map((o) => o.params.lines).sort()).toEqual(['a1: ', 'b1: ']);
    await b.advance(MIN);
    await b.ingest(b.event({ correlationId: 'a', data: { ref: 'a2' } }));
    // Nothing goes out before the interval has passed since the last flush of group a.
    expect(await b.run(13 * MIN)).toEqual([]);
    const second = await b.advance(MIN);
    expect(second.map((o) => o.params.lines)).toEqual(['a2: ']);
    // Group b had nothing new: no message at its interval.
    expect(await b.run(60 * MIN)).toEqual([]);
  });

  it('re-sends after `repeat` when nothing new arrived and closes after `close`', async () => {
    const b = new Bench(GROUPED.replace('repeat: 4h, close: 24h', 'repeat: 1h, close: 150m'));
    const first = await b.ingest(b.event({ correlationId: 'a', data: { ref: 'x' } }));
    const groupKey = first.verdicts[0]!.kind === 'grouped' ? first.verdicts[0]!.groupKey : '';
    const flush = await b.advance(2 * MIN);
    const repeat = await b.advance(HOUR);
    expect(repeat).toHaveLength(1);
    expect(repeat[0]).toMatchObject({ reason: 'repeat', eventIds: flush[0]!.eventIds });
    expect(repeat[0]!.key).not.toBe(flush[0]!.key);
    const closed = await b.advance(HOUR);
    expect(closed).toHaveLength(1);
    // Closed at 150 minutes: no more repeats, and the next item opens a new group instance.
    expect(await b.advance(2 * HOUR)).toEqual([]);
    const again = await b.ingest(b.event({ correlationId: 'a', data: { ref: 'y' } }));
    expect(again.verdicts[0]).toMatchObject({ kind: 'grouped', groupKey });
    const next = await b.advance(2 * MIN);
    expect(next[0]!.key.startsWith(groupKey)).toBe(true);
    expect(next[0]!.key).not.toBe(flush[0]!.key);
  });

  it('flushes at once at `maxItems`', async () => {
    const b = new Bench(GROUPED.replace('close: 24h', 'close: 24h, maxItems: 3'));
    for (let i = 0; i < 3; i++)
      await b.ingest(b.event({ correlationId: 'a', data: { ref: `r${i}` } }));
    const out = await b.dispatcher.tick();
    expect(out).toHaveLength(1);
    expect(out[0]!.digest!.count).toBe(3);
  });

  it('sends the first item at once with `sendFirst` and digests the rest', async () => {
    const b = new Bench(GROUPED.replace('close: 24h', 'close: 24h, sendFirst: true'));
    const first = await b.ingest(b.event({ correlationId: 'a', data: { ref: 'lead' } }));
    expect(first.verdicts[0]!.kind).toBe('sent');
    expect(first.outgoing).toHaveLength(1);
    expect(first.outgoing[0]).toMatchObject({ reason: 'immediate', params: {} });
    const second = await b.ingest(b.event({ correlationId: 'a', data: { ref: 'r2' } }));
    expect(second.verdicts[0]!.kind).toBe('grouped');
    const out = await b.advance(2 * MIN);
    expect(out.map((o) => o.params.lines)).toEqual(['r2: ']);
  });

  it('one group per recipients and template: a notification to other people is another group', async () => {
    const b = new Bench(`policies:
  failures: { group: { by: [correlationId], wait: 2m } }
rules:
  - id: cs
    when: { type: delivery.failed, data.team: cs }
    notify: [{ to: [cs], template: digest, policy: failures }]
  - id: ops
    when: { type: delivery.failed, data.team: ops }
    notify: [{ to: [ops], template: digest, policy: failures }]
`);
    const a = await b.ingest(b.event({ correlationId: 'j', data: { team: 'cs' } }));
    const c = await b.ingest(b.event({ correlationId: 'j', data: { team: 'ops' } }));
    const key = (v: (typeof a.verdicts)[number]) => (v.kind === 'grouped' ? v.groupKey : v.kind);
    expect(key(a.verdicts[0]!)).not.toBe(key(c.verdicts[0]!));
  });
});
