/**
 * The @exroute/service benchmark on a private redis-server: events per second end to end (HTTP
 * ingest → Redis → route → dispatch → emulator) with one and two instances, ingest alone (the
 * baseline the end-to-end figures are compared with), Redis commands per event, each instance's
 * peak RSS and CPU per event (every instance is its own child process, as in production; the HTTP
 * clients and the Notifications emulator run in this one), and Redis memory sampled during
 * steady traffic.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasRedis, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import { generateSampleEvents } from '@exroute/exstream';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import { resolveServiceConfig } from '@exroute/service';
import type { ServiceConfig } from '@exroute/service';
import { createClient } from 'redis';
import type { InstanceReply, InstanceRequest } from './service-instance.js';

/** How much to send; the defaults are the documented full run. */
export interface ServiceBenchOptions {
  /** Events per scenario; default 20,000. */
  events?: number;
  /** Events per HTTP request; default 500. */
  batch?: number;
  /** Concurrent HTTP clients; default 4. */
  clients?: number;
  /** Length of the steady-traffic memory run (1,000 events/s), in seconds; default 30. */
  steadySeconds?: number;
  print?: (line: string) => void;
}

/** One row of the table. */
export interface ServiceBenchRow {
  scenario: string;
  eventsPerSecond: number;
  redisCommandsPerEvent: number;
  redisUsedMemoryMb: number;
  /** Peak RSS of each instance process (VmHWM, from `process.resourceUsage().maxRSS`), in MB. */
  instancePeakRssMb: number[];
  /** CPU time of all instance processes per event, in µs (load-independent, unlike events/s). */
  instanceCpuMicrosPerEvent: number;
}

/** One service instance in its own child process (see service-instance.ts). */
interface Instance {
  readonly url: string;
  status(): Promise<Extract<InstanceReply, { type: 'status' }>>;
  /** Stops the service and the process; answers its peak RSS and CPU time. */
  stop(): Promise<Extract<InstanceReply, { type: 'stopped' }>>;
}

async function startInstance(
  config: ServiceConfig,
  instance: string,
  startWorkers: boolean,
): Promise<Instance> {
  const child = fork(fileURLToPath(new URL('./service-instance.js', import.meta.url)), [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: { type: InstanceReply['type']; settle: (reply: InstanceReply) => void }[] = [];
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure = error;
    for (const waiter of waiting.splice(0))
      waiter.settle({ type: 'failed', message: error.message });
  };
  child.on('message', (reply: InstanceReply) => {
    if (reply.type === 'failed') return fail(new Error(`instance ${instance}: ${reply.message}`));
    const index = waiting.findIndex((w) => w.type === reply.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.settle(reply);
  });
  child.on('exit', (code) => fail(new Error(`instance ${instance} exited (${code})`)));
  const ask = <T extends InstanceReply['type']>(
    request: InstanceRequest,
    type: T,
  ): Promise<Extract<InstanceReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      if (failure !== undefined) return reject(failure);
      waiting.push({
        type,
        settle: (reply) =>
          reply.type === 'failed'
            ? reject(new Error(reply.message))
            : resolve(reply as Extract<InstanceReply, { type: T }>),
      });
      child.send(request);
    });
  const ready = await ask({ type: 'start', config, instance, startWorkers }, 'ready');
  return {
    url: ready.url,
    status: () => ask({ type: 'status' }, 'status'),
    stop: async () => {
      const stopped = await ask({ type: 'stop' }, 'stopped');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      return stopped;
    },
  };
}

const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

