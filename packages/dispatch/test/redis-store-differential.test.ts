// Differential property test: random sequences of every StateStore operation on a moving clock,
// applied to the memory store (the reference) and the Redis store; every answer must be equal.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/store/memory-store.js';
import { createRedisStore } from '../src/store/redis-store.js';
import type { GroupTiming, StateStore } from '../src/store/state-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';

const T0 = Date.UTC(2027, 0, 4, 9, 0, 0);
const MIN = 60_000;

const timings: GroupTiming[] = [
  { waitMs: 2 * MIN, intervalMs: 5 * MIN, repeatMs: 30 * MIN, closeMs: 60 * MIN, sendFirst: false },
  { waitMs: 1 * MIN, intervalMs: 3 * MIN, closeMs: 20 * MIN, maxItems: 2, sendFirst: false },
  { waitMs: 2 * MIN, intervalMs: 4 * MIN, repeatMs: 10 * MIN, closeMs: 40 * MIN, sendFirst: true },
];

const small = (max: number) => fc.integer({ min: 0, max });

/** One random operation; `advance` moves the shared clock first. */
const operation = fc.oneof(
  fc.record({
    op: fc.constant('add' as const),
    group: small(2),
    event: small(9),
    timing: small(2),
  }),
  fc.record({ op: fc.constant('flush' as const), group: small(2) }),
  fc.record({ op: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('next' as const) }),
  fc.record({
    op: fc.constant('dedup' as const),
    key: small(1),
    member: small(4),
    forMin: small(30),
  }),
  {
    arbitrary: fc.record({
      op: fc.constant('throttle' as const),
      key: small(1),
      member: small(5),
      limit: fc.integer({ min: 1, max: 2 }),
    }),
    weight: 3,
  },
  fc.record({
    op: fc.constant('inhibit' as const),
    scope: small(1),
    source: small(3),
    forMin: small(40),
    bothSides: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('inhibited' as const),
    scope: small(1),
    target: small(3),
    bothSides: fc.boolean(),
  }),
  fc.record({ op: fc.constant('escalate' as const), key: small(3), steps: small(3) }),
  fc.record({ op: fc.constant('advance' as const), key: small(3) }),
  fc.record({ op: fc.constant('ack' as const), key: small(3) }),
  fc.record({ op: fc.constant('resolve' as const), scope: small(1) }),
  fc.record({ op: fc.constant('getEscalation' as const), key: small(3) }),
  fc.record({ op: fc.constant('defer' as const), key: small(2), inMin: small(20) }),
  fc.record({ op: fc.constant('take' as const), key: small(2) }),
  fc.record({ op: fc.constant('silence' as const), id: small(2), forMin: small(30) }),
  fc.record({ op: fc.constant('unsilence' as const), id: small(2) }),
  fc.record({ op: fc.constant('silences' as const) }),
);
// Mostly small clock steps, so operations meet inside windows; sometimes a long one.
const advance = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: MIN }), weight: 4 },
  { arbitrary: fc.integer({ min: MIN, max: 15 * MIN }), weight: 2 },
);
const step = fc.tuple(advance, operation);
type Op = typeof operation extends fc.Arbitrary<infer O> ? O : never;

