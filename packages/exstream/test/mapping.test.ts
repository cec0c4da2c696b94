import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAPPING,
  MappingError,
  channelFromName,
  loadMapping,
  normalize,
  parseMapping,
} from '@exroute/exstream';

const header = 'apiVersion: exroute/v1\nkind: ExstreamMapping\n';

function mappingProblems(
  text: string,
): { code: string; line: number | undefined; column: number | undefined }[] {
  try {
    parseMapping(text, { filename: 'map.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return (error as MappingError).diagnostics.map((d) => {
      expect(d.file).toBe('map.yaml');
      return { code: d.code, line: d.line, column: d.column };
    });
  }
  throw new Error('expected a MappingError');
}

const job = (over: Record<string, unknown> = {}) => ({
  jobId: 'j-1',
  status: 'Completed',
  finish: '2026-03-02T08:00:00Z',
  ...over,
});

describe('mapping files', () => {
  it.each<[string, string, { code: string; line: number; column: number }[]]>([
    [
      'a wrong apiVersion',
      'apiVersion: v2\nkind: ExstreamMapping\n',
      [{ code: 'EXR_MAPPING_SCHEMA', line: 1, column: 13 }],
    ],
    [
      'a missing kind',
      'apiVersion: exroute/v1\n',
      [{ code: 'EXR_MAPPING_SCHEMA', line: 1, column: 1 }],
    ],
    [
      'an unknown top-level key',
      `${header}ruels: []\n`,
      [{ code: 'EXR_MAPPING_SCHEMA', line: 3, column: 1 }],
    ],
    [
      'an unknown match key',
      `${header}rules:\n  - match: { domian: uk-retail }\n    set: { region: UK }\n`,
      [{ code: 'EXR_MAPPING_SCHEMA', line: 4, column: 14 }],
    ],
    [
      'a bad priority',
      `${header}rules:\n  - match: { domain: uk }\n    set: { priority: urgent }\n`,
      [{ code: 'EXR_MAPPING_SCHEMA', line: 5, column: 22 }],
    ],
    [
      'an empty set',
      `${header}rules:\n  - match: { domain: uk }\n    set: {}\n`,
      [{ code: 'EXR_MAPPING_SCHEMA', line: 5, column: 10 }],
    ],
    [
      'a YAML syntax error',
      `${header}rules: [\n`,
      [{ code: 'EXR_MAPPING_SYNTAX', line: 4, column: 1 }],
    ],
    [
      'a duplicate key',
      `${header}defaults: {}\ndefaults: {}\n`,
      [{ code: 'EXR_MAPPING_SYNTAX', line: 4, column: 1 }],
    ],
    [
      'a __proto__ key',
      `${header}channels:\n  __proto__: email\n`,
      [{ code: 'EXR_MAPPING_FORBIDDEN_KEY', line: 4, column: 3 }],
    ],
  ])('reports %s at file:line:column', (_label, text, expected) => {
    expect(mappingProblems(text)).toEqual(expected);
  });

  it('keeps NO as the region Norway (YAML 1.2 core schema)', () => {
    const mapping = parseMapping(
      `${header}rules:\n  - match: { domain: no-retail }\n    set: { region: NO }\n`,
    );
    expect(normalize(job({ domain: 'no-retail' }), { mapping }).region).toBe('NO');
  });

  it('records where each rule was written', () => {
    const mapping = parseMapping(
      `${header}rules:\n  - match: { domain: uk }\n    set: { region: UK }\n`,
      { filename: 'm.yaml' },
    );
    expect(mapping.rules[0]!.location).toEqual({
      file: 'm.yaml',
      line: 4,
      column: 5,
      pointer: '/rules/0',
    });
  });

  it('first rule to set a field wins, per field; later rules fill the rest', () => {
    const mapping = parseMapping(
      `${header}rules:\n  - match: { domain: "uk-*" }\n    set: { region: UK }\n  - match: { domain: uk-retail }\n    set: { region: GB, documentType: letter }\ndefaults: { priority: low }\n`,
    );
    const event = normalize(job({ domain: 'uk-retail' }), { mapping });
    expect([event.region, event.documentType, event.priority]).toEqual(['UK', 'letter', 'low']);
  });

  it('file rules come before the built-in ones', () => {
    const mapping = parseMapping(
      `${header}rules:\n  - match: { eventType: batch.failed }\n    set: { priority: critical }\n`,
    );
    expect(normalize(job({ status: 'Failed' }), { mapping }).priority).toBe('critical');
    expect(normalize(job({ status: 'Failed' })).priority).toBe('high');
  });

  it('an explicit documentType on a job record wins over rules', () => {
    const mapping = parseMapping(
      `${header}rules:\n  - match: { flowModel: statements }\n    set: { documentType: statement }\n`,
    );
    expect(normalize(job({ flowModel: 'statements' }), { mapping }).documentType).toBe('statement');
    expect(
      normalize(job({ flowModel: 'statements', documentType: 'invoice' }), { mapping })
        .documentType,
    ).toBe('invoice');
  });

  it('loadMapping reads a file and reports an unreadable one as EXR_MAPPING_UNREADABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exstream-map-'));
    const file = join(dir, 'm.yaml');
    writeFileSync(file, `${header}defaults: { region: US }\n`);
    expect((await loadMapping(file)).defaults).toEqual({ region: 'US' });
    await expect(loadMapping(join(dir, 'missing.yaml'))).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof MappingError && error.diagnostics[0]!.code === 'EXR_MAPPING_UNREADABLE',
    );
  });

  it('globs match * and ? and nothing else specially', () => {
    const mapping = parseMapping(
      `${header}rules:\n  - match: { communicationId: ["COMM-?-*-X", "A.B*"] }\n    set: { documentType: hit }\n`,
    );
    const doc = (id: string) => normalize(job({ communicationId: id }), { mapping }).documentType;
    expect([
      doc('COMM-1-abc-X'),
      doc('COMM-12-abc-X'),
      doc('A.Bc'),
      doc('AxBc'),
      doc('COMM-1--X'),
    ]).toEqual(['hit', undefined, 'hit', undefined, 'hit']);
  });

  it('a pathological glob still matches quickly', () => {
    const mapping = parseMapping(
      `${header}rules:\n  - match: { communicationId: "${'*a'.repeat(30)}b" }\n    set: { documentType: hit }\n`,
    );
    const started = performance.now();
    expect(
      normalize(job({ communicationId: 'a'.repeat(5000) }), { mapping }).documentType,
    ).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('derives channels from Exstream channel and queue names', () => {
    expect(
      [
        'Email',
        'FileOutputChannel',
        'PrintQueue',
        'SMSChannel',
        'WebPortalChannel',
        'TestQueue',
      ].map((name) => channelFromName(name, DEFAULT_MAPPING)),
    ).toEqual(['email', 'file', 'print', 'sms', 'web', 'test']);
  });
});
