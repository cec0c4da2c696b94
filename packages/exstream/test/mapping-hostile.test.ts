import { describe, expect, it } from 'vitest';
import { MappingError, parseMapping } from '@exroute/exstream';

const header = 'apiVersion: exroute/v1\nkind: ExstreamMapping\nrules:\n';

/** `count` rules, every `badEvery`-th of them with an unknown key (a schema error) on its own line. */
function mappingWithRules(count: number, badEvery: number): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    lines.push(`  - match: { communicationId: C${index} }`);
    lines.push(`    set: { documentType: statement }`);
    if (index % badEvery === 0) lines.push(`    bogus: ${index}`);
  }
  return `${header}${lines.join('\n')}\n`;
}

function schemaLines(text: string): number[] {
  try {
    parseMapping(text, { filename: 'map.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return (error as MappingError).diagnostics
      .filter((d) => d.code === 'EXR_MAPPING_SCHEMA')
      .map((d) => d.line ?? 0);
  }
  return [];
}

describe('hostile mapping files', () => {
  it('reports every faulty rule of a large mapping at its line, in time linear in the rules', () => {
    // ajv with allErrors used to re-concatenate its error list at every failing rule: 20,000
    // faulty rules took about 12 s. Rules are now validated one at a time.
    const count = 4_000;
    const started = performance.now();
    const lines = schemaLines(mappingWithRules(count, 1));
    console.log(`[${count} faulty mapping rules] ${(performance.now() - started).toFixed(1)} ms`);
    expect(lines).toHaveLength(count);
    // Rule i starts at line 4 + 3i; its `bogus` key is its third line.
    expect(lines.slice(0, 3)).toEqual([6, 9, 12]);
    expect(lines.at(-1)).toBe(4 + 3 * (count - 1) + 2);
  });

  it('finds the same problems rule by rule as in one pass (first, middle and last rule)', () => {
    // Two rules or fewer take the one-pass path; more take the per-rule path.
    const one = schemaLines(mappingWithRules(1, 1));
    const many = schemaLines(mappingWithRules(7, 3));
    expect(one).toEqual([6]);
    // Rules 0, 3 and 6 are faulty (three lines each, the others two): their `bogus` lines.
    expect(many).toEqual([6, 13, 20]);
  });

  it('still reports problems outside the rules when the rules are validated one at a time', () => {
    const text = mappingWithRules(5, 2).replace('kind: ExstreamMapping', 'kind: Nope');
    const lines = schemaLines(text);
    expect(lines).toContain(2);
    expect(lines.filter((line) => line > 3)).toHaveLength(3);
  });
});
