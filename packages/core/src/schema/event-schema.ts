import type { ValidateFunction } from 'ajv';
import { compileShippedSchema } from './load-schema.js';

let compiled: ValidateFunction | undefined;

/**
 * The validator for NormalizedEvents, compiled on first use from the shipped
 * `schema/event.schema.json`; allErrors stays off because events are untrusted input.
 */
export function eventValidator(): ValidateFunction {
  compiled ??= compileShippedSchema('event.schema.json', false);
  return compiled;
}
