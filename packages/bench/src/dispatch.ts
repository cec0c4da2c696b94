/**
 * The @exroute/dispatch benchmark: events per second through `Dispatcher.ingest` with the
 * memory store for grouped traffic (the statement-run case: many delivery failures digested
 * per batch), next to baselines measured in the same run — `Router.route` for the same events,
 * and `ingest` of notifications without a policy — plus `tick` flush throughput and heap per
 * open group.
 */
import { createRouter, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent, RoutingDecision } from '@exroute/core';
import { createDispatcher, createMemoryStore } from '@exroute/dispatch';
import { heapUsedAfterGc } from './measure.js';

/** How long and how big to run; the defaults are the documented full run. */
export interface DispatchBenchOptions {
  /** Measured time per throughput cell, in ms. */
  budgetMs?: number;
  /** Distinct groups the grouped traffic spreads over. */
  groups?: number;
  /** Events (with their decisions) built before each ingest cell; the cell stops when they run out. */
  pool?: number;
  /** Open groups for the heap-per-group reading. */
  openGroups?: number;
  /** Where the table goes; default `console.log`. */
  print?: (line: string) => void;
}

/** The figures of one run. */
export interface DispatchBenchResult {
  /** `route` alone for the same events (baseline). */
  routePerSecond: number;
  /** The same per CPU second of this process (what "one core" means on a shared machine). */
  routePerCpuSecond: number;
  /** `ingest` of a notification without a policy (sent at once). */
  ingestImmediatePerSecond: number;
  ingestImmediatePerCpuSecond: number;
  /** `ingest` of grouped traffic (policy with `group.by`, digest line rendered per event). */
  ingestGroupedPerSecond: number;
  ingestGroupedPerCpuSecond: number;
  /** Grouped events flushed per second by `tick`, counted in items. */
  flushItemsPerSecond: number;
  /** Heap per open group holding one item, after GC, in bytes. */
  heapPerOpenGroupBytes: number;
  /** Events measured in the grouped cell. */
  groupedEvents: number;
}

/**
 * The dispatch benchmarks' rule set: delivery failures digested per batch (`grouped`) and
 * completed deliveries sent at once (`immediate`); the Redis benchmark uses it too.
 */
export const DISPATCH_BENCH_RULES = `apiVersion: exroute/v1
recipients:
  customer-service: { email: cs@example.com }
templates:
  failure: { id: EXS-DELIVERY-FAILED, channels: [email] }
  failures-digest:
    id: EXS-DELIVERY-FAILED-DIGEST
    channels: [email]
    digest: { line: "{{ data.customerRef }}: {{ data.reason }}", maxLines: 50 }
policies:
  delivery-failures:
    group: { by: [correlationId], wait: 2m, interval: 15m, repeat: 4h, close: 24h }
rules:
  - id: grouped
    when: { type: delivery.failed }
    notify: [{ to: [customer-service], template: failures-digest, policy: delivery-failures }]
  - id: immediate
    when: { type: delivery.completed }
    notify: [{ to: [customer-service], template: failure }]
`;

const START = Date.parse('2027-01-04T09:00:00Z');

