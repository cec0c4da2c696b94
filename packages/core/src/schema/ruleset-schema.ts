import type { ValidateFunction } from 'ajv';
import { compileShippedSchema, compileShippedSchemaDefinition } from './load-schema.js';

let compiled: ValidateFunction | undefined;
let compiledRule: ValidateFunction | undefined;

/**
 * The validator for one rule file, compiled on first use from the shipped
 * `schema/ruleset.schema.json`; allErrors is on because rule files are size-capped.
 */
export function ruleFileValidator(): ValidateFunction {
  compiled ??= compileShippedSchema('ruleset.schema.json', true);
  return compiled;
}

/**
 * The validator for one entry of `rules` (`#/definitions/rule` of the same schema), so a file's
 * rules can be validated one at a time: ajv with allErrors concatenates the whole error list at
 * every `$ref` call that fails, which is quadratic in the number of errors when one call
 * validates thousands of faulty rules.
 */
export function ruleValidator(): ValidateFunction {
  compiledRule ??= compileShippedSchemaDefinition('ruleset.schema.json', 'rule', true);
  return compiledRule;
}
