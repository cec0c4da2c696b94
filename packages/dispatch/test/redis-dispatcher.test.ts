// Dispatchers on the Redis store, against a real redis-server: many instances racing, Redis
// restarted under them, restarts and rule reloads mid-interval, and the same outgoing messages
// and verdicts as on the memory store for random event sequences.
import { parseRuleSet } from '@exroute/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../src/dispatcher.js';
import { DispatchError } from '../src/errors.js';
import { createRedisStore } from '../src/store/redis-store.js';
import type { StateStore } from '../src/store/state-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';
import type { Outgoing, Verdict } from '../src/types.js';
import { Bench, HEAD, MIN } from './dispatcher/harness.js';

const GROUPED = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 5m, repeat: 4h, close: 24h, maxItems: 400 }
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
`;

const MIXED = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 5m, repeat: 30m, close: 24h, maxItems: 5 }
    throttle: { key: "{{ tenant }}", limit: 6, per: 10m }
  alerts:
    dedup: { key: "{{ correlationId }}", for: 15m }
inhibit:
  - id: failed-batch-mutes-deliveries
    source: { type: batch.failed }
    target: { type: delivery.failed }
    equal: [correlationId]
    for: 20m
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
  - id: batch
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert, policy: alerts }]
`;

const stores: StateStore[] = [];
let server: RedisServer;
let prefixes = 0;

async function redisStore(prefix = `disp${++prefixes}`): Promise<StateStore> {
  const store = await createRedisStore({ url: server.url, prefix });
  stores.push(store);
  return store;
}

