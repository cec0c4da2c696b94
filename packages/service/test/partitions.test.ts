// Partitioned streams (P = 4 on one Redis): ingest spreads events by correlation id, two
// instances read every partition in one consumer group each, and every key arrives once.
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, partitionOf } from '../src/index.js';
import type { Service } from '../src/index.js';
import { expectedKeys, INGEST, post, sampleRaw, testConfig, waitFor } from './helpers.js';

const P = 4;

describe.skipIf(!hasRedis)(`partitioned streams, P = ${P} ${redisSkipReason}`, () => {
  let redis: RedisServer;
  const services: Service[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    const config = testConfig({ redis: { url: redis.url, prefix: 'parts', partitions: P } });
    services.push(await createService(config, { instance: 'a' }));
    services.push(await createService(config, { instance: 'b' }));
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await redis?.close();
  });

  it('spreads events over the partitions by correlation id and delivers each key once', async () => {
    const raws = sampleRaw(400, 55);
    const expected = await expectedKeys(raws);
    for (let i = 0; i < raws.length; i += 100) {
      const target = services[(i / 100) % 2]!;
      const answer = await post(
        `${target.url}/v1/events`,
        JSON.stringify(raws.slice(i, i + 100)),
        INGEST,
      );
      expect(answer.status).toBe(202);
    }
    const emulators = services.map((s) => s.emulator!);
    const jobs = (key: string): number =>
      emulators.reduce((n, e) => n + (e.jobBySubmitId(key) !== undefined ? 1 : 0), 0);
    await waitFor(() => [...expected].every((key) => jobs(key) >= 1), 30_000, 'every key');
    for (const key of expected) expect(jobs(key)).toBe(1);
    await waitFor(
      async () => {
        const events = await services[0]!.queue.status('events');
        const outgoing = await services[0]!.queue.status('outgoing');
        return events.pending + (events.lag ?? 1) + outgoing.pending + (outgoing.lag ?? 1) === 0;
      },
      20_000,
      'every partition drained',
    );

    const probe = createClient({ url: redis.url, RESP: 2 });
    await probe.connect();
    try {
      const added: number[] = [];
      for (let p = 0; p < P; p++) {
        const info = await probe.sendCommand<unknown[]>(['XINFO', 'STREAM', `parts:events:${p}`]);
        added.push(Number(info[info.indexOf('entries-added') + 1]));
        const entries = await probe.sendCommand<[string, string[]][]>([
          'XRANGE',
          `parts:events:${p}`,
          '-',
          '+',
        ]);
        for (const [, fields] of entries) {
          expect(partitionOf(fields[fields.indexOf('pk') + 1]!, P)).toBe(p);
        }
      }
      expect(added.reduce((a, b) => a + b, 0)).toBe(raws.length);
      for (const n of added) expect(n).toBeGreaterThan(0);
      expect(await probe.exists('parts:events')).toBe(0);
    } finally {
      await probe.close();
    }
  }, 60_000);

  it('is the same function producers use: one correlation id, one partition', () => {
    expect(partitionOf('JOB-2026-0001', 1)).toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(partitionOf(`JOB-${i}`, P));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(partitionOf('JOB-7', P)).toBe(partitionOf('JOB-7', P));
  });
});