function configFor(
  redis: RedisServer,
  emulator: NotificationsEmulator,
  prefix: string,
  auditDir?: string,
): ServiceConfig {
  const c = emulator.clientConfig;
  return {
    ...resolveServiceConfig(
      {
        apiVersion: 'exroute/service/v1',
        rules: [
          'rules/regions-and-calendars.yaml',
          'rules/directory',
          'rules/operations',
          'rules/compliance',
          'rules/customer-communications',
        ],
        mapping: 'examples/data/exstream-mapping.yaml',
        http: { listen: '127.0.0.1:0', maxBodyBytes: 8 * 1024 * 1024, maxEventsPerRequest: 5000 },
        redis: { url: redis.url, prefix },
        workers: { concurrency: 2, batchSize: 200 },
        reload: { watch: false },
        log: { level: 'warn' },
        // The audit trail on both sinks (docs/governance.md): its cost is the ratio to the run without.
        ...(auditDir !== undefined
          ? { audit: { file: { path: join(auditDir, `${prefix}.jsonl`) }, redis: {} } }
          : {}),
      },
      { baseDir: repo('') },
    ),
    notifications: {
      emulator: false,
      baseUrl: c.baseUrl,
      authUrl: c.authUrl,
      tenant: c.tenant,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    },
    delivery: { maxInFlight: 32, attemptsPerDelivery: 4 },
  };
}

