/**
 * Validates suite data against schema/suite.schema.json and turns ajv's errors into positioned
 * Diagnostics (ajv's instancePath → YAML node → line and column).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { didYouMean, schemaErrorsItemByItem } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';
import { childPointer } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

/** The suite JSON Schema's location inside the installed package. */
export const SUITE_SCHEMA_URL = new URL('../../schema/suite.schema.json', import.meta.url);

let compiled: { suite: ValidateFunction; suiteCase: ValidateFunction } | undefined;

function suiteValidators(): { suite: ValidateFunction; suiteCase: ValidateFunction } {
  if (compiled === undefined) {
    const schema = JSON.parse(readFileSync(SUITE_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
    // allErrors is safe here: inputs are size- and depth-capped and the patterns are linear.
    const ajv = new Ajv({ allErrors: true, strict: true, strictNumbers: true, verbose: true });
    const suite = ajv.compile(schema);
    const suiteCase = ajv.getSchema(`${String(schema['$id'])}#/definitions/case`);
    if (suiteCase === undefined) throw new Error('suite.schema.json has no definitions/case');
    compiled = { suite, suiteCase };
  }
  return compiled;
}

/** Every schema violation of the suite in `source`, positioned; empty when it conforms. */
export function checkSuiteSchema(source: YamlSource): Diagnostic[] {
  // `anyOf` (a verdict is a kind or a mapping) reports each branch; one problem per place is enough.
  const seen = new Set<string>();
  return suiteSchemaErrors(source.data)
    .map((error) => toDiagnostic(error, source))
    .filter((d) => {
      const id = `${d.code} ${d.line ?? 0}:${d.column ?? 0}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

/**
 * The suite's schema errors with its cases validated one at a time (the first one with the
 * rest of the suite): ajv with allErrors concatenates the accumulated error list at every
 * failing `$ref` call, which is quadratic when one call validates thousands of faulty cases.
 */
function suiteSchemaErrors(data: unknown): ErrorObject[] {
  const { suite, suiteCase } = suiteValidators();
  return schemaErrorsItemByItem(suite, suiteCase, data, 'cases', MAX_CASES);
}

/** The schema's `maxItems` of `cases`: beyond it the whole suite is validated at once. */
const MAX_CASES = 10_000;

function toDiagnostic(error: ErrorObject, source: YamlSource): Diagnostic {
  const at = error.instancePath;
  const where = at === '' ? 'the suite' : `'${at}'`;
  switch (error.keyword) {
    case 'required': {
      const field = String((error.params as { missingProperty: string }).missingProperty);
      return {
        code: 'EXR_SUITE_MISSING_FIELD',
        severity: 'error',
        message: `${where} needs the field '${field}'`,
        ...source.locate(at),
      };
    }
    case 'additionalProperties': {
      const field = String((error.params as { additionalProperty: string }).additionalProperty);
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      const hint = didYouMean(field, allowed);
      return {
        code: 'EXR_SUITE_UNKNOWN_FIELD',
        severity: 'error',
        message: `unknown field '${field}' in ${where}; allowed: ${allowed.join(', ')}`,
        ...source.locateKey(childPointer(at, field)),
        ...(hint !== undefined ? { hint } : {}),
      };
    }
    case 'pattern':
      return {
        code: 'EXR_SUITE_INVALID_TIME',
        severity: 'error',
        message: `${where} must be an RFC 3339 date-time with an offset, e.g. 2026-11-30T10:00:00Z`,
        ...source.locate(at),
      };
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      return {
        code: 'EXR_SUITE_INVALID_VALUE',
        severity: 'error',
        message: `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
        ...source.locate(at),
      };
    }
    default:
      return {
        code: 'EXR_SUITE_INVALID_VALUE',
        severity: 'error',
        message: `${where} ${error.message ?? 'is invalid'}`,
        ...source.locate(at),
      };
  }
}
