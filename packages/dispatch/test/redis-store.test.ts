import { afterAll, beforeAll, describe } from 'vitest';
import { createRedisStore } from '../src/store/redis-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';
import { describeStateStoreContract } from './contract/state-store-contract.js';

let server: RedisServer | undefined;
let database = 0;

describe.skipIf(!hasRedis)(`Redis store ${redisSkipReason}`, () => {
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.close();
  });
  // Each test gets its own key prefix on the private server: fresh, empty and isolated.
  describeStateStoreContract('redis', () =>
    createRedisStore({ url: server!.url, prefix: `contract${++database}` }),
  );
  describeStateStoreContract('redis, one bucket', () =>
    createRedisStore({ url: server!.url, prefix: `onebucket${++database}`, buckets: 1 }),
  );
});
