/**
 * Keeps the benchmark code from rotting: a tiny run of every part (workload, loop, router,
 * json-rules-engine). Speed is never asserted here — `pnpm bench` measures it.
 */
import { describe, expect, it } from 'vitest';
import { runCoreBench } from '../src/core.js';
import { generateEvents, generateWorkload, toHandWrittenRules } from '../src/workload.js';

describe('core benchmark', () => {
  it('runs every engine on a tiny rule set and they agree on what matched', async () => {
    const lines: string[] = [];
    const rows = await runCoreBench({
      sizes: [5, 20],
      pinnedSizes: [20],
      budgetMs: 5,
      referenceBudgetMs: 5,
      print: (line) => lines.push(line),
    });
    expect(rows.map((row) => `${row.shape} ${row.format} ${row.rules}`)).toEqual([
      'mixed when 5',
      'mixed conditions 5',
      'mixed when 20',
      'mixed conditions 20',
      'pinned when 20',
      'pinned conditions 20',
    ]);
    for (const row of rows) {
      expect(row.resultsAgree).toBe(true);
      expect(row.jsonRulesEngineEvents).toBeGreaterThan(0);
      expect(Number.isFinite(row.route)).toBe(true);
    }
    // One table row per case, after the header and separator.
    expect(lines.filter((line) => /^\| (mixed|pinned) \|/.test(line))).toHaveLength(6);
  });

  it('generates the requested number of rules, split into files below the loader limit', () => {
    const workload = generateWorkload(2_500);
    expect(workload.rules).toHaveLength(2_500);
    expect(workload.files.map((file) => file.name)).toEqual([
      'directory.yaml',
      'rules-000.yaml',
      'rules-001.yaml',
      'rules-002.yaml',
    ]);
    for (const file of workload.files) expect(file.text.length).toBeLessThan(1024 * 1024);
  });

  it.each(['mixed', 'pinned'] as const)(
    'writes hand-written closures that match some generated events and miss others (%s)',
    (shape) => {
      const rules = toHandWrittenRules(generateWorkload(300, { shape }).rules);
      const events = generateEvents(300, 500, shape);
      const matching = events.filter((event) => rules.some((rule) => rule.matches(event)));
      expect(matching.length).toBeGreaterThan(0);
      expect(matching.length).toBeLessThan(events.length);
    },
  );
});