/** Runs the dispatch benchmark and prints a Markdown table. */
export async function runDispatchBench(
  options: DispatchBenchOptions = {},
): Promise<DispatchBenchResult> {
  const print = options.print ?? console.log;
  const budgetMs = options.budgetMs ?? 2_000;
  const groups = options.groups ?? 1_000;
  const openGroups = options.openGroups ?? 100_000;
  const poolSize = options.pool ?? 300_000;
  const ruleSet = parseRuleSet(DISPATCH_BENCH_RULES, { filename: 'bench.yaml' });
  let now = START;
  const clock = (): Date => new Date(now);
  const router = createRouter(ruleSet, { clock, validateEvents: false });

  const makeEvent = (i: number, type: string): NormalizedEvent => ({
    id: `e${i}`,
    source: 'exstream/bench',
    type,
    time: new Date(now).toISOString(),
    correlationId: `job-${i % groups}`,
    data: { customerRef: `C${i}`, reason: 'mailbox full' },
  });
  // One decision per group, re-labelled per event: routing is measured in its own cell.
  const decisions = new Map<string, RoutingDecision>();
  const decisionFor = (event: NormalizedEvent): RoutingDecision => {
    const key = `${event.type}|${event.correlationId ?? ''}`;
    let decision = decisions.get(key);
    if (decision === undefined) {
      decision = router.route(event);
      decisions.set(key, decision);
    }
    return { ...decision, eventId: event.id };
  };

  const route = measureLoop(budgetMs, (i) => {
    router.route(makeEvent(i, 'delivery.failed'));
  });

  // Events and decisions are built before the clock starts: the cells measure `ingest` only.
  // Every event id is new (a repeated id would be a replay, which is cheaper).
  const pool = (type: string): { event: NormalizedEvent; decision: RoutingDecision }[] =>
    Array.from({ length: poolSize }, (_, i) => {
      const event = makeEvent(i, type);
      return { event, decision: decisionFor(event) };
    });

  let inputs = pool('delivery.completed');
  const immediate = createDispatcher({ ruleSet, store: createMemoryStore(), clock });
  const ingestImmediate = await measureLoopAsync(budgetMs, inputs.length, async (i) => {
    const input = inputs[i]!;
    await immediate.ingest(input.event, input.decision);
  });

  inputs = pool('delivery.failed');
  const store = createMemoryStore();
  const grouped = createDispatcher({ ruleSet, store, clock });
  const ingestGrouped = await measureLoopAsync(budgetMs, inputs.length, async (i) => {
    const input = inputs[i]!;
    await grouped.ingest(input.event, input.decision);
  });
  inputs = [];

  now += 3 * 60_000;
  const flushStarted = performance.now();
  let flushed = 0;
  for (const message of await grouped.tick()) flushed += message.digest?.count ?? 0;
  const flushSeconds = (performance.now() - flushStarted) / 1000;

  const heapPerOpenGroupBytes = await heapPerGroup(
    openGroups,
    (i) => {
      const event: NormalizedEvent = {
        ...makeEvent(i, 'delivery.failed'),
        correlationId: `open-${i}`,
      };
      return { event, decision: router.route(event) };
    },
    ruleSet,
  );

  const result: DispatchBenchResult = {
    routePerSecond: route.perSecond,
    routePerCpuSecond: route.perCpuSecond,
    ingestImmediatePerSecond: ingestImmediate.perSecond,
    ingestImmediatePerCpuSecond: ingestImmediate.perCpuSecond,
    ingestGroupedPerSecond: ingestGrouped.perSecond,
    ingestGroupedPerCpuSecond: ingestGrouped.perCpuSecond,
    flushItemsPerSecond: flushSeconds > 0 ? flushed / flushSeconds : 0,
    heapPerOpenGroupBytes,
    groupedEvents: ingestGrouped.events,
  };
  const rate = (n: number): string => Math.round(n).toLocaleString('en-US');
  print('');
  print(`### @exroute/dispatch (memory store, ${groups} groups)`);
  print('');
  print('| measurement | events/s (wall) | events per CPU second | vs route (CPU) |');
  print('| --- | ---: | ---: | ---: |');
  const row = (name: string, wall: number, cpu: number): void =>
    print(
      `| ${name} | ${rate(wall)} | ${rate(cpu)} | ${(cpu / result.routePerCpuSecond).toFixed(2)} |`,
    );
  row('route (baseline)', result.routePerSecond, result.routePerCpuSecond);
  row('ingest, no policy', result.ingestImmediatePerSecond, result.ingestImmediatePerCpuSecond);
  row('ingest, grouped', result.ingestGroupedPerSecond, result.ingestGroupedPerCpuSecond);
  print(
    `| tick flush, items/s (${rate(flushed)} items) | ${rate(result.flushItemsPerSecond)} | | |`,
  );
  print(`| heap per open group (1 item), bytes | ${rate(heapPerOpenGroupBytes)} | | |`);
  return result;
}

/** A throughput reading: per wall-clock second and per CPU second of this process. */
interface Rate {
  perSecond: number;
  perCpuSecond: number;
  events: number;
}

function measureLoop(budgetMs: number, step: (i: number) => void): Rate {
  let i = 0;
  const warm = performance.now();
  while (performance.now() - warm < budgetMs / 4) step(i++);
  const started = performance.now();
  const cpu = process.cpuUsage();
  let count = 0;
  for (;;) {
    for (let k = 0; k < 256; k++) step(i++);
    count += 256;
    const elapsed = performance.now() - started;
    if (elapsed >= budgetMs) return rateOf(count, elapsed, cpu);
  }
}

async function measureLoopAsync(
  budgetMs: number,
  available: number,
  step: (i: number) => Promise<void>,
): Promise<Rate> {
  // A tenth of the inputs warm up; the measured run stops at the budget or when inputs run out.
  const warmUp = Math.max(1, Math.floor(available / 10));
  let i = 0;
  while (i < warmUp) await step(i++);
  const started = performance.now();
  const cpu = process.cpuUsage();
  let count = 0;
  for (;;) {
    const batch = Math.min(256, available - i);
    for (let k = 0; k < batch; k++) await step(i++);
    count += batch;
    const elapsed = performance.now() - started;
    if (elapsed >= budgetMs || i >= available) return rateOf(count, elapsed, cpu);
  }
}

/**
 * CPU time is reported next to wall time because the bench machine is often shared: per CPU
 * second is what "on one core" means when other processes take turns on it.
 */
function rateOf(count: number, elapsedMs: number, cpuBefore: NodeJS.CpuUsage): Rate {
  const used = process.cpuUsage(cpuBefore);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    perSecond: (count / elapsedMs) * 1000,
    perCpuSecond: cpuSeconds > 0 ? count / cpuSeconds : 0,
    events: count,
  };
}

async function heapPerGroup(
  count: number,
  make: (i: number) => { event: NormalizedEvent; decision: RoutingDecision },
  ruleSet: ReturnType<typeof parseRuleSet>,
): Promise<number> {
  const store = createMemoryStore();
  const dispatcher = createDispatcher({ ruleSet, store, clock: () => new Date(START) });
  const inputs = Array.from({ length: count }, (_, i) => make(i));
  const before = heapUsedAfterGc();
  for (const { event, decision } of inputs) await dispatcher.ingest(event, decision);
  const after = heapUsedAfterGc();
  // The inputs stay alive across both readings, so only the store's share is counted.
  if (inputs.length !== count) throw new Error('unreachable');
  return (after - before) / count;
}
