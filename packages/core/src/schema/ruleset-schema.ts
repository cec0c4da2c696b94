import type { ValidateFunction } from 'ajv';
import { compileShippedSchema } from './load-schema.js';

let compiled: ValidateFunction | undefined;

/**
 * The validator for one rule file, compiled on first use from the shipped
 * `schema/ruleset.schema.json`; allErrors is on because rule files are size-capped.
 */
export function ruleFileValidator(): ValidateFunction {
  compiled ??= compileShippedSchema('ruleset.schema.json', true);
  return compiled;
}
