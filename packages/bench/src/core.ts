/**
 * The @exroute/core benchmark: for each rule-set size, events per second of the compiled
 * router next to two baselines measured in the same run — json-rules-engine (the reference
 * router) and a plain loop over hand-written closures — plus compile time and heap.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReferenceRouter, createRouter, loadRuleSet } from '@exroute/core';
import type { NormalizedEvent, ReferenceRouter, Router, RuleSet } from '@exroute/core';
import { heapUsedAfterGc, measureAsync, measureInterleaved, timeMs } from './measure.js';
import { generateEvents, generateWorkload, toHandWrittenRules } from './workload.js';
import type { RuleFormat, Workload, WorkloadShape } from './workload.js';

/** How long and how big to run; the defaults are the documented full run. */
export interface CoreBenchOptions {
  /** Sizes of the `mixed` rule set, each written in both formats; default 10, 100, 1,000, 10,000. */
  sizes?: readonly number[];
  /** Sizes of issue 15's `pinned` rule set, in both formats; default 10,000. */
  pinnedSizes?: readonly number[];
  /** Measured time per compiled-router and hand-written-loop cell, in ms. */
  budgetMs?: number;
  /** Measured time per json-rules-engine cell, in ms (it is sampled, not run to completion). */
  referenceBudgetMs?: number;
  /** Where the table goes; default `console.log`. */
  print?: (line: string) => void;
}

/** One row of the table. */
export interface CoreBenchRow {
  shape: WorkloadShape;
  format: RuleFormat;
  rules: number;
  /** `loadRuleSet` of the generated YAML (parse, validate, semantic checks). */
  loadMs: number;
  /** `createRouter` alone. */
  compileMs: number;
  /** Heap the compiled router retains beyond the loaded rule set, after GC, in bytes. */
  routerHeapBytes: number;
  /** `route` with the default event validation. */
  route: number;
  /** `route` with `validateEvents: false` (trusted, already validated events). */
  routeUnvalidated: number;
  /** The plain loop over hand-written closures (no index, no decision building). */
  handWrittenLoop: number;
  /** json-rules-engine through `createReferenceRouter` (events not re-validated). */
  jsonRulesEngine: number;
  /** How many events json-rules-engine's figure is based on. */
  jsonRulesEngineEvents: number;
  /** Whether the router, the loop and json-rules-engine matched the same rules on the sampled events. */
  resultsAgree: boolean;
}

const FULL_SIZES = [10, 100, 1_000, 10_000] as const;
const PINNED_SIZES = [10_000] as const;
const FORMATS: readonly RuleFormat[] = ['when', 'conditions'];
const EVENT_POOL = 2_000;
const AGREEMENT_SAMPLE = 200;
/** The instant `$now` and decisions are computed for, so runs are comparable. */
const CLOCK = (): Date => new Date('2026-03-02T10:15:00Z');

/** Runs the core benchmark and prints a Markdown table with ratios against both baselines. */
export async function runCoreBench(options: CoreBenchOptions = {}): Promise<CoreBenchRow[]> {
  const print = options.print ?? console.log;
  const budgetMs = options.budgetMs ?? 2_000;
  const referenceBudgetMs = options.referenceBudgetMs ?? 3_000;
  const cases: { shape: WorkloadShape; size: number }[] = [
    ...(options.sizes ?? FULL_SIZES).map((size) => ({ shape: 'mixed' as const, size })),
    ...(options.pinnedSizes ?? PINNED_SIZES).map((size) => ({ shape: 'pinned' as const, size })),
  ];
  const rows: CoreBenchRow[] = [];
  for (const { shape, size } of cases) {
    rows.push(...(await benchOneSize(shape, size, budgetMs, referenceBudgetMs)));
  }
  printTable(rows, print);
  return rows;
}

/** One format's rule set, loaded and compiled, with its routers. */
interface Prepared {
  format: RuleFormat;
  loadMs: number;
  compileMs: number;
  routerHeapBytes: number;
  router: Router;
  trusting: Router;
  reference: ReferenceRouter;
}

async function prepare(shape: WorkloadShape, format: RuleFormat, size: number): Promise<Prepared> {
  const workload = generateWorkload(size, { shape, format });
  const started = performance.now();
  const ruleSet = await loadWorkload(workload);
  const loadMs = performance.now() - started;
  const heapBefore = heapUsedAfterGc();
  const { result: router, ms: compileMs } = timeMs(() => createRouter(ruleSet, { clock: CLOCK }));
  const routerHeapBytes = heapUsedAfterGc() - heapBefore;
  return {
    format,
    loadMs,
    compileMs,
    routerHeapBytes,
    router,
    trusting: createRouter(ruleSet, { clock: CLOCK, validateEvents: false }),
    // The engine is the baseline, not the schema check: both sides of every ratio skip or do it.
    reference: createReferenceRouter(ruleSet, { clock: CLOCK, validateEvents: false }),
  };
}

/**
 * Both formats of one rule set: their routers (with and without event validation) and the loop
 * are measured in one interleaved run, so every ratio in the two rows — against the loop and
 * between the formats — compares figures taken under the same load.
 */