describe.skipIf(!hasRedis)(`dispatchers on the Redis store ${redisSkipReason}`, () => {
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const store of stores.splice(0)) await store.close();
    await server.close();
  });

  it('four dispatchers, 20,000 events for 200 groups, concurrent callers and racing ticks: each event in exactly one flush', async () => {
    const prefix = `race${++prefixes}`;
    const b = new Bench(GROUPED, { store: await redisStore(prefix) });
    // Four instances, each with its own connection, as four processes would have.
    const dispatchers = await Promise.all(
      [0, 1, 2, 3].map(async () =>
        createDispatcher({
          ruleSet: b.ruleSet,
          store: await redisStore(prefix),
          clock: () => new Date(b.now),
        }),
      ),
    );
    const total = 20_000;
    const outgoing: Outgoing[] = [];
    const grouped = new Set<string>();
    let issued = 0;
    let adding = true;
    const caller = async (instance: number): Promise<void> => {
      while (issued < total) {
        const i = issued++;
        b.now += 60; // the shared clock moves on: 20,000 events over 20 minutes
        const event = b.event({
          id: `ev${i}`,
          correlationId: `job${i % 200}`,
          data: { ref: `r${i}` },
        });
        const r = await b.ingest(event, dispatchers[instance]);
        for (const v of r.verdicts) if (v.kind === 'grouped') grouped.add(v.eventId);
        outgoing.push(...r.outgoing);
      }
    };
    const ticker = async (instance: number): Promise<void> => {
      while (adding) {
        outgoing.push(...(await dispatchers[instance]!.tick()));
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const ticking = [0, 1, 2, 3].map(ticker);
    await Promise.all(
      [0, 1, 2, 3].flatMap((instance) => Array.from({ length: 8 }, () => caller(instance))),
    );
    adding = false;
    await Promise.all(ticking);
    b.now += 60 * MIN;
    const last = await Promise.all(dispatchers.map((d) => d.tick()));
    outgoing.push(...last.flat());

    expect(grouped.size).toBe(total);
    const flushes = outgoing.filter((o) => o.reason === 'group-flush');
    // No window flushed twice: every message key is unique.
    expect(new Set(outgoing.map((o) => o.key)).size).toBe(outgoing.length);
    const flushed = flushes.flatMap((o) => o.eventIds);
    expect(flushed).toHaveLength(total);
    expect(new Set(flushed)).toEqual(grouped);
    expect(flushes.reduce((n, o) => n + o.digest!.count, 0)).toBe(total);
    // The ticks really raced the adds: most groups were flushed more than once.
    expect(flushes.length).toBeGreaterThan(400);
  }, 240_000);

  it('Redis restarted mid-run: calls fail with EXR_DISPATCH_STORE_UNAVAILABLE, nothing crashes, work resumes', async () => {
    const aof = await startRedis({ appendonly: true });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = await createRedisStore({ url: aof.url, prefix: 'restart' });
      stores.push(store);
      const b = new Bench(GROUPED, { store });
      await b.ingest(b.event({ id: 'a', correlationId: 'j', data: { ref: 'a' } }));
      await aof.stop();
      const ingestError = await b
        .ingest(b.event({ id: 'b', correlationId: 'j', data: { ref: 'b' } }))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(ingestError).toBeInstanceOf(DispatchError);
      expect((ingestError as DispatchError).code).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
      const tickError = await b.dispatcher.tick().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect((tickError as DispatchError).code).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
      await aof.restart();
      // The caller retries the failed event until Redis is back (bounded).
      let verdicts: Verdict[] | undefined;
      for (let i = 0; i < 200 && verdicts === undefined; i++) {
        verdicts = await b
          .ingest(b.event({ id: 'b', correlationId: 'j', data: { ref: 'b' } }))
          .then(
            (r) => r.verdicts,
            () => undefined,
          );
        if (verdicts === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(verdicts?.[0]?.kind).toBe('grouped');
      const out = await b.advance(2 * MIN);
      expect(out.map((o) => o.eventIds)).toEqual([['exstream/test/a', 'exstream/test/b']]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await aof.close();
    }
  });

  it('a restart (new process: new dispatcher, new connection) mid-interval sends nothing early and nothing extra', async () => {
    const prefix = `restart${++prefixes}`;
    const b = new Bench(GROUPED, { store: await redisStore(prefix) });
    await b.ingest(b.event({ correlationId: 'j', data: { ref: 'a' } }));
    expect(await b.advance(2 * MIN)).toHaveLength(1);
    b.now += 2 * MIN;
    await b.ingest(b.event({ correlationId: 'j', data: { ref: 'b' } }));
    const restarted = new Bench(GROUPED, { store: await redisStore(prefix), now: b.now });
    // Still inside the interval: nothing is due, however often the new instance ticks.
    for (let i = 0; i < 2; i++) expect(await restarted.advance(MIN)).toEqual([]);
    const out = await restarted.advance(MIN);
    expect(out.map((o) => o.params['lines'])).toEqual(['b: ']);
    expect(await restarted.advance(10 * MIN)).toEqual([]);
  });

  it('a rule reload mid-interval keeps the group and its timer', async () => {
    const b = new Bench(GROUPED, { store: await redisStore() });
    const first = await b.ingest(b.event({ correlationId: 'j', data: { ref: 'a' } }));
    const reloaded = parseRuleSet(HEAD + GROUPED.replace('id: failed', 'id: failed-v2'), {
      filename: 'rules.yaml',
    });
    expect(reloaded.version).not.toBe(b.ruleSet.version);
    b.dispatcher = b.newDispatcher(reloaded);
    b.now += MIN;
    const second = await b.ingest(b.event({ correlationId: 'j', data: { ref: 'b' } }));
    expect(second.verdicts[0]).toEqual({
      ...first.verdicts[0],
      eventId: second.verdicts[0]!.eventId,
    });
    expect(await b.dispatcher.tick()).toEqual([]);
    const out = await b.advance(MIN);
    expect(out.map((o) => o.digest?.count)).toEqual([2]);
  });

  it('gives the same outgoing messages and verdicts as the memory store (random events and clocks)', async () => {
    const step = fc.oneof(
      {
        arbitrary: fc.record({
          op: fc.constant('delivery' as const),
          id: fc.integer({ min: 0, max: 30 }),
          job: fc.integer({ min: 0, max: 2 }),
          tenant: fc.integer({ min: 0, max: 1 }),
        }),
        weight: 6,
      },
      {
        arbitrary: fc.record({
          op: fc.constant('batch' as const),
          id: fc.integer({ min: 0, max: 5 }),
          job: fc.integer({ min: 0, max: 2 }),
        }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          op: fc.constant('advance' as const),
          ms: fc.integer({ min: 0, max: 8 * MIN }),
        }),
        weight: 3,
      },
    );
    const play = async (
      b: Bench,
      list: readonly (typeof step extends fc.Arbitrary<infer S> ? S : never)[],
    ) => {
      const out: unknown[] = [];
      const times = new Map<string, string>();
      for (const s of list) {
        if (s.op === 'advance') {
          out.push({ tick: await b.advance(s.ms) });
          continue;
        }
        const id = `${s.op}${s.id}`;
        // The same id is a replay: same fields, same time.
        const time = times.get(id) ?? new Date(b.now).toISOString();
        times.set(id, time);
        const event = b.event({
          id,
          type: s.op === 'batch' ? 'batch.failed' : 'delivery.failed',
          correlationId: `job${s.job}`,
          tenant: s.op === 'delivery' ? `t${s.tenant}` : 't0',
          time,
          data: { ref: id, reason: 'full' },
        });
        out.push({ ingest: await b.ingest(event) });
      }
      out.push({ tick: await b.advance(2 * 60 * MIN) });
      return out;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 5, maxLength: 50, size: 'max' }),
        async (list) => {
          const memory = await play(new Bench(MIXED), list);
          const redis = await play(new Bench(MIXED, { store: await redisStore() }), list);
          expect(redis).toEqual(memory);
        },
      ),
      { numRuns: 30, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
    );
  }, 120_000);
});
