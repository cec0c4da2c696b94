/**
 * JSON Lines → NormalizedEvent throughput of @exroute/exstream: the seeded sample mix (mostly
 * tracking events) read through `normalizeStream`, the path a batch import takes, with
 * `JSON.parse` alone measured in the same run as the baseline.
 */
import { Readable } from 'node:stream';
import {
  detectShape,
  generateSampleEvents,
  normalize,
  normalizeStream,
  parseMapping,
} from '@exroute/exstream';
import type { Mapping } from '@exroute/exstream';

/** Sizes and repetitions of one exstream benchmark run. */
export interface ExstreamBenchOptions {
  /** Lines per run. */
  lines?: number;
  /** Measured runs; the best is reported. */
  runs?: number;
}

/** What one exstream benchmark run measured. */
export interface ExstreamBenchResult {
  lines: number;
  /** Mean UTF-8 size of one line: sample events carry output-manifest fields, about 0.8 KB each. */
  averageLineBytes: number;
  eventsPerSecond: number;
  jsonParseLinesPerSecond: number;
  /** Normalization alone, on events parsed beforehand. */
  normalizePreparsedPerSecond: number;
  errors: number;
  /** The same stream run on the lines of one kind only, to show what each kind costs. */
  byKind: ExstreamKindResult[];
}

/** Throughput of one kind of raw line in the sample, read through `normalizeStream` alone. */
export interface ExstreamKindResult {
  /** Raw shape, with `, no id` for tracking events that carry no `eventId` (hashed for an id). */
  kind: string;
  share: number;
  averageLineBytes: number;
  eventsPerSecond: number;
  jsonParseLinesPerSecond: number;
}

const SAMPLE_MAPPING = `apiVersion: exroute/v1
kind: ExstreamMapping
rules:
  - match: { communicationId: "COMM-OVERDUE-*" }
    set: { documentType: overdue-payment-reminder, priority: high }
  - match: { communicationId: "COMM-INVOICE-*" }
    set: { documentType: invoice }
  - match: { communicationId: "COMM-STATEMENT-*" }
    set: { documentType: statement }
  - match: { domain: "uk-*" }
    set: { region: UK }
  - match: { domain: "de-*" }
    set: { region: DE }
  - match: { domain: "us-*" }
    set: { region: US }
`;

