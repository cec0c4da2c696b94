import { describe, expect, it } from 'vitest';
import { extractRunnableBlocks, parseMarker, unmatchedOutputLines } from './runnable-blocks.js';

describe('extractRunnableBlocks', () => {
  it('finds marked blocks only, with their action, line and text', () => {
    const page = [
      '# Page',
      '```sh',
      'not marked',
      '```',
      '<!-- runnable -->',
      '',
      '```sh',
      'echo one',
      '```',
      '<!-- runnable: file lapse.json -->',
      '````json',
      '```',
      '{}',
      '````',
      '  <!-- runnable: exit 1 -->',
      '  ```sh',
      '  false',
      '  ```',
    ].join('\n');
    const { blocks, problems } = extractRunnableBlocks(page);
    expect(problems).toEqual([]);
    expect(blocks).toEqual([
      { line: 7, info: 'sh', text: 'echo one\n', action: { kind: 'run', exitCode: 0 } },
      { line: 11, info: 'json', text: '```\n{}\n', action: { kind: 'file', path: 'lapse.json' } },
      { line: 16, info: 'sh', text: 'false\n', action: { kind: 'run', exitCode: 1 } },
    ]);
  });

  it('reports unknown markers and markers not followed by a fence', () => {
    const page = [
      '<!-- runnable: ouptut -->',
      '```',
      'x',
      '```',
      '<!-- runnable -->',
      'some prose',
      '```sh',
      'x',
      '```',
      '<!-- runnable -->',
    ].join('\n');
    const { blocks, problems } = extractRunnableBlocks(page);
    expect(blocks).toEqual([]);
    expect(problems.map((p) => p.line)).toEqual([1, 5, 10]);
  });

  it('refuses sandbox paths that leave the sandbox', () => {
    expect(parseMarker(': file ../escape.txt')).toBeUndefined();
    expect(parseMarker(': suite /etc/passwd')).toBeUndefined();
    expect(parseMarker(': output of `node demo.mjs`')).toEqual({
      kind: 'output',
      command: 'node demo.mjs',
    });
  });

  it('stays linear on a long page of markers and fences', () => {
    const page = '<!-- runnable -->\n```sh\necho\n```\n'.repeat(20_000);
    expect(extractRunnableBlocks(page).blocks).toHaveLength(20_000);
  });
});

describe('unmatchedOutputLines', () => {
  const actual = 'first line\n  second: 42 items\nthird\n';

  it('accepts lines that appear in order, with … as a wildcard', () => {
    expect(unmatchedOutputLines('first line\n…\n  second: … items\n', actual)).toEqual([]);
  });

  it('reports lines that are missing or out of order', () => {
    expect(unmatchedOutputLines('third\nfirst line\n', actual)).toEqual(['first line']);
    expect(unmatchedOutputLines('second: 41 items\n', actual)).toEqual(['second: 41 items']);
  });
});
