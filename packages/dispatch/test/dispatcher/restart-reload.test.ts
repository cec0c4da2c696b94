import { parseRuleSet } from '@exroute/core';
import { describe, expect, it } from 'vitest';
import { Bench, HEAD, MIN } from './harness.js';

const GROUPED = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 15m, repeat: 4h }
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
`;

describe('idempotency, restarts and reloads', () => {
  it('a replayed ingest gives the same verdicts and no second item', async () => {
    const b = new Bench(GROUPED);
    const event = b.event({ correlationId: 'j', data: { ref: 'a' } });
    const first = await b.ingest(event);
    const again = await b.ingest(event);
    expect(again).toEqual(first);
    const out = await b.advance(2 * MIN);
    expect(out[0]!.digest!.count).toBe(1);
  });

  it('a restart mid-interval sends nothing early and nothing extra (Alertmanager #2492)', async () => {
    const b = new Bench(GROUPED);
    await b.ingest(b.event({ correlationId: 'j', data: { ref: 'a' } }));
    const first = await b.advance(2 * MIN);
    expect(first).toHaveLength(1);
    b.now += 5 * MIN;
    await b.ingest(b.event({ correlationId: 'j', data: { ref: 'b' } }));
    // The process restarts: a brand-new dispatcher on the same store.
    b.dispatcher = b.newDispatcher();
    expect(await b.dispatcher.tick()).toEqual([]);
    expect(await b.run(9 * MIN)).toEqual([]);
    const second = await b.advance(MIN);
    expect(second.map((o) => o.params.lines)).toEqual(['b: ']);
  });

  it('a rule reload (new ruleSetVersion) keeps groups and their timers', async () => {
    const b = new Bench(GROUPED);
    const v1 = await b.ingest(b.event({ correlationId: 'j', data: { ref: 'a' } }));
    const reloaded = parseRuleSet(HEAD + GROUPED.replace('id: failed', 'id: failed-renamed'), {
      filename: 'rules.yaml',
    });
    expect(reloaded.version).not.toBe(b.ruleSet.version);
    b.dispatcher = b.newDispatcher(reloaded);
    b.now += MIN;
    const v2 = await b.ingest(b.event({ correlationId: 'j', data: { ref: 'b' } }));
    expect(v2.verdicts[0]).toMatchObject({ kind: 'grouped' });
    expect(
      v2.verdicts[0]!.kind === 'grouped' &&
        v1.verdicts[0]!.kind === 'grouped' &&
        v2.verdicts[0]!.groupKey === v1.verdicts[0]!.groupKey,
    ).toBe(true);
    expect(await b.dispatcher.tick()).toEqual([]);
    const out = await b.advance(MIN);
    expect(out).toHaveLength(1);
    expect(out[0]!.digest!.count).toBe(2);
  });

  it('two instances ticking the same store send each flush once, with the same key', async () => {
    const b = new Bench(GROUPED);
    const other = b.newDispatcher();
    for (let i = 0; i < 10; i++) {
      await b.ingest(
        b.event({ correlationId: `j${i % 3}`, data: { ref: `r${i}` } }),
        i % 2 === 0 ? b.dispatcher : other,
      );
    }
    b.now += 2 * MIN;
    const [x, y] = await Promise.all([b.dispatcher.tick(), other.tick()]);
    const all = [...x, ...y];
    expect(all).toHaveLength(3);
    expect(all.reduce((n, o) => n + o.digest!.count, 0)).toBe(10);
    expect(new Set(all.map((o) => o.key)).size).toBe(3);
  });

  it('an instance that dies after claiming leaves the work to another after the lease', async () => {
    const b = new Bench(GROUPED, { dispatcher: { leaseMs: MIN } });
    await b.ingest(b.event({ correlationId: 'j' }));
    b.now += 2 * MIN;
    // A claim that is never completed (the claimer crashed).
    expect(await b.store.claimDue({ now: b.now, limit: 10, leaseMs: MIN })).toHaveLength(1);
    expect(await b.dispatcher.tick()).toEqual([]);
    const out = await b.advance(MIN);
    expect(out).toHaveLength(1);
  });
});
