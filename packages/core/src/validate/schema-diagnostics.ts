import type { ErrorObject } from 'ajv';
import { didYouMean } from './did-you-mean.js';
import { fromPointer, toPointer } from './json-pointer.js';

/** Where a schema error points: the JSON Pointer segments and whether the key is meant. */
export interface SchemaErrorTarget {
  segments: string[];
  at: 'value' | 'key';
}

/** A schema error turned into code, message and hint; the caller adds the position. */
export interface SchemaProblem {
  code: string;
  message: string;
  hint?: string;
  target: SchemaErrorTarget;
}

/**
 * Turns ajv's errors into one problem per offending node: unknown keys point at the key (with a
 * "did you mean" among the keys allowed there), everything else at the value.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const problem = describeSchemaError(error);
    const id = `${problem.code} ${toPointer(problem.target.segments)} ${problem.target.at}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  return problems;
}

function describeSchemaError(error: ErrorObject): SchemaProblem {
  const segments = fromPointer(error.instancePath);
  const where = segments.length === 0 ? 'the file' : `'${toPointer(segments)}'`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys(
        (error.parentSchema?.['properties'] as Record<string, unknown> | undefined) ?? {},
      );
      const hint = didYouMean(key, allowed);
      return {
        code: 'EXR_SCHEMA_UNKNOWN_KEY',
        message:
          allowed.length > 0
            ? `unknown key '${key}' in ${where}; allowed keys: ${allowed.join(', ')}`
            : `unknown key '${key}' in ${where}`,
        ...(hint !== undefined ? { hint } : {}),
        target: { segments: [...segments, key], at: 'key' },
      };
    }
    case 'required': {
      const key = String(params['missingProperty']);
      return {
        code: 'EXR_SCHEMA_MISSING_KEY',
        message: `${where} needs the key '${key}'; add it`,
        target: { segments, at: 'value' },
      };
    }
    case 'const':
      if (segments.length === 1 && segments[0] === 'apiVersion') {
        return {
          code: 'EXR_UNSUPPORTED_API_VERSION',
          message: `apiVersion must be '${String(params['allowedValue'])}'`,
          target: { segments, at: 'value' },
        };
      }
      return {
        code: 'EXR_SCHEMA_ENUM',
        message: `${where} must be '${String(params['allowedValue'])}'`,
        target: { segments, at: 'value' },
      };
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      const channel = segments.at(-2) === 'channels' && typeof error.data === 'string';
      return {
        code: 'EXR_SCHEMA_ENUM',
        message: channel
          ? `unknown channel '${String(error.data)}' at ${where}; channels are: ${allowed.join(', ')}`
          : `${where} must be one of: ${allowed.join(', ')}`,
        ...(hint !== undefined ? { hint } : {}),
        target: { segments, at: 'value' },
      };
    }
    case 'type':
      return {
        code: 'EXR_SCHEMA_TYPE',
        message: `${where} must be ${describeType(params['type'])}`,
        target: { segments, at: 'value' },
      };
    case 'pattern':
      return {
        code: 'EXR_SCHEMA_PATTERN',
        message: `${where} does not have the expected form (${String(error.parentSchema?.['description'] ?? params['pattern'])})`,
        target: { segments, at: 'value' },
      };
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      return {
        code: 'EXR_SCHEMA_EMPTY',
        message: `${where} must not be empty`,
        target: { segments, at: 'value' },
      };
    case 'maxProperties':
      return {
        code: 'EXR_SCHEMA_TOO_MANY_KEYS',
        message: `${where} takes at most ${String(params['limit'])} key(s); keep one`,
        target: { segments, at: 'value' },
      };
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
    case 'maxLength':
    case 'maxItems':
      return {
        code: 'EXR_SCHEMA_RANGE',
        message: `${where} ${error.message ?? 'is out of range'}`,
        target: { segments, at: 'value' },
      };
    case 'uniqueItems':
      return {
        code: 'EXR_SCHEMA_DUPLICATE_ITEM',
        message: `${where} lists the same item twice (items ${String(params['j'])} and ${String(params['i'])}); remove one`,
        target: { segments, at: 'value' },
      };
    default:
      return {
        code: 'EXR_SCHEMA_INVALID',
        message: `${where} ${error.message ?? 'is invalid'}`,
        target: { segments, at: 'value' },
      };
  }
}

function describeType(type: unknown): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    null: 'empty',
  };
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => names[String(t)] ?? String(t)).join(' or ');
}