/** Runs the benchmark, prints one line per measurement and returns the numbers. */
export async function runExstreamBench(
  options: ExstreamBenchOptions = {},
): Promise<ExstreamBenchResult> {
  const lines = options.lines ?? 100_000;
  const runs = options.runs ?? 3;
  const mapping = parseMapping(SAMPLE_MAPPING, { filename: 'bench-mapping.yaml' });
  const text = generateSampleEvents({ seed: 20260302, count: lines })
    .map((raw) => JSON.stringify(raw))
    .join('\n');
  const { eventsPerSecond, errors } = await streamRate(text, mapping, runs);

  // The baseline gets the same treatment as the measured path (warm-up run, best of `runs`), so
  // the ratio compares like with like rather than a cold JSON.parse against a warm pipeline.
  const rawLines = text.split('\n');
  const jsonParseLinesPerSecond = parseRate(rawLines, runs);
  const parsed = rawLines.map((line) => JSON.parse(line) as unknown);
  let normalizePreparsedPerSecond = 0;
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    for (const raw of parsed) normalize(raw, { mapping });
    const seconds = (performance.now() - started) / 1000;
    if (run > 0)
      normalizePreparsedPerSecond = Math.max(normalizePreparsedPerSecond, parsed.length / seconds);
  }
  const averageLineBytes = Math.round(Buffer.byteLength(text, 'utf8') / rawLines.length);

  // Each kind of line on its own: content-hash ids (events without a producer id) and the
  // payload size decide most of the cost, and a deployment's mix differs from the sample's.
  const kinds = new Map<string, string[]>();
  rawLines.forEach((line, index) => {
    const kind = kindOf(parsed[index]);
    const list = kinds.get(kind);
    if (list) list.push(line);
    else kinds.set(kind, [line]);
  });
  const byKind: ExstreamKindResult[] = [];
  for (const [kind, kindLines] of kinds) {
    // Rare kinds are repeated up to a fifth of the run, so warm-up and per-run costs do not
    // dominate their figure; the share reported is the sample's.
    const lines: string[] = [];
    while (lines.length < Math.max(kindLines.length, rawLines.length / 5)) lines.push(...kindLines);
    const kindText = lines.join('\n');
    byKind.push({
      kind,
      share: kindLines.length / rawLines.length,
      averageLineBytes: Math.round(Buffer.byteLength(kindText, 'utf8') / lines.length),
      eventsPerSecond: Math.round((await streamRate(kindText, mapping, runs)).eventsPerSecond),
      jsonParseLinesPerSecond: Math.round(parseRate(lines, runs)),
    });
  }
  byKind.sort((a, b) => b.share - a.share);

  const result = {
    lines,
    averageLineBytes,
    eventsPerSecond: Math.round(eventsPerSecond),
    jsonParseLinesPerSecond: Math.round(jsonParseLinesPerSecond),
    normalizePreparsedPerSecond: Math.round(normalizePreparsedPerSecond),
    errors,
    byKind,
  };
  console.log(
    `exstream  JSON Lines → NormalizedEvent: ${result.eventsPerSecond.toLocaleString('en-US')} events/s ` +
      `(${lines.toLocaleString('en-US')} lines of ${averageLineBytes} bytes on average, ${errors} errors; JSON.parse alone ${result.jsonParseLinesPerSecond.toLocaleString('en-US')} lines/s, ` +
      `ratio ${(result.eventsPerSecond / result.jsonParseLinesPerSecond).toFixed(2)}; normalize alone on parsed events ${result.normalizePreparsedPerSecond.toLocaleString('en-US')}/s)`,
  );
  for (const kind of byKind) {
    console.log(
      `exstream    ${kind.kind.padEnd(24)} ${(kind.share * 100).toFixed(1).padStart(5)} % of lines, ` +
        `${String(kind.averageLineBytes).padStart(4)} bytes: ${kind.eventsPerSecond.toLocaleString('en-US').padStart(9)} events/s ` +
        `(JSON.parse alone ${kind.jsonParseLinesPerSecond.toLocaleString('en-US')} lines/s)`,
    );
  }
  return result;
}

/** Best events/s of `runs` measured runs (after one warm-up) of `normalizeStream` over `text`. */
async function streamRate(
  text: string,
  mapping: Mapping,
  runs: number,
): Promise<{ eventsPerSecond: number; errors: number }> {
  // Chunks of 64 KiB, as a file stream delivers them.
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 65_536) chunks.push(text.slice(i, i + 65_536));
  let best = 0;
  let errors = 0;
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    const iterator = normalizeStream(Readable.from(chunks), { mapping });
    let next = await iterator.next();
    while (!next.done) next = await iterator.next();
    const seconds = (performance.now() - started) / 1000;
    errors = next.value.errors;
    // Run 0 warms the JIT and is not counted.
    if (run > 0) best = Math.max(best, next.value.linesRead / seconds);
  }
  return { eventsPerSecond: best, errors };
}

/** Best lines/s of `runs` measured runs (after one warm-up) of JSON.parse alone. */
function parseRate(lines: readonly string[], runs: number): number {
  let best = 0;
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    for (const line of lines) JSON.parse(line);
    const seconds = (performance.now() - started) / 1000;
    if (run > 0) best = Math.max(best, lines.length / seconds);
  }
  return best;
}

function kindOf(raw: unknown): string {
  const shape = detectShape(raw) ?? 'unknown';
  if (shape !== 'tracking') return shape;
  const envelope = (raw as { expctr?: { eventId?: unknown } }).expctr;
  return typeof envelope?.eventId === 'string' && envelope.eventId !== ''
    ? 'tracking'
    : 'tracking, no id';
}
