import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NormalizationError, normalizeLine, normalizeStream } from '@exroute/exstream';
import type { JsonLinesSource, StreamItem, StreamSummary } from '@exroute/exstream';

async function drain(
  source: JsonLinesSource,
  options: Parameters<typeof normalizeStream>[1] = {},
): Promise<{ items: StreamItem[]; summary: StreamSummary }> {
  const items: StreamItem[] = [];
  const iterator = normalizeStream(source, options);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { items, summary: next.value };
    items.push(next.value);
  }
}

const good = (n: number) =>
  JSON.stringify({ jobId: `j-${n}`, status: 'Queued', queuedAt: '2026-03-02T08:00:00Z' });

const outcome = (item: StreamItem) =>
  'event' in item ? [item.line, 'event'] : [item.line, item.error.code];

describe('normalizeStream', () => {
  it('keeps going past bad lines and accounts for every line', async () => {
    const text = [
      good(1),
      '{not json',
      '',
      JSON.stringify({ hello: 'world' }),
      '   ',
      good(2),
      '[1,2]',
      good(3),
    ].join('\n');
    const { items, summary } = await drain(Readable.from([text]));
    expect(items.map(outcome)).toEqual([
      [1, 'event'],
      [2, 'EXR_INVALID_JSON'],
      [4, 'EXR_UNKNOWN_SHAPE'],
      [6, 'event'],
      [7, 'EXR_UNKNOWN_SHAPE'],
      [8, 'event'],
    ]);
    expect(summary).toEqual({ linesRead: 6, blankLines: 2, events: 3, errors: 3 });
    expect(summary.events + summary.errors).toBe(summary.linesRead);
  });

  it('reads a file path, with CRLF endings, a BOM and no final newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exstream-'));
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, `\uFEFF${good(1)}\r\n${good(2)}\r\n${good(3)}`);
    const { items, summary } = await drain(file);
    expect(items.map(outcome)).toEqual([
      [1, 'event'],
      [2, 'event'],
      [3, 'event'],
    ]);
    expect(summary.linesRead).toBe(3);
  });

  it('joins lines split across chunks, including a multi-byte character split in two', async () => {
    const line = JSON.stringify({
      jobId: 'j-ü€',
      status: 'Queued',
      queuedAt: '2026-03-02T08:00:00Z',
    });
    const bytes = Buffer.from(`${line}\n${line}\n`, 'utf8');
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const { items } = await drain(Readable.from(chunks));
    expect(items.map((item) => ('event' in item ? item.event.subject : item.error.code))).toEqual([
      'j-ü€',
      'j-ü€',
    ]);
  });

  it('skips an over-long line with EXR_LINE_TOO_LONG and carries on', async () => {
    const long = JSON.stringify({
      jobId: 'x'.repeat(5000),
      status: 'Queued',
      queuedAt: '2026-03-02T08:00:00Z',
    });
    const chunks = Readable.from([
      `${good(1)}\n${long.slice(0, 2000)}`,
      long.slice(2000),
      `\n${long}\n${good(4)}\n`,
    ]);
    const { items, summary } = await drain(chunks, { maxLineLength: 1000 });
    expect(items.map(outcome)).toEqual([
      [1, 'event'],
      [2, 'EXR_LINE_TOO_LONG'],
      [3, 'EXR_LINE_TOO_LONG'],
      [4, 'event'],
    ]);
    expect(summary).toEqual({ linesRead: 4, blankLines: 0, events: 2, errors: 2 });
  });

  it('carries the diagnostics of a line that fails normalization', async () => {
    const { items } = await drain(
      Readable.from([JSON.stringify({ jobId: 'j', status: 'Nope' }) + '\n']),
    );
    const first = items[0]!;
    expect('error' in first && first.error.diagnostics.map((d) => [d.code, d.pointer])).toEqual([
      ['EXR_UNKNOWN_JOB_STATUS', '/status'],
    ]);
  });

  it('throws NormalizationError for a file that cannot be read', async () => {
    await expect(drain(join(tmpdir(), 'no-such-dir-exstream', 'missing.jsonl'))).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof NormalizationError &&
        error.diagnostics[0]!.code === 'EXR_SOURCE_UNREADABLE',
    );
  });

  it('counts an empty input as zero lines', async () => {
    expect((await drain(Readable.from(['']))).summary).toEqual({
      linesRead: 0,
      blankLines: 0,
      events: 0,
      errors: 0,
    });
  });

  it('gives the same items however the input is cut into chunks', async () => {
    // Reference: the whole text split on newlines, each line through normalizeLine, over-long
    // lines (counted with any \r) reported as such, a final empty piece after a newline dropped.
    const maxLineLength = 120;
    const reference = (text: string): unknown[] => {
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const items: unknown[] = [];
      lines.forEach((line, index) => {
        if (line.length > maxLineLength) items.push([index + 1, 'EXR_LINE_TOO_LONG']);
        else {
          const item = normalizeLine(line, index + 1);
          if (item !== undefined) items.push(outcome(item));
        }
      });
      return items;
    };
    const line = fc.constantFrom(
      good(1),
      `${good(2)}\r`,
      '{not json',
      '',
      '  ',
      '\r',
      JSON.stringify({ jobId: 'ü€', status: 'Queued', queuedAt: '2026-03-02T08:00:00Z' }),
      JSON.stringify({ jobId: 'x'.repeat(150), status: 'Queued' }),
    );
    const input = fc.record({
      lines: fc.array(line, { maxLength: 12 }),
      finalNewline: fc.boolean(),
      cuts: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
      bytes: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ lines, finalNewline, cuts, bytes }) => {
        const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '');
        const whole: string | Buffer = bytes ? Buffer.from(text, 'utf8') : text;
        const chunks: (string | Buffer)[] = [];
        for (let at = 0, i = 0; at < whole.length; i++) {
          const size = cuts[i % cuts.length]!;
          chunks.push(whole.slice(at, at + size));
          at += size;
        }
        const { items, summary } = await drain(Readable.from(chunks), { maxLineLength });
        expect(items.map(outcome)).toEqual(reference(text));
        expect(summary.events + summary.errors).toBe(summary.linesRead);
      }),
      { numRuns: 400 },
    );
  });

  it('stops reading the source when the consumer stops early', async () => {
    let chunksPulled = 0;
    let closed = false;
    async function* source(): AsyncGenerator<string> {
      await Promise.resolve();
      try {
        for (let i = 0; i < 100; i++) {
          chunksPulled++;
          yield `${good(i)}\n${good(i)}\n`;
        }
      } finally {
        closed = true;
      }
    }
    const seen: number[] = [];
    for await (const item of normalizeStream(source())) {
      seen.push(item.line);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(closed).toBe(true);
    expect(chunksPulled).toBeLessThanOrEqual(2);
  });

  it('serves calls made before the previous one settled in order, then ends with the summary', async () => {
    const text = [good(1), '{bad', good(3), good(4)].join('\n');
    const iterator = normalizeStream(Readable.from([text.slice(0, 50), text.slice(50)]));
    const results = await Promise.all(Array.from({ length: 6 }, () => iterator.next()));
    expect(results.map((r) => (r.done === true ? 'done' : outcome(r.value)))).toEqual([
      [1, 'event'],
      [2, 'EXR_INVALID_JSON'],
      [3, 'event'],
      [4, 'event'],
      'done',
      'done',
    ]);
    expect(results[4]!.value).toEqual({ linesRead: 4, blankLines: 0, events: 3, errors: 1 });
    expect(results[5]!.value).toBeUndefined();
  });

  it('hands out the lines read before a source fails, then the failure, then nothing', async () => {
    async function* failing(): AsyncGenerator<string> {
      await Promise.resolve();
      yield `${good(1)}\n${good(2)}\n`;
      throw Object.assign(new Error('disk gone'), { code: 'EIO' });
    }
    const iterator = normalizeStream(failing());
    expect((await iterator.next()).value).toMatchObject({ line: 1 });
    expect((await iterator.next()).value).toMatchObject({ line: 2 });
    await expect(iterator.next()).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof NormalizationError &&
        error.diagnostics[0]!.code === 'EXR_SOURCE_UNREADABLE' &&
        error.message.includes('EIO'),
    );
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('closes the source when return() is given a promise that rejects, as a generator does', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<string> {
      await Promise.resolve();
      try {
        for (let i = 0; i < 10; i++) yield `${good(i)}\n`;
      } finally {
        closed = true;
      }
    }
    const iterator = normalizeStream(source());
    await iterator.next();
    await expect(iterator.return(Promise.reject(new Error('stop')))).rejects.toThrow('stop');
    expect(closed).toBe(true);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});