/** Applies one operation to a store and returns its answer. */
function apply(s: StateStore, o: Op, now: number): Promise<unknown> {
  const escalationScope = (key: number) => `sc${key % 2}`;
  switch (o.op) {
    case 'add': {
      const x = o;
      return s.addGroupItem({
        groupKey: `g${x.group}`,
        now,
        timing: timings[x.timing]!,
        header: `h${x.group}`,
        item: {
          eventId: `e${x.event}`,
          at: now,
          line: `l${x.event}`,
          dropped: 0,
          inhibitScopes: [],
        },
      });
    }
    case 'flush':
      return s.flushGroup({ groupKey: `g${o.group}`, now });
    case 'claim':
      return s.claimDue({ now, limit: o.limit, leaseMs: MIN });
    case 'next':
      return s.nextDueAt();
    case 'dedup': {
      const x = o;
      return s.dedupCheck({
        key: `d${x.key}`,
        member: `e${x.member}`,
        now,
        expireAt: now + x.forMin * MIN,
      });
    }
    case 'throttle': {
      const x = o;
      const windowStart = Math.floor(now / (10 * MIN)) * 10 * MIN;
      return s.throttleHit({
        key: `t${x.key}`,
        member: `e${x.member}`,
        windowStart,
        limit: x.limit,
        now,
        windowExpireAt: windowStart + 10 * MIN,
        droppedExpireAt: now + 60 * MIN,
      });
    }
    case 'inhibit': {
      const x = o;
      return s.recordInhibitSource({
        scope: `i${x.scope}`,
        sourceEventId: `e${x.source}`,
        until: now + x.forMin * MIN,
        bothSides: x.bothSides,
        now,
      });
    }
    case 'inhibited': {
      const x = o;
      return s.findInhibitSource({
        scope: `i${x.scope}`,
        now,
        targetEventId: `e${x.target}`,
        targetBothSides: x.bothSides,
      });
    }
    case 'escalate': {
      const x = o;
      return s.startEscalation({
        scope: escalationScope(x.key),
        key: `k${x.key}`,
        now,
        stepDueAt: Array.from({ length: x.steps }, (_, i) => now + (i + 1) * 10 * MIN),
        header: `H${x.key}`,
        expireAt: now + 120 * MIN,
      });
    }
    case 'advance': {
      const key = o.key;
      return s.advanceEscalation({ scope: escalationScope(key), key: `k${key}`, now });
    }
    case 'ack': {
      const key = o.key;
      return s.acknowledgeEscalation({
        scope: escalationScope(key),
        key: `k${key}`,
        by: 'ops',
        now,
      });
    }
    case 'resolve':
      return s.resolveEscalations({
        scope: `sc${o.scope}`,
        now,
      });
    case 'getEscalation': {
      const key = o.key;
      return s.getEscalation({ scope: escalationScope(key), key: `k${key}` });
    }
    case 'defer': {
      const x = o;
      return s.deferSend({
        key: `def${x.key}`,
        sendAt: now + x.inMin * MIN,
        payload: `p${x.key}@${now}`,
        now,
        expireAt: now + 60 * MIN,
      });
    }
    case 'take':
      return s.takeDeferred({ key: `def${o.key}`, now });
    case 'silence': {
      const x = o;
      return s.putSilence({
        silence: {
          id: `s${x.id}`,
          when: { type: 'delivery.failed', 'data.reason': ['bounced', 'full'] },
          startsAt: now,
          endsAt: now + x.forMin * MIN,
          createdBy: 'ops',
          comment: `c${x.id}`,
          createdAt: now,
          updatedAt: now,
        },
        expireAt: now + x.forMin * MIN + 30 * MIN,
      });
    }
    case 'unsilence':
      return s.expireSilence({ id: `s${o.id}`, now });
    case 'silences':
      return s.listSilences({ now });
    default:
      throw new Error(`unknown op ${JSON.stringify(o)}`);
  }
}

describe.skipIf(!hasRedis)(`Redis store against the memory store ${redisSkipReason}`, () => {
  let server: RedisServer;
  let run = 0;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.close();
  });

  for (const buckets of [16, 1]) {
    it(`answers every operation like the memory store (${buckets} bucket${buckets > 1 ? 's' : ''})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }),
          async (steps) => {
            const memory = createMemoryStore();
            const redis = await createRedisStore({
              url: server.url,
              prefix: `diff${++run}`,
              buckets,
            });
            try {
              let now = T0;
              for (const [index, [advance, o]] of steps.entries()) {
                now += advance;
                const expected = await apply(memory, o, now);
                const actual = await apply(redis, o, now);
                expect({ index, op: o, answer: actual }).toEqual({
                  index,
                  op: o,
                  answer: expected,
                });
              }
            } finally {
              await redis.close();
              await memory.close();
            }
          },
        ),
        { numRuns: 60, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
      );
    }, 120_000);
  }
});