async function benchOneSize(
  shape: WorkloadShape,
  size: number,
  budgetMs: number,
  referenceBudgetMs: number,
): Promise<CoreBenchRow[]> {
  const events = generateEvents(size, EVENT_POOL, shape);
  const prepared: Prepared[] = [];
  for (const format of FORMATS) prepared.push(await prepare(shape, format, size));

  // The same rules whatever the format: the generator draws them before writing them.
  const handWritten = toHandWrittenRules(generateWorkload(size, { shape }).rules);
  const runLoop = (event: NormalizedEvent): string[] => {
    const matched: string[] = [];
    for (const rule of handWritten) if (rule.matches(event)) matched.push(rule.id);
    return matched;
  };

  const measured = measureInterleaved(
    events,
    [
      ...prepared.flatMap(({ router, trusting }) => [
        (event: NormalizedEvent) => router.route(event),
        (event: NormalizedEvent) => trusting.route(event),
      ]),
      runLoop,
    ],
    budgetMs,
  );
  const loop = measured[measured.length - 1]!;

  const rows: CoreBenchRow[] = [];
  for (const [p, { format, router, reference, ...timings }] of prepared.entries()) {
    const jre = await measureAsync(events, (event) => reference.route(event), referenceBudgetMs);
    let resultsAgree = true;
    for (const [index, event] of events.slice(0, AGREEMENT_SAMPLE).entries()) {
      const routed = router.route(event).matched.map((m) => m.ruleId);
      const looped = runLoop(event);
      // json-rules-engine is slow at large sizes; compare it on the first few events only.
      const referenced =
        index < 20 ? (await reference.route(event)).matched.map((m) => m.ruleId) : routed;
      if (routed.join() !== looped.join() || routed.join() !== referenced.join()) {
        resultsAgree = false;
      }
    }
    rows.push({
      shape,
      format,
      rules: size,
      loadMs: timings.loadMs,
      compileMs: timings.compileMs,
      routerHeapBytes: timings.routerHeapBytes,
      route: measured[2 * p]!.eventsPerSecond,
      routeUnvalidated: measured[2 * p + 1]!.eventsPerSecond,
      handWrittenLoop: loop.eventsPerSecond,
      jsonRulesEngine: jre.eventsPerSecond,
      jsonRulesEngineEvents: jre.events,
      resultsAgree,
    });
  }
  return rows;
}

/** Writes the generated files to a temporary directory and loads them like real rule files. */
async function loadWorkload(workload: Workload): Promise<RuleSet> {
  const directory = await mkdtemp(join(tmpdir(), 'exroute-bench-'));
  try {
    const paths: string[] = [];
    for (const file of workload.files) {
      const path = join(directory, file.name);
      await writeFile(path, file.text, 'utf8');
      paths.push(path);
    }
    return await loadRuleSet(paths);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const rate = (perSecond: number): string =>
  perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1);
const ratio = (value: number): string =>
  value >= 100 ? `${Math.round(value).toLocaleString('en-US')}×` : `${value.toFixed(1)}×`;

function printTable(rows: readonly CoreBenchRow[], print: (line: string) => void): void {
  print('');
  print('## @exroute/core — events per second, one thread');
  print('');
  print(
    '| rule set | written as | rules | load ms | compile ms | router heap MB | route ev/s | route, validateEvents: false | hand-written loop | json-rules-engine | ÷ loop | ÷ json-rules-engine | ÷ same rules as `when` |',
  );
  print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const shorthand = rows.find(
      (other) => other.shape === row.shape && other.rules === row.rules && other.format === 'when',
    );
    const cells = [
      row.shape,
      row.format === 'when' ? '`when`' : '`conditions`',
      row.rules.toLocaleString('en-US'),
      row.loadMs.toFixed(0),
      row.compileMs.toFixed(1),
      (row.routerHeapBytes / 1024 / 1024).toFixed(1),
      rate(row.route),
      rate(row.routeUnvalidated),
      rate(row.handWrittenLoop),
      `${rate(row.jsonRulesEngine)} (${row.jsonRulesEngineEvents} events)`,
      `${ratio(row.route / row.handWrittenLoop)} (${ratio(row.routeUnvalidated / row.handWrittenLoop)})`,
      `${ratio(row.route / row.jsonRulesEngine)} (${ratio(row.routeUnvalidated / row.jsonRulesEngine)})`,
      row.format === 'when' || shorthand === undefined
        ? ''
        : `${(row.route / shorthand.route).toFixed(2)}× (${(row.routeUnvalidated / shorthand.routeUnvalidated).toFixed(2)}×)`,
    ];
    print(`| ${cells.join(' | ')} |`);
  }
  print('');
  print('Ratios: route with event validation (in parentheses: with validateEvents: false).');
  const disagreeing = rows
    .filter((row) => !row.resultsAgree)
    .map((row) => `${row.shape} ${row.format} ${row.rules}`);
  print(
    disagreeing.length === 0
      ? 'Router, hand-written loop and json-rules-engine matched the same rules on every sampled event.'
      : `WARNING: matched rules differ between the engines at ${disagreeing.join(', ')} rules.`,
  );
}
