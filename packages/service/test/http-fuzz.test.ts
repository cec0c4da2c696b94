// A bounded fuzz run over POST /v1/events bodies (issue 11: every input the project reads): random
// JSON values, JSON Lines, byte soup, deep nesting and prototype keys, under each accepted content
// type. Whatever arrives, the answer is one of the documented statuses with a JSON body, and the
// service keeps answering. Fixed seed and run count, so it is repeatable and bounded.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../src/index.js';
import type { Service } from '../src/index.js';
import { INGEST, post, sampleRaw, testConfig } from './helpers.js';

const STATUSES = new Set([202, 400, 413, 415]);

const deep = fc
  .integer({ min: 1, max: 20_000 })
  .map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const protoKeys = fc
  .constantFrom('__proto__', 'constructor', 'prototype')
  .map((key) => `{"${key}":{"polluted":true},"type":"delivery.failed"}`);
const mutatedSample = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.string({ maxLength: 8 }))
  .map(([index, junk]) => {
    const text = JSON.stringify(sampleRaw(5)[index]);
    const cut = Math.floor(text.length / 2);
    return text.slice(0, cut) + junk + text.slice(cut);
  });
const body = fc.oneof(
  fc.json({ maxDepth: 6 }),
  fc.array(fc.json({ maxDepth: 3 }), { maxLength: 20 }).map((values) => values.join('\n')),
  fc.string({ maxLength: 400 }),
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  deep,
  protoKeys,
  mutatedSample,
);
const contentType = fc.constantFrom(
  'application/json',
  'application/x-ndjson',
  'text/plain',
  'application/json; charset=utf-16',
);

describe('POST /v1/events under fuzzed bodies', () => {
  let service: Service;
  beforeAll(async () => {
    service = await createService(testConfig());
  });
  afterAll(async () => {
    await service.stop();
  });

  it('answers every body with a documented status and a JSON error, and stays up', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, contentType, async (text, type) => {
        const answer = await post(`${service.url}/v1/events`, text, {
          ...INGEST,
          'content-type': type,
        });
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        expect(STATUSES.has(answer.status)).toBe(true);
        expect(typeof answer.body).toBe('object');
        if (answer.status !== 202) {
          expect((answer.body as { error?: { code?: unknown } }).error?.code).toMatch(/^EXR_/);
        }
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { seed: 20261202, numRuns: 300 },
    );
    console.log(`[http fuzz] statuses: ${JSON.stringify(Object.fromEntries(seen))}`);
    // Still alive and serving after the run.
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
  }, 60_000);
});
