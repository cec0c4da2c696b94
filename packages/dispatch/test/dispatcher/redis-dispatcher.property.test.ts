import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../../src/testing/index.js';
import type { RedisServer } from '../../src/testing/index.js';
import { crashSteps, run, steps } from './scenario.js';

let server: RedisServer | undefined;
let prefix = 0;

describe.skipIf(!hasRedis)(
  `dispatcher on the Redis store ${redisSkipReason}`,
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      server = await startRedis();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('gives the same verdicts and messages as the memory store for random event sequences and clocks', async () => {
      await fc.assert(
        fc.asyncProperty(steps, fc.integer({ min: 1, max: 3 }), async (list, instances) => {
          const reference = await run(list, 1);
          const store = await createRedisStore({ url: server!.url, prefix: `prop${++prefix}` });
          try {
            const onRedis = await run(list, instances, store);
            expect(onRedis.verdicts).toEqual(reference.verdicts);
            expect(onRedis.outgoing).toEqual(reference.outgoing);
          } finally {
            await store.close();
          }
        }),
        { numRuns: 25 },
      );
    });

    it('gives the same messages as the memory store when ticks crash between claim and persist', async () => {
      await fc.assert(
        fc.asyncProperty(crashSteps, fc.integer({ min: 1, max: 3 }), async (list, instances) => {
          const reference = await run(list, 1, undefined, { persist: true });
          const store = await createRedisStore({ url: server!.url, prefix: `crash${++prefix}` });
          try {
            const onRedis = await run(list, instances, store, { persist: true });
            expect(onRedis.verdicts).toEqual(reference.verdicts);
            expect(onRedis.outgoing).toEqual(reference.outgoing);
          } finally {
            await store.close();
          }
        }),
        { numRuns: 15 },
      );
    });
  },
);
