import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let clusterServer: RedisServer | undefined;

describe.skipIf(!hasRedis)(`Redis store on a one-node Redis Cluster ${redisSkipReason}`, () => {
  beforeAll(async () => {
    clusterServer = await startRedis({ cluster: true });
  });
  afterAll(async () => {
    await clusterServer?.close();
  });
  it('is a real cluster node: a script over two slots is refused', async () => {
    const client = createClient({ url: clusterServer!.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await expect(
        client.eval('return 1', { keys: ['{a}x', '{b}y'], arguments: [] }),
      ).rejects.toThrow(/CROSSSLOT/);
      expect(await client.eval('return 1', { keys: ['{a}x', '{a}y'], arguments: [] })).toBe(1);
    } finally {
      client.destroy();
    }
  });

  // Cluster mode rejects any script whose keys hash to different slots (CROSSSLOT): the whole
  // contract passing here shows every operation stays on one slot.
  describeStateStoreContract('redis cluster node', () =>
    createRedisStore({ url: clusterServer!.url, prefix: `cluster${++database}` }),
  );
});
