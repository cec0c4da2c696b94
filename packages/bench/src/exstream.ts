/**
 * JSON Lines → NormalizedEvent throughput of @exroute/exstream: the seeded sample mix (mostly
 * tracking events) read through `normalizeStream`, the path a batch import takes, with
 * `JSON.parse` alone measured in the same run as the baseline.
 */
import { Readable } from 'node:stream';
import { generateSampleEvents, normalizeStream, parseMapping } from '@exroute/exstream';

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
  errors: number;
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

  // The baseline gets the same treatment as the measured path (warm-up run, best of `runs`), so
  // the ratio compares like with like rather than a cold JSON.parse against a warm pipeline.
  const rawLines = text.split('\n');
  let jsonParseLinesPerSecond = 0;
  for (let run = 0; run <= runs; run++) {
    const parseStarted = performance.now();
    for (const line of rawLines) JSON.parse(line);
    const seconds = (performance.now() - parseStarted) / 1000;
    if (run > 0)
      jsonParseLinesPerSecond = Math.max(jsonParseLinesPerSecond, rawLines.length / seconds);
  }
  const averageLineBytes = Math.round(Buffer.byteLength(text, 'utf8') / rawLines.length);

  const result = {
    lines,
    averageLineBytes,
    eventsPerSecond: Math.round(best),
    jsonParseLinesPerSecond: Math.round(jsonParseLinesPerSecond),
    errors,
  };
  console.log(
    `exstream  JSON Lines → NormalizedEvent: ${result.eventsPerSecond.toLocaleString('en-US')} events/s ` +
      `(${lines.toLocaleString('en-US')} lines of ${averageLineBytes} bytes on average, ${errors} errors; JSON.parse alone ${result.jsonParseLinesPerSecond.toLocaleString('en-US')} lines/s, ` +
      `ratio ${(result.eventsPerSecond / result.jsonParseLinesPerSecond).toFixed(2)})`,
  );
  return result;
}
