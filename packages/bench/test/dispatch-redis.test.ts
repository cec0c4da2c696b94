/**
 * Keeps the Redis store benchmark from rotting and checks what it counts: a tiny run against
 * its own redis-server. Speed is never asserted — `pnpm bench` measures it.
 */
import { hasRedis, redisSkipReason } from '@exroute/dispatch/testing';
import { describe, expect, it } from 'vitest';
import { runRedisStoreBench } from '../src/dispatch-redis.js';

describe.skipIf(!hasRedis)(`Redis store benchmark ${redisSkipReason}`, () => {
  it('counts exactly one command per grouped item and at most one round trip', async () => {
    const lines: string[] = [];
    const result = await runRedisStoreBench({
      events: 300,
      concurrency: [1, 8],
      openGroups: 200,
      print: (line) => lines.push(line),
    });
    expect(result.throughput.map((row) => row.concurrency)).toEqual([1, 8]);
    for (const row of result.throughput) {
      expect(row.commandsPerEvent).toBe(1);
      expect(row.roundTripsPerEvent).toBeGreaterThan(0);
      expect(row.roundTripsPerEvent).toBeLessThanOrEqual(1);
      expect(row.eventsPerSecond).toBeGreaterThan(0);
    }
    // Eight callers share round trips: node-redis pipelines what is issued in the same tick.
    expect(result.throughput[1]!.roundTripsPerEvent).toBeLessThan(1);
    expect(result.memory?.groups).toBe(200);
    expect(result.memory?.bytesPerGroup).toBeGreaterThan(0);
    expect(lines.filter((line) => /^\| \d+ \|/.test(line))).toHaveLength(2);
  });
});
