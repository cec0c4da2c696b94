// Producers that can reach Redis append raw Exstream payloads to the events stream themselves;
// the workers normalize them, and what cannot be normalized is dead-lettered with its reason.
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, listDeadLetters } from '../src/index.js';
import type { Service } from '../src/index.js';
import { expectedKeys, sampleRaw, testConfig, waitFor } from './helpers.js';

describe.skipIf(!hasRedis)(`raw payloads appended to Redis directly ${redisSkipReason}`, () => {
  let redis: RedisServer;
  let service: Service;
  beforeAll(async () => {
    redis = await startRedis();
    service = await createService(testConfig({ redis: { url: redis.url, prefix: 'direct' } }));
  });
  afterAll(async () => {
    await service?.stop();
    await redis?.close();
  });

  it('routes XADDed raw payloads and dead-letters the ones it cannot read', async () => {
    const raws = sampleRaw(60, 77);
    const expected = await expectedKeys(raws);
    const producer = createClient({ url: redis.url });
    await producer.connect();
    try {
      for (const raw of raws)
        await producer.xAdd('direct:events', '*', { raw: JSON.stringify(raw) });
      await producer.xAdd('direct:events', '*', { raw: '{"not":"exstream"}' });
      await producer.xAdd('direct:events', '*', { raw: '{"truncated":' });
      await producer.xAdd('direct:events', '*', { something: 'else' });
    } finally {
      await producer.close();
    }
    const emulator = service.emulator!;
    await waitFor(() => emulator.stats().accepted >= expected.size, 20_000, 'the expected keys');
    await waitFor(
      async () => (await listDeadLetters(service.queue)).length === 3,
      20_000,
      'three dead letters',
    );
    for (const key of expected) expect(emulator.jobBySubmitId(key)).toBeDefined();
    const reasons = (await listDeadLetters(service.queue)).map((d) => [d.stream, d.reason]);
    expect(reasons).toEqual([
      ['events', 'EXR_UNKNOWN_SHAPE'],
      ['events', 'EXR_INVALID_JSON'],
      ['events', 'EXR_STREAM_ENTRY_INVALID'],
    ]);
    const metrics = await service.metrics.registry.getSingleMetricAsString(
      'exroute_events_accepted_total',
    );
    expect(metrics).toContain('exroute_events_accepted_total{via="stream"} 60');
  });
});
