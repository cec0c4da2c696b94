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
      budgetMs: 5,
      referenceBudgetMs: 5,
      print: (line) => lines.push(line),
    });
    expect(rows.map((row) => row.rules)).toEqual([5, 20]);
    for (const row of rows) {
      expect(row.resultsAgree).toBe(true);
      expect(row.jsonRulesEngineEvents).toBeGreaterThan(0);
      expect(Number.isFinite(row.route)).toBe(true);
    }
    // One table row per size, after the header and separator.
    expect(
      lines.filter((line) => line.startsWith('| 5 ') || line.startsWith('| 20 ')),
    ).toHaveLength(2);
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

  it('writes hand-written closures that match some generated events and miss others', () => {
    const rules = toHandWrittenRules(generateWorkload(50).rules);
    const events = generateEvents(50, 500);
    const matching = events.filter((event) => rules.some((rule) => rule.matches(event)));
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.length).toBeLessThan(events.length);
  });
});
