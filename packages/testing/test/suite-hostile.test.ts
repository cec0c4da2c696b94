import { describe, expect, it } from 'vitest';
import { parseSuite } from '@exroute/testing';

// Issue 11 (found by probing suite shapes): cost stays linear in the size of a suite, however
// many mistakes it holds. Each test prints its own time; speed is never asserted.
function measured<T>(label: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  console.info(`[${label}] ${(performance.now() - started).toFixed(0)} ms`);
  return result;
}

describe('hostile suites', () => {
  it('reports a mistake in each of 3 000 cases at its own line', () => {
    const cases = Array.from(
      { length: 3_000 },
      (_, i) =>
        `  - name: c${i}\n    event: { id: e${i}, source: s, type: x, time: "2026-03-02T10:15:00Z", data: {} }\n    expect: { notifed: [] }\n`,
    ).join('');
    const { diagnostics } = measured('3 000 faulty cases', () =>
      parseSuite(`suite: big\nrules: [rules.yaml]\ncases:\n${cases}`, {
        filename: 'big.suite.yaml',
      }),
    );
    expect(diagnostics).toHaveLength(3_000);
    expect(diagnostics.every((d) => d.code === 'EXR_SUITE_UNKNOWN_FIELD')).toBe(true);
    // Case i starts on line 4 + 3i; its `expect` line is 6 + 3i.
    expect(diagnostics[2_999]).toMatchObject({
      line: 6 + 3 * 2_999,
      pointer: '/cases/2999/expect/notifed',
    });
  }, 30_000);

  it('finds a duplicate among 40 000 keys of one mapping in linear time', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}`).join(', ');
    const { diagnostics } = measured('40 000 keys', () =>
      parseSuite(
        `suite: big\nrules: [rules.yaml]\ncases:\n  - name: c\n    event: { id: e, source: s, type: x, time: "2026-03-02T10:15:00Z", data: { ${keys}, k9: again } }\n    expect: { notified: [] }\n`,
      ),
    );
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['EXR_SUITE_YAML', 5]]);
    expect(diagnostics[0]!.message).toContain('DUPLICATE_KEY');
  }, 30_000);
});
