/**
 * Throughput and heap measurement shared by the benchmark runners: time-budgeted loops (so a
 * slow engine is sampled rather than waited for) and a forced garbage collection before heap
 * readings.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Events per second over a measured run, and how many events that run saw. */
export interface Throughput {
  eventsPerSecond: number;
  events: number;
}

/**
 * Calls `handle` over `events` round-robin until `budgetMs` has passed (at least `minEvents`
 * calls), after an unmeasured warm-up of a quarter of the budget.
 */
export function measureSync<E>(
  events: readonly E[],
  handle: (event: E) => unknown,
  budgetMs: number,
  minEvents = 1,
): Throughput {
  runSyncFor(events, handle, budgetMs / 4, 1);
  return runSyncFor(events, handle, budgetMs, minEvents);
}

function runSyncFor<E>(
  events: readonly E[],
  handle: (event: E) => unknown,
  budgetMs: number,
  minEvents: number,
): Throughput {
  const started = performance.now();
  let count = 0;
  let elapsed: number;
  // Reading the clock per event would dominate a sub-microsecond `route`, so check per batch.
  const batch = 256;
  do {
    for (let i = 0; i < batch; i++) {
      handle(events[(count + i) % events.length]!);
    }
    count += batch;
    elapsed = performance.now() - started;
  } while (elapsed < budgetMs || count < minEvents);
  return { eventsPerSecond: (count / elapsed) * 1000, events: count };
}

/** How long each engine runs before the next one takes over in `measureInterleaved`. */
const SLICE_MS = 50;

/**
 * Like `measureSync` for several handlers at once, in turns of about 50 ms each (round-robin,
 * after a warm-up of each), until each has run for `budgetMs`: on a shared machine whose load
 * changes from second to second, every handler sees the same mix of busy and quiet moments, so
 * their ratios hold even when the absolute figures do not. Each keeps its own place in `events`.
 */
export function measureInterleaved<E>(
  events: readonly E[],
  handlers: readonly ((event: E) => unknown)[],
  budgetMs: number,
): Throughput[] {
  for (const handle of handlers) runSyncFor(events, handle, budgetMs / 4, 1);
  const counts = handlers.map(() => 0);
  const times = handlers.map(() => 0);
  const batch = 64;
  while (times.some((t) => t < budgetMs)) {
    handlers.forEach((handle, h) => {
      if (times[h]! >= budgetMs) return;
      const started = performance.now();
      let count = counts[h]!;
      let elapsed: number;
      do {
        for (let i = 0; i < batch; i++) handle(events[(count + i) % events.length]!);
        count += batch;
        elapsed = performance.now() - started;
      } while (elapsed < SLICE_MS);
      counts[h] = count;
      times[h] = times[h]! + elapsed;
    });
  }
  return handlers.map((_, h) => ({
    eventsPerSecond: (counts[h]! / times[h]!) * 1000,
    events: counts[h]!,
  }));
}

/** The asynchronous counterpart of `measureSync`, one clock reading per event. */
export async function measureAsync<E>(
  events: readonly E[],
  handle: (event: E) => Promise<unknown>,
  budgetMs: number,
  minEvents = 1,
): Promise<Throughput> {
  await handle(events[0]!);
  const started = performance.now();
  let count = 0;
  let elapsed: number;
  do {
    await handle(events[count % events.length]!);
    count += 1;
    elapsed = performance.now() - started;
  } while (elapsed < budgetMs || count < minEvents);
  return { eventsPerSecond: (count / elapsed) * 1000, events: count };
}

let collectGarbage: (() => void) | undefined;

/** Heap in use after a full garbage collection (`pnpm bench` runs node without `--expose-gc`). */
export function heapUsedAfterGc(): number {
  if (collectGarbage === undefined) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Times a synchronous step in milliseconds. */
export function timeMs<T>(step: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = step();
  return { result, ms: performance.now() - started };
}
