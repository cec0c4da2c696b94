/**
 * Keeps the hostile-input benchmark from rotting: a scaled-down run whose outcomes are the
 * expected rejections. Speed is never asserted here — `pnpm bench` measures it.
 */
import { describe, expect, it } from 'vitest';
import { runHostileBench } from '../src/hostile.js';

describe('hostile-input benchmark', () => {
  it('runs every attack and each ends the expected way', () => {
    const lines: string[] = [];
    const rows = runHostileBench({ scale: 0.05, print: (line) => lines.push(line) });
    expect(rows.map((row) => row.outcome)).toEqual([
      'EXR_TOO_MANY_DECORATORS',
      'EXR_CONDITION_TOO_LARGE',
      'EXR_RULE_SET_UNCHECKED',
      'EXR_YAML_ALIAS_LIMIT',
      'accepted',
      'EXR_EVENT_NOT_JSON',
    ]);
    expect(
      lines.filter((line) => line.startsWith('| ') && !line.startsWith('| Attack')),
    ).toHaveLength(rows.length);
  }, 60_000);
});