/** Runs the service benchmark; prints a Markdown table. Skips (with a line) where no redis-server exists. */
export async function runServiceBench(
  options: ServiceBenchOptions = {},
): Promise<ServiceBenchRow[]> {
  const print = options.print ?? console.log;
  if (!hasRedis) {
    print('\n### @exroute/service\n\nSKIPPED: no redis-server on PATH.');
    return [];
  }
  const total = options.events ?? 20_000;
  const batchSize = options.batch ?? 500;
  const clients = options.clients ?? 4;
  const raws = generateSampleEvents({ seed: 42, count: total });
  const bodies: string[] = [];
  for (let i = 0; i < raws.length; i += batchSize)
    bodies.push(JSON.stringify(raws.slice(i, i + batchSize)));

  const redis = await startRedis();
  const emulator = await startEmulator();
  const probe = createClient({ url: redis.url, RESP: 2 });
  await probe.connect();
  const info = async (): Promise<{ commands: number; usedMemory: number }> => {
    const text = await probe.sendCommand<string>(['INFO']);
    const field = (name: string): number =>
      Number(new RegExp(`${name}:(\\d+)`).exec(text)?.[1] ?? 0);
    return { commands: field('total_commands_processed'), usedMemory: field('used_memory') };
  };
  const rows: ServiceBenchRow[] = [];
  const auditDir = await mkdtemp(join(tmpdir(), 'exroute-bench-audit-'));
  const memorySamples: number[] = [];
  let steadyMemory: number[] | undefined;
  let steadyPeakRss: number | undefined;
  try {
    const scenario = async (
      name: string,
      instances: number,
      workers: boolean,
      auditDir?: string,
    ): Promise<void> => {
      const prefix = `bench-${rows.length}`;
      const services: Instance[] = [];
      for (let i = 0; i < instances; i++) {
        services.push(
          await startInstance(
            configFor(redis, emulator, prefix, auditDir),
            `${prefix}-${i}`,
            workers,
          ),
        );
      }
      emulator.reset();
      const before = await info();
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async (_, n) => {
          for (let b = next++; b < bodies.length; b = next++) {
            const target = services[(b + n) % services.length]!;
            const response = await fetch(`${target.url}/v1/events`, {
              method: 'POST',
              body: bodies[b]!,
              headers: { 'content-type': 'application/json' },
            });
            if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
            await response.arrayBuffer();
          }
        }),
      );
      if (workers) {
        for (;;) {
          const { events, outgoing } = await services[0]!.status();
          memorySamples.push((await info()).usedMemory);
          if (
            events.lag === 0 &&
            events.pending === 0 &&
            outgoing.lag === 0 &&
            outgoing.pending === 0
          )
            break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const after = await info();
      const stopped = await Promise.all(services.map((s) => s.stop()));
      rows.push({
        scenario: name,
        eventsPerSecond: Math.round(total / seconds),
        redisCommandsPerEvent: (after.commands - before.commands) / total,
        redisUsedMemoryMb: after.usedMemory / 1024 / 1024,
        instancePeakRssMb: stopped.map((s) => s.maxRssBytes / 1024 / 1024),
        // Includes start-up (rule loading) and stop: a fixed cost per instance, not per event.
        instanceCpuMicrosPerEvent: stopped.reduce((sum, s) => sum + s.cpuMicros, 0) / total,
      });
    };
    await scenario('ingest alone (HTTP → Redis), 1 instance', 1, false);
    await scenario('end to end, 1 instance', 1, true);
    await scenario('end to end, 1 instance, audit trail (file + Redis)', 1, true, auditDir);
    await scenario('end to end, 2 instances', 2, true);
    ({ samples: steadyMemory, peakRssBytes: steadyPeakRss } = await steadyTraffic(
      redis,
      emulator,
      info,
      bodies,
      batchSize,
      options.steadySeconds ?? 30,
    ));
  } finally {
    await probe.close().catch(() => undefined);
    await emulator.close();
    await redis.close();
    await rm(auditDir, { recursive: true, force: true });
  }
  const baseline = rows[0]?.eventsPerSecond ?? 1;
  print(
    `\n### @exroute/service (${total} sample events, ${batchSize} per request, ${clients} clients, one private redis-server)\n`,
  );
  print(
    '| scenario | events/s | × ingest alone | Redis commands / event | Redis used memory after (MB) | peak RSS per instance (MB) | instance CPU µs / event |',
  );
  print('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    print(
      `| ${row.scenario} | ${row.eventsPerSecond.toLocaleString('en')} | ${(row.eventsPerSecond / baseline).toFixed(2)} | ${row.redisCommandsPerEvent.toFixed(2)} | ${row.redisUsedMemoryMb.toFixed(1)} | ${row.instancePeakRssMb.map((mb) => mb.toFixed(0)).join(', ')} | ${Math.round(row.instanceCpuMicrosPerEvent)} |`,
    );
  }
  const plain = rows.find((r) => r.scenario === 'end to end, 1 instance');
  const audited = rows.find((r) => r.scenario.includes('audit trail'));
  if (plain !== undefined && audited !== undefined)
    print(
      `\nAudit trail on both sinks: ${(audited.eventsPerSecond / plain.eventsPerSecond).toFixed(2)} × the events/s without it (same run, one instance).`,
    );
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
  if (memorySamples.length > 0) {
    print(
      `\nRedis used memory while draining the bursts above: peak ${mb(Math.max(...memorySamples))} MB.`,
    );
  }
  if (steadyMemory !== undefined && steadyPeakRss !== undefined) {
    print(`Peak RSS of the steady-traffic instance: ${mb(steadyPeakRss)} MB.`);
  }
  if (steadyMemory !== undefined && steadyMemory.length > 1) {
    const third = Math.floor(steadyMemory.length / 3);
    const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    print(
      `Redis used memory under steady traffic (1,000 events/s, one instance, one sample a second): ` +
        `${steadyMemory.map(mb).join(', ')} MB; first third average ${mb(avg(steadyMemory.slice(0, third)))} MB, last third ${mb(avg(steadyMemory.slice(-third)))} MB.`,
    );
  }
  print(
    `Peak RSS of the benchmark process (HTTP clients and the emulator; the instances are separate): ${mb(process.resourceUsage().maxRSS * 1024)} MB.`,
  );
  return rows;
}

/** Posts 1,000 events a second to one instance for `seconds` and samples Redis memory every second. */
async function steadyTraffic(
  redis: RedisServer,
  emulator: NotificationsEmulator,
  info: () => Promise<{ usedMemory: number }>,
  bodies: readonly string[],
  batchSize: number,
  seconds: number,
): Promise<{ samples: number[]; peakRssBytes: number }> {
  const service = await startInstance(configFor(redis, emulator, 'bench-steady'), 'steady', true);
  const samples: number[] = [];
  let peakRssBytes: number;
  const perSecond = Math.max(1, Math.round(1000 / batchSize));
  try {
    for (let second = 0; second < seconds; second++) {
      const tick = performance.now();
      for (let i = 0; i < perSecond; i++) {
        const response = await fetch(`${service.url}/v1/events`, {
          method: 'POST',
          body: bodies[(second * perSecond + i) % bodies.length]!,
          headers: { 'content-type': 'application/json' },
        });
        await response.arrayBuffer();
      }
      samples.push((await info()).usedMemory);
      const rest = 1000 - (performance.now() - tick);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  } finally {
    peakRssBytes = (await service.stop()).maxRssBytes;
  }
  return { samples, peakRssBytes };
}
