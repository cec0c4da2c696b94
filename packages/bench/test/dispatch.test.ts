/**
 * Keeps the dispatch benchmark from rotting: a tiny run of every cell. Speed is never asserted
 * here — `pnpm bench` measures it.
 */
import { describe, expect, it } from 'vitest';
import { runDispatchBench } from '../src/dispatch.js';

describe('dispatch benchmark', () => {
  it('runs every cell and flushes what it grouped', async () => {
    const lines: string[] = [];
    const result = await runDispatchBench({
      budgetMs: 20,
      groups: 10,
      openGroups: 50,
      print: (line) => lines.push(line),
    });
    expect(result.groupedEvents).toBeGreaterThan(0);
    expect(result.flushItemsPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(result.heapPerOpenGroupBytes)).toBe(true);
    expect(lines.some((line) => line.startsWith('| ingest, grouped'))).toBe(true);
  });
});
