/**
 * The Redis store benchmark: starts its own redis-server (loopback, no persistence), then
 * measures (1) items per second through the store's `addGroupItem` — the script every grouped
 * event costs — from many concurrent callers on one connection (node-redis pipelines what is
 * issued in the same tick), with Redis commands and network round trips per item, and (2) the
 * Redis memory one open group costs, for 100,000 open groups (`INFO memory`).
 */
import { createRedisStore } from '@exroute/dispatch';
import type { GroupTiming, StateStore } from '@exroute/dispatch';
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import {
  commandsSent,
  createProbeClient,
  resetCommandStats,
  startRoundTripCounter,
  usedMemory,
} from './redis-probe.js';

/** How much to run; the defaults are the documented full run. */
export interface RedisStoreBenchOptions {
  /** Items added per throughput cell (default 40,000). */
  events?: number;
  /** Concurrent callers (default 1, 16, 128). */
  concurrency?: readonly number[];
  /** Open groups for the memory measurement (default 100,000). */
  openGroups?: number;
  /** Where the table goes; default `console.log`. */
  print?: (line: string) => void;
}

/** One throughput row. */
export interface RedisThroughputRow {
  concurrency: number;
  eventsPerSecond: number;
  commandsPerEvent: number;
  roundTripsPerEvent: number;
}

/** Redis memory for many open groups. */
export interface RedisMemoryRow {
  groups: number;
  bytesPerGroup: number;
  totalMiB: number;
}

/** Result of the run; `skipped` carries the reason when no redis-server exists. */
export interface RedisStoreBenchResult {
  skipped?: string;
  throughput: RedisThroughputRow[];
  memory?: RedisMemoryRow;
}

const T0 = Date.UTC(2027, 0, 4, 9, 0, 0);
const timing: GroupTiming = {
  waitMs: 120_000,
  intervalMs: 900_000,
  repeatMs: 14_400_000,
  closeMs: 86_400_000,
  sendFirst: false,
};

/** `count` adds spread over 200 groups, issued by `concurrency` callers awaiting one at a time. */
async function addItems(
  store: StateStore,
  run: string,
  count: number,
  concurrency: number,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const caller = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await store.addGroupItem({
        groupKey: `bench/${run}/g${i % 200}`,
        now: T0 + i,
        timing,
        header: '{"template":"delivery-failed-digest"}',
        item: {
          eventId: `exstream/${run}-${i}`,
          at: T0 + i,
          line: `CUST-${i}: mailbox full`,
          dropped: 0,
          inhibitScopes: [],
        },
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return performance.now() - started;
}

async function measureThroughput(
  redis: RedisServer,
  events: number,
  concurrency: number,
  run: number,
): Promise<RedisThroughputRow> {
  const probe = createProbeClient(redis.url);
  await probe.connect();
  const store = await createRedisStore({ url: redis.url, prefix: `bench${run}` });
  const relay = await startRoundTripCounter(redis.port);
  const relayed = await createRedisStore({ url: relay.url, prefix: `bench${run}r` });
  try {
    await addItems(store, `warm${run}`, Math.min(2_000, events), concurrency);
    await resetCommandStats(probe);
    const ms = await addItems(store, `run${run}`, events, concurrency);
    const commands = await commandsSent(probe);
    // Round trips are counted in a second pass through the relay (it adds latency of its own).
    const before = relay.writes();
    await addItems(relayed, `relay${run}`, Math.min(events, 10_000), concurrency);
    const writes = relay.writes() - before;
    return {
      concurrency,
      eventsPerSecond: (events / ms) * 1000,
      commandsPerEvent: commands / events,
      roundTripsPerEvent: writes / Math.min(events, 10_000),
    };
  } finally {
    await store.close();
    await relayed.close();
    await relay.close();
    probe.destroy();
  }
}

async function measureMemory(redis: RedisServer, groups: number): Promise<RedisMemoryRow> {
  const probe = createProbeClient(redis.url);
  await probe.connect();
  const store = await createRedisStore({ url: redis.url, prefix: 'memory' });
  try {
    await probe.flushAll();
    const before = await usedMemory(probe);
    let next = 0;
    const caller = async (): Promise<void> => {
      while (next < groups) {
        const i = next++;
        await store.addGroupItem({
          groupKey: `delivery-failures/email/customer-service/${i.toString(16).padStart(8, '0')}`,
          now: T0,
          timing,
          header: '{"template":"delivery-failed-digest","channel":"email"}',
          item: {
            eventId: `exstream/evt-${i}`,
            at: T0,
            line: `CUST-${i}: mailbox full`,
            dropped: 0,
            inhibitScopes: [],
          },
        });
      }
    };
    await Promise.all(Array.from({ length: 128 }, caller));
    const after = await usedMemory(probe);
    return {
      groups,
      bytesPerGroup: (after - before) / groups,
      totalMiB: (after - before) / 1024 / 1024,
    };
  } finally {
    await store.close();
    probe.destroy();
  }
}

/** Runs the Redis store benchmark and prints Markdown tables; skips when no redis-server exists. */
export async function runRedisStoreBench(
  options: RedisStoreBenchOptions = {},
): Promise<RedisStoreBenchResult> {
  const print = options.print ?? console.log;
  if (!hasRedis) {
    print('');
    print(`Redis store benchmark ${redisSkipReason}`);
    return { skipped: redisSkipReason, throughput: [] };
  }
  const events = options.events ?? 40_000;
  const levels = options.concurrency ?? [1, 16, 128];
  const redis = await startRedis();
  try {
    const throughput: RedisThroughputRow[] = [];
    let run = 0;
    for (const concurrency of levels) {
      throughput.push(await measureThroughput(redis, events, concurrency, (run += 1)));
    }
    const memory = await measureMemory(redis, options.openGroups ?? 100_000);
    print('');
    print(
      `Redis store: addGroupItem (one grouped item), ${events.toLocaleString('en-US')} items over 200 groups, one connection, private redis-server`,
    );
    print('');
    print('| callers | items/s | Redis commands / item | round trips / item |');
    print('|---:|---:|---:|---:|');
    for (const row of throughput) {
      print(
        `| ${row.concurrency} | ${Math.round(row.eventsPerSecond).toLocaleString('en-US')} | ${row.commandsPerEvent.toFixed(2)} | ${row.roundTripsPerEvent.toFixed(3)} |`,
      );
    }
    print('');
    print(
      `Redis memory for ${memory.groups.toLocaleString('en-US')} open groups of one item: ${memory.totalMiB.toFixed(1)} MiB, ${Math.round(memory.bytesPerGroup)} bytes per group (INFO memory used_memory delta)`,
    );
    return { throughput, memory };
  } finally {
    await redis.close();
  }
}
