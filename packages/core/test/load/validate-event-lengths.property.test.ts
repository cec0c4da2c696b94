/**
 * `validateEvent` tries a validator that counts string lengths in UTF-16 units before the exact
 * one (code points, as JSON Schema says); it must accept exactly the events the exact validator
 * accepts — in particular strings of astral characters around the `maxLength` / `minLength`
 * bounds, where UTF-16 units and code points differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_DEPTH, MAX_EVENT_VALUES } from '../../src/load/limits.js';
import { eventValidator } from '../../src/schema/event-schema.js';
import { validateEvent } from '../../src/validate/validate-event.js';
import { scanStructure } from '../../src/validate/structure-walk.js';

/** The exact check alone: structure, then the code-point-counting validator. */
function exactlyValid(event: unknown): boolean {
  const scan = scanStructure(event, {
    maxDepth: MAX_EVENT_DEPTH,
    maxValues: MAX_EVENT_VALUES,
    rejectNonJson: true,
  });
  return scan === 'clean' && eventValidator()(event);
}

const isValidEvent = (event: unknown): boolean => validateEvent(event).length === 0;

const ASTRAL = '\u{1F600}';
/** Strings near the 1,000 bound of `id` / `source` / `region`: ASCII, astral, mixed, empty. */
const boundedString = fc.oneof(
  fc.constantFrom('', 'a', ASTRAL, 'a'.repeat(1_000), ASTRAL.repeat(1_000), ASTRAL.repeat(600)),
  fc
    .tuple(fc.integer({ min: 0, max: 1_001 }), fc.integer({ min: 0, max: 1_001 }))
    .map(([ascii, astral]) => 'a'.repeat(ascii) + ASTRAL.repeat(astral)),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

const event = fc.record(
  {
    id: boundedString,
    source: boundedString,
    type: fc.constantFrom(
      'delivery.failed',
      'delivery.failed',
      'delivery.failed',
      'Delivery',
      ASTRAL,
    ),
    time: fc.constantFrom('2026-03-02T10:15:00Z', '2026-03-02T10:15:00Z', '2026-02-30T10:15:00Z'),
    region: boundedString,
    data: fc.constantFrom({}, { a: 1 }, { b: ASTRAL }, null),
  },
  { requiredKeys: ['id', 'source', 'type', 'time', 'data'] },
);

describe('validateEvent with the quick validator first', () => {
  it('accepts exactly what the exact validator accepts, astral strings at the length bounds included', () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(event, (e) => {
        const expected = exactlyValid(e);
        expect(isValidEvent(e)).toBe(expected);
        if (expected) valid++;
        else invalid++;
      }),
      { numRuns: 2_000 },
    );
    expect(valid).toBeGreaterThan(100);
    expect(invalid).toBeGreaterThan(100);
  }, 60_000);

  it('accepts 1,000 astral characters, which are 2,000 UTF-16 units', () => {
    const e = {
      id: ASTRAL.repeat(1_000),
      source: 's',
      type: 'delivery.failed',
      time: '2026-03-02T10:15:00Z',
      data: {},
    };
    expect(exactlyValid(e)).toBe(true);
    expect(isValidEvent(e)).toBe(true);
    expect(isValidEvent({ ...e, id: ASTRAL.repeat(1_001) })).toBe(false);
  });

  it('rejects what is not an event without throwing', () => {
    for (const value of [null, 1, 'x', [], { __proto__: null }, JSON.parse('{"__proto__": {}}')]) {
      expect(isValidEvent(value)).toBe(false);
    }
  });
});
