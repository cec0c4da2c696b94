import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '@exroute/core';
import { generateSampleEvents, loadMapping, normalize, normalizeStream } from '@exroute/exstream';

const mappingFile = fileURLToPath(
  new URL('../../../examples/data/exstream-mapping.yaml', import.meta.url),
);
const sampleFile = fileURLToPath(
  new URL('../../../examples/data/sample-events.jsonl', import.meta.url),
);

describe('generateSampleEvents', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateSampleEvents({ seed: 1, count: 50 })).toEqual(
      generateSampleEvents({ seed: 1, count: 50 }),
    );
    expect(generateSampleEvents({ seed: 2, count: 50 })).not.toEqual(
      generateSampleEvents({ seed: 1, count: 50 }),
    );
  });

  it('produces every event type in realistic proportions, all valid', async () => {
    const mapping = await loadMapping(mappingFile);
    const events = generateSampleEvents({ seed: 20260302, count: 5000 }).map((raw) =>
      normalize(raw, { mapping }),
    );
    const share = (type: string) => events.filter((e) => e.type === type).length / events.length;
    for (const event of events) expect(validateEvent(event)).toEqual([]);
    expect(share('communication.generated') + share('delivery.completed')).toBeGreaterThan(0.75);
    expect(share('delivery.failed')).toBeGreaterThan(0.02);
    expect(share('delivery.failed')).toBeLessThan(0.05);
    expect(share('content.review_requested')).toBeGreaterThan(0);
    expect(share('content.review_requested')).toBeLessThan(0.02);
    for (const type of [
      'batch.completed',
      'batch.failed',
      'content.updated',
      'lifecycle.changed',
      'service.alert',
    ]) {
      expect(share(type)).toBeGreaterThan(0);
    }
    expect(
      events.filter((e) => e.documentType === undefined && e.type === 'communication.generated'),
    ).toEqual([]);
  });

  it('the committed sample is what the generator writes for the default seed', () => {
    const lines = readFileSync(sampleFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual(generateSampleEvents({ seed: 20260302, count: 200 }));
  });

  it('the committed sample normalizes without a single error', async () => {
    const mapping = await loadMapping(mappingFile);
    const iterator = normalizeStream(sampleFile, { mapping });
    let next = await iterator.next();
    const types = new Set<string>();
    const generatedLetters = new Set<string>();
    while (!next.done) {
      expect('event' in next.value).toBe(true);
      if ('event' in next.value) {
        const { type, documentType } = next.value.event;
        types.add(type);
        if (type === 'communication.generated' && documentType !== undefined)
          generatedLetters.add(documentType);
      }
      next = await iterator.next();
    }
    expect(next.value).toEqual({ linesRead: 200, blankLines: 0, events: 200, errors: 0 });
    // Every flow the demo shows, including the rare ones a small sample could miss.
    expect([...types].sort()).toEqual([
      'batch.completed',
      'batch.failed',
      'communication.generated',
      'content.review_requested',
      'content.updated',
      'delivery.completed',
      'delivery.failed',
      'lifecycle.changed',
      'service.alert',
    ]);
    for (const letter of [
      'cancellation-notice',
      'overdue-payment-reminder',
      'policy-lapse-warning',
      'service-interruption-letter',
    ]) {
      expect(generatedLetters).toContain(letter);
    }
  });
});
