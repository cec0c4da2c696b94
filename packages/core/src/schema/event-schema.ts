import type { ValidateFunction } from 'ajv';
import { compileShippedSchema, readShippedSchema } from './load-schema.js';

let compiled: ValidateFunction | undefined;
let quick: ValidateFunction | undefined;

/**
 * The validator for NormalizedEvents, compiled on first use from the shipped
 * `schema/event.schema.json`; allErrors stays off because events are untrusted input.
 */
export function eventValidator(): ValidateFunction {
  compiled ??= compileShippedSchema('event.schema.json', false);
  return compiled;
}

/**
 * A validator that accepts only events `eventValidator` accepts, and nearly all of them, faster:
 * it counts string lengths in UTF-16 units, which skips ajv's code-point count. A string's
 * UTF-16 length is never below its code-point count, so every `maxLength` it passes holds in code
 * points too; a `minLength` above 1 could pass in units and fail in code points, so with such a
 * schema this is `eventValidator` itself. When it rejects, ask `eventValidator`.
 */
export function quickEventValidator(): ValidateFunction {
  quick ??= minLengthsAtMostOne(readShippedSchema('event.schema.json'))
    ? compileShippedSchema('event.schema.json', false, 'UTF-16 units')
    : eventValidator();
  return quick;
}

/** Whether every `minLength` in the schema is 0 or 1 (a non-empty string has a code point). */
function minLengthsAtMostOne(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(minLengthsAtMostOne);
  if (schema === null || typeof schema !== 'object') return true;
  return Object.entries(schema).every(([key, value]) =>
    key === 'minLength' ? typeof value === 'number' && value <= 1 : minLengthsAtMostOne(value),
  );
}
