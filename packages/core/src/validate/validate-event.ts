import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../model/diagnostic.js';
import { MAX_EVENT_DEPTH, MAX_EVENT_VALUES } from '../load/limits.js';
import { eventValidator } from '../schema/event-schema.js';
import { isForbiddenKey } from '../paths/simple-path.js';
import { findForbiddenKeys } from './forbidden-keys.js';
import { fromPointer, toPointer } from './json-pointer.js';

/**
 * Checks a value against the NormalizedEvent contract (event.schema.json, closed top level)
 * after bounding its depth and size and rejecting `__proto__` / `constructor` / `prototype`
 * keys at any depth. Returns diagnostics with JSON Pointers; empty means valid. Never throws.
 */
export function validateEvent(event: unknown): Diagnostic[] {
  const scan = scanEvent(event);
  if (scan !== 'clean') {
    if (scan === 'too-large') return [tooLarge()];
    if (scan === 'too-deep') return [tooDeep()];
    return findForbiddenKeys(event, MAX_EVENT_DEPTH + 1).map((segments) => ({
      code: 'EXR_EVENT_FORBIDDEN_KEY',
      severity: 'error',
      message: `the key '${String(segments[segments.length - 1])}' is not allowed in events; rename it in the producer or normalizer`,
      pointer: toPointer(segments),
    }));
  }
  const validate = eventValidator();
  if (validate(event)) return [];
  return (validate.errors ?? []).map(describeEventError);
}

type ScanResult = 'clean' | 'too-large' | 'too-deep' | 'forbidden-key';

/**
 * One allocation-free pass over the event bounding its size and depth and spotting forbidden
 * keys: this runs on every routed event, so pointers are only computed once it finds a problem.
 * Recursion is safe because depth is bounded before descending (a cycle hits the bound too).
 */
function scanEvent(event: unknown): ScanResult {
  let count = 0;
  const visit = (value: unknown, depth: number): ScanResult => {
    if (++count > MAX_EVENT_VALUES) return 'too-large';
    if (value === null || typeof value !== 'object') return 'clean';
    if (depth > MAX_EVENT_DEPTH) return 'too-deep';
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const result = visit(value[i], depth + 1);
        if (result !== 'clean') return result;
      }
      return 'clean';
    }
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (isForbiddenKey(key)) return 'forbidden-key';
      const result = visit((value as Record<string, unknown>)[key], depth + 1);
      if (result !== 'clean') return result;
    }
    return 'clean';
  };
  return visit(event, 1);
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

function describeEventError(error: ErrorObject): Diagnostic {
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
    case 'additionalProperties':
      return {
        code: 'EXR_EVENT_UNKNOWN_FIELD',
        severity: 'error',
        message: `'${String(params['additionalProperty'])}' is not a NormalizedEvent field; put type-specific fields under data`,
        pointer: `${pointer}/${String(params['additionalProperty'])}`,
      };
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
