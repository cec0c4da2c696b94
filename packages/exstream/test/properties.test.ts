import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';
import {
  NormalizationError,
  canonicalJson,
  contentHashId,
  generateSampleEvents,
  normalize,
  normalizeCloudEvent,
  toCloudEvent,
} from '@exroute/exstream';
import { isRfc3339 } from '../src/raw/rfc3339.js';

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
  });

  it('isRfc3339 accepts exactly what the RFC 3339 regular expression plus calendar checks accept', () => {
    const pattern =
      /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;
    const reference = (text: string): boolean => {
      const m = pattern.exec(text);
      if (!m) return false;
      const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
      const leap = (year! % 4 === 0 && year! % 100 !== 0) || year! % 400 === 0;
      const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1];
      if (days === undefined || day! < 1 || day! > days) return false;
      if (hour! > 23 || minute! > 59 || second! > 60) return false;
      return m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
    };
    const seeds = [
      '2026-03-02T08:15:00Z',
      '2024-02-29T23:59:60.123456789+23:59',
      '1900-02-29t00:00:00.1-00:00',
      '2023-12-31T24:00:00z',
    ];
    // Near-misses of valid timestamps: single-character edits reach every branch of the scanner.
    const candidate = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(40), fc.constantFrom(...'0123456789-:TtZz+.x '), fc.nat(2)), {
          maxLength: 3,
        }),
      )
      .map(([seed, edits]) =>
        edits.reduce((text, [at, char, op]) => {
          const p = at % (text.length + 1);
          if (op === 0) return text.slice(0, p) + char + text.slice(p + 1);
          if (op === 1) return text.slice(0, p) + char + text.slice(p);
          return text.slice(0, p) + text.slice(p + 1);
        }, seed),
      );
    fc.assert(
      fc.property(fc.oneof(candidate, fc.string()), (text) => {
        expect(isRfc3339(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
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
});
