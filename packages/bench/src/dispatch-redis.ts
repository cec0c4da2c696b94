/**
 * The Redis store benchmark: starts its own redis-server (loopback, no persistence), then
 * measures (1) events per second through `Dispatcher.ingest` on the Redis store for grouped
 * traffic, (2) items per second through the store's `addGroupItem` alone — the script every
 * grouped event costs — both from many concurrent callers on one connection (node-redis
 * pipelines what is issued in the same tick), with Redis commands and network round trips per
 * event, and (3) the Redis memory one open group costs, for 100,000 open groups (`INFO memory`).
 */
import { createRouter, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent, RoutingDecision } from '@exroute/core';
import { createDispatcher, createRedisStore } from '@exroute/dispatch';
import { DISPATCH_BENCH_RULES } from './dispatch.js';
import type { GroupTiming, StateStore } from '@exroute/dispatch';
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import {
  commandsSent,
  createProbeClient,
  resetCommandStats,
  serverCpuSeconds,
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
  /** `ingest` (the whole dispatcher) or `addGroupItem` (the store's script alone). */
  path: 'ingest' | 'addGroupItem';
  concurrency: number;
  eventsPerSecond: number;
  /** CPU time per event in this process (dispatcher + client), µs. */
  clientCpuMicros: number;
  /** CPU time per event in redis-server (`INFO cpu`), µs. */
  redisCpuMicros: number;
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

/** A function that handles `count` events from `concurrency` callers and returns the ms it took. */
type Workload = (run: string, count: number, concurrency: number) => Promise<number>;

/** `count` events for 200 groups through one dispatcher's `ingest` on `store`. */
function ingestWorkload(store: StateStore): Workload {
  const ruleSet = parseRuleSet(DISPATCH_BENCH_RULES, { filename: 'bench.yaml' });
  let now = T0;
  const clock = (): Date => new Date(now);
  const router = createRouter(ruleSet, { clock, validateEvents: false });
  const dispatcher = createDispatcher({ ruleSet, store, clock });
  // One decision per group, re-labelled per event, as in the memory-store benchmark.
  const decisions = new Map<string, RoutingDecision>();
  return async (run, count, concurrency) => {
    let next = 0;
    const started = performance.now();
    const caller = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        now += 1;
        const event: NormalizedEvent = {
          id: `${run}-${i}`,
          source: 'exstream/bench',
          type: 'delivery.failed',
          time: new Date(now).toISOString(),
          correlationId: `${run}-job-${i % 200}`,
          data: { customerRef: `C${i}`, reason: 'mailbox full' },
        };
        const key = event.correlationId ?? '';
        let decision = decisions.get(key);
        if (decision === undefined) {
          decision = router.route(event);
          decisions.set(key, decision);
        }
        await dispatcher.ingest(event, { ...decision, eventId: event.id });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    return performance.now() - started;
  };
}

/** `count` adds spread over 200 groups, issued by `concurrency` callers awaiting one at a time. */
function addItemsWorkload(store: StateStore): Workload {
  return (run, count, concurrency) => addItems(store, run, count, concurrency);
}

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
  path: RedisThroughputRow['path'],
  events: number,
  concurrency: number,
  run: number,
): Promise<RedisThroughputRow> {
  const workloadOf = path === 'ingest' ? ingestWorkload : addItemsWorkload;
  const probe = createProbeClient(redis.url);
  await probe.connect();
  const store = await createRedisStore({ url: redis.url, prefix: `bench${run}` });
  const relay = await startRoundTripCounter(redis.port);
  const relayed = await createRedisStore({ url: relay.url, prefix: `bench${run}r` });
  try {
    const direct = workloadOf(store);
    const viaRelay = workloadOf(relayed);
    await direct(`warm${run}`, Math.min(2_000, events), concurrency);
    await viaRelay(`warmr${run}`, Math.min(500, events), concurrency);
    await resetCommandStats(probe);
    const serverCpu = await serverCpuSeconds(probe);
    const clientCpu = process.cpuUsage();
    const ms = await direct(`run${run}`, events, concurrency);
    const clientUsed = process.cpuUsage(clientCpu);
    const serverUsed = (await serverCpuSeconds(probe)) - serverCpu;
    const commands = await commandsSent(probe);
    // Round trips are counted in a second pass through the relay (it adds latency of its own).
    const relayedEvents = Math.min(events, 10_000);
    const before = relay.writes();
    await viaRelay(`relay${run}`, relayedEvents, concurrency);
    const writes = relay.writes() - before;
    return {
      path,
      concurrency,
      eventsPerSecond: (events / ms) * 1000,
      clientCpuMicros: (clientUsed.user + clientUsed.system) / events,
      redisCpuMicros: (serverUsed * 1e6) / events,
      commandsPerEvent: commands / events,
      roundTripsPerEvent: writes / relayedEvents,
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
    for (const path of ['ingest', 'addGroupItem'] as const) {
      for (const concurrency of levels) {
        throughput.push(await measureThroughput(redis, path, events, concurrency, (run += 1)));
      }
    }
    const memory = await measureMemory(redis, options.openGroups ?? 100_000);
    print('');
    print(
      `### @exroute/dispatch on Redis (${events.toLocaleString('en-US')} grouped events over 200 groups per cell, one connection, private redis-server)`,
    );
    print('');
    print(
      '| path | callers | events/s (wall) | client CPU µs / event | Redis CPU µs / event | events per Redis CPU second | Redis commands / event | round trips / event |',
    );
    print('|---|---:|---:|---:|---:|---:|---:|---:|');
    const rate = (n: number): string => Math.round(n).toLocaleString('en-US');
    for (const row of throughput) {
      print(
        `| ${row.path} | ${row.concurrency} | ${rate(row.eventsPerSecond)} | ${row.clientCpuMicros.toFixed(0)} | ${row.redisCpuMicros.toFixed(0)} | ${rate(row.redisCpuMicros > 0 ? 1e6 / row.redisCpuMicros : 0)} | ${row.commandsPerEvent.toFixed(2)} | ${row.roundTripsPerEvent.toFixed(3)} |`,
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
