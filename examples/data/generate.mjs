#!/usr/bin/env node
// Writes the committed sample (examples/data/sample-events.jsonl) from the BUILT @exroute/exstream
// generator: `pnpm run build && node examples/data/generate.mjs [--count 200] [--seed 20260302] [--out file]`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSampleEvents } from '../../packages/exstream/dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const count = Number(option('count', '200'));
const seed = Number(option('seed', '20260302'));
const out = option('out', fileURLToPath(new URL('./sample-events.jsonl', import.meta.url)));
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('usage: node examples/data/generate.mjs [--count N] [--seed N] [--out file]');
  process.exit(2);
}
const events = generateSampleEvents({ seed, count });
writeFileSync(out, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
console.log(`wrote ${events.length} raw events (seed ${seed}) to ${out}`);
