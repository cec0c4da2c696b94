import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';
import {
  NormalizationError,
  canonicalJson,
  channelFromName,
  classifyJobStatus,
  classifySchemaType,
  DEFAULT_MAPPING,
  contentHashId,
  generateSampleEvents,
  jobIdFromQueueFilename,
  normalize,
  normalizeCloudEvent,
  toCloudEvent,
} from '@exroute/exstream';

const onlyNormalizationErrors = (raw: unknown): void => {
  try {
    const event = normalize(raw);
    expect(validateEvent(event)).toEqual([]);
  } catch (error) {
    if (!(error instanceof NormalizationError)) throw error;
    expect(error.diagnostics.length).toBeGreaterThan(0);
  }
};

// Valid raw events with arbitrary values swapped in, so the properties reach deep into each normalizer.
const samples = generateSampleEvents({ seed: 7, count: 300 });
const mutated = fc
  .tuple(fc.constantFrom(...samples), fc.string(), fc.jsonValue(), fc.boolean())
  .map(([raw, key, value, nested]) => {
    const copy = structuredClone(raw);
    const keys = Object.keys(copy);
    const target = keys[Math.abs(key.length * 7919) % keys.length]!;
    if (nested && copy[target] !== null && typeof copy[target] === 'object') {
      (copy[target] as Record<string, unknown>)[key] = value;
    } else {
      copy[key.length % 2 === 0 ? target : key] = value;
    }
    return copy;
  });

describe('properties', () => {
  it('normalize throws nothing but NormalizationError on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), onlyNormalizationErrors), { numRuns: 2000 });
  });

  it('normalize throws nothing but NormalizationError on mutated real payloads', () => {
    fc.assert(fc.property(mutated, onlyNormalizationErrors), { numRuns: 2000 });
  });

  it('a content-hash id ignores key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(contentHashId(reversed)).toBe(contentHashId(record));
      }),
    );
  });

  it('canonicalJson matches the sorted-entries serialisation ids were first defined by', () => {
    // Integer-like keys defeat a sorted-copy-then-stringify reference, so the reference sorts entries.
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      const record = value as Record<string, unknown>;
      const entries = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`);
      return `{${entries.join(',')}}`;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
    // Objects with more keys than the insertion sort handles take Array#sort: the same order.
    const wide = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), {
      minKeys: 17,
      maxKeys: 80,
    });
    fc.assert(
      fc.property(wide, (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 300 },
    );
  });

  it('toCloudEvent then normalizeCloudEvent gives the same event back', () => {
    const eventArb: fc.Arbitrary<NormalizedEvent> = fc.record(
      {
        id: fc.string({ minLength: 1 }),
        source: fc.string({ minLength: 1 }),
        type: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}(\.[a-z][a-z0-9_]{0,8}){1,3}$/),
        time: fc.constant('2026-03-02T08:00:00Z'),
        priority: fc.constantFrom(
          'low' as const,
          'normal' as const,
          'high' as const,
          'critical' as const,
        ),
        documentType: fc.string({ minLength: 1 }),
        region: fc.constantFrom('UK', 'NO', 'DE'),
        channel: fc.string({ minLength: 1 }),
        tenant: fc.string({ minLength: 1 }),
        subject: fc.string({ minLength: 1 }),
        correlationId: fc.string({ minLength: 1 }),
        // Prototype keys are refused on input by design (EXR_FORBIDDEN_KEY), so they cannot round-trip.
        data: fc
          .dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue())
          .filter((data) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(data))),
      },
      { requiredKeys: ['id', 'source', 'type', 'time', 'data'] },
    );
    fc.assert(
      fc.property(eventArb, (event) => {
        expect(normalizeCloudEvent(JSON.parse(JSON.stringify(toCloudEvent(event))))).toEqual(
          JSON.parse(JSON.stringify(event)),
        );
      }),
    );
  });

  it('toCloudEvent uses only CloudEvents-conformant attribute names', () => {
    const event = normalize(samples[0]);
    for (const name of Object.keys(toCloudEvent(event))) {
      if (name === 'data') continue;
      expect(name).toMatch(/^[a-z0-9]{1,20}$/);
    }
  });

  it('jobIdFromQueueFilename finds what the regular expression it replaced finds', () => {
    const reference = (path: string): string | undefined => /\/jobs\/([^/]+)\//.exec(path)?.[1];
    // Paths built from the pieces that matter (slashes, "jobs", near misses), plus arbitrary text.
    const piece = fc.constantFrom('/', 'jobs', '/jobs/', '//', 'job', 's/', 'x', '9f02', '');
    const path = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join('')),
      fc.string(),
    );
    fc.assert(
      fc.property(path, (text) => {
        expect(jobIdFromQueueFilename(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('the remembered answers for schema types, statuses and channel names equal fresh ones', () => {
    // More distinct values than the caches keep (256), short and long, each asked twice.
    const text = fc.oneof(
      fc.string({ maxLength: 12 }).map((rest) => `Exstream-${rest}`),
      fc.constantFrom('Exstream-Generated', 'Exstream-Email-NDLV', 'Completed', 'PrintQueue'),
      fc.string({ minLength: 65, maxLength: 90 }),
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 300, maxLength: 400 }), (values) => {
        const first = values.map((v) => [
          classifySchemaType(v),
          classifyJobStatus(v),
          channelFromName(v, DEFAULT_MAPPING),
        ]);
        const again = values.map((v) => [
          classifySchemaType(v),
          classifyJobStatus(v),
          channelFromName(v, DEFAULT_MAPPING),
        ]);
        expect(again).toEqual(first);
      }),
      { numRuns: 20 },
    );
  });
});
