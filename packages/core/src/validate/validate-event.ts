import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../model/diagnostic.js';
import { MAX_EVENT_DEPTH, MAX_EVENT_VALUES } from '../load/limits.js';
import { eventValidator, quickEventValidator } from '../schema/event-schema.js';
import { findStructureProblems, scanStructure } from './structure-walk.js';
import { didYouMean } from './did-you-mean.js';
import { fromPointer, toPointer } from './json-pointer.js';

/**
 * Checks a value against the NormalizedEvent contract (event.schema.json, closed top level)
 * after bounding its depth and size and rejecting `__proto__` / `constructor` / `prototype`
 * keys and values JSON cannot hold (`NaN`, `±Infinity`, bigints, functions, symbols) at any
 * depth. Returns diagnostics with JSON Pointers; empty means valid. Never throws: an object whose
 * getters or Proxy traps throw while being read gets `EXR_EVENT_UNREADABLE`.
 */
export function validateEvent(event: unknown): Diagnostic[] {
  try {
    return checkEvent(event);
  } catch (error) {
    return [unreadableEvent(error)];
  }
}

/**
 * The diagnostic for an event that threw while being read (a throwing getter, a Proxy trap):
 * such a value is not JSON, and no plain `Error` may escape a public function.
 */
export function unreadableEvent(error: unknown): Diagnostic {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    code: 'EXR_EVENT_UNREADABLE',
    severity: 'error',
    message: `reading the event threw (${detail.slice(0, 200)}); pass plain JSON data, not objects with getters or Proxies`,
    pointer: '',
  };
}

function checkEvent(event: unknown): Diagnostic[] {
  // The event's root object is level 1 here, its fields' values level 2 and so on.
  const scan = scanStructure(event, {
    maxDepth: MAX_EVENT_DEPTH,
    maxValues: MAX_EVENT_VALUES,
    rejectNonJson: true,
  });
  if (scan !== 'clean') {
    if (scan === 'too-large') return [tooLarge()];
    if (scan === 'too-deep') return [tooDeep()];
    const findings = findStructureProblems(event, MAX_EVENT_DEPTH + 1, true);
    return findings
      .filter((finding) => finding.problem !== 'too-deep')
      .map(({ problem, path }) =>
        problem === 'not-json'
          ? {
              code: 'EXR_EVENT_NOT_JSON',
              severity: 'error',
              message: `'${path.join('.')}' holds a value JSON cannot carry (NaN, Infinity, a bigint, a function or a symbol); send a finite number, a string or null`,
              pointer: toPointer(path),
            }
          : {
              code: 'EXR_EVENT_FORBIDDEN_KEY',
              severity: 'error',
              message: `the key '${String(path[path.length - 1])}' is not allowed in events; rename it in the producer or normalizer`,
              pointer: toPointer(path),
            },
      );
  }
  const validate = eventValidator();
  // The quick validator accepts only valid events; what it rejects the exact one decides.
  if (quickEventValidator()(event) || validate(event)) return [];
  const fields = Object.keys(
    (validate.schema as { properties?: Record<string, unknown> }).properties ?? {},
  );
  return (validate.errors ?? []).map((error) => describeEventError(error, fields));
}

function tooLarge(): Diagnostic {
  return {
    code: 'EXR_EVENT_TOO_LARGE',
    severity: 'error',
    message: `the event holds more than ${MAX_EVENT_VALUES} values; send a smaller payload`,
    pointer: '',
  };
}

function tooDeep(): Diagnostic {
  return {
    code: 'EXR_EVENT_TOO_DEEP',
    severity: 'error',
    message: `the event nests deeper than ${MAX_EVENT_DEPTH} levels (or is circular); flatten data`,
    pointer: '',
  };
}

function describeEventError(error: ErrorObject, fields: readonly string[]): Diagnostic {
  const params = error.params as Record<string, unknown>;
  const pointer = error.instancePath;
  const field = pointer === '' ? 'the event' : `'${fromPointer(pointer).join('.')}'`;
  switch (error.keyword) {
    case 'required':
      return {
        code: 'EXR_EVENT_MISSING_FIELD',
        severity: 'error',
        message: `the event needs the field '${String(params['missingProperty'])}'`,
        pointer: `${pointer}/${String(params['missingProperty'])}`,
      };
    case 'additionalProperties': {
      const unknown = String(params['additionalProperty']);
      // Only the top level is closed, so the known fields are the event's own.
      const hint = pointer === '' ? didYouMean(unknown, fields) : undefined;
      return {
        code: 'EXR_EVENT_UNKNOWN_FIELD',
        severity: 'error',
        message: `'${unknown}' is not a NormalizedEvent field; put type-specific fields under data`,
        pointer: `${pointer}/${unknown}`,
        ...(hint !== undefined ? { hint } : {}),
      };
    }
    default:
      return {
        code: 'EXR_EVENT_INVALID_FIELD',
        severity: 'error',
        message: `${field} ${error.message ?? 'is invalid'}${
          error.keyword === 'enum' ? ` (${(params['allowedValues'] as unknown[]).join(', ')})` : ''
        }`,
        pointer,
      };
  }
}
