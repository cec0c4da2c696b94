import type { Diagnostic } from '@exroute/core';
import { isRfc3339DateTime } from '@exroute/core';
import { NormalizationError } from '../errors.js';
import { childPointer } from './json-pointer.js';
import { isPlainRecord } from './raw-structure.js';

/**
 * Reads typed fields out of a raw payload while collecting one diagnostic per problem, so a
 * caller sees every missing or malformed field of an event at once rather than the first only.
 */
export class FieldReader {
  // Created on the first problem: nearly every event has none, and this runs once per event.
  #found: Diagnostic[] | undefined;

  /** Every problem reported so far, in order (empty while there is none). */
  get diagnostics(): readonly Diagnostic[] {
    return this.#found ?? NO_DIAGNOSTICS;
  }

  /** The object at `record[key]`; reports it as missing or not an object otherwise. */
  requiredObject(
    record: Record<string, unknown>,
    key: string,
    pointer: string,
  ): Record<string, unknown> | undefined {
    const value = record[key];
    // Pointers are built only for problems: these reads run for every field of every event.
    if (value === undefined || value === null) {
      this.missing(childPointer(pointer, key), `object '${key}'`);
      return undefined;
    }
    if (!isPlainRecord(value)) {
      this.invalid(childPointer(pointer, key), `'${key}' must be a JSON object`);
      return undefined;
    }
    return value;
  }

  /** The object at `record[key]` when present; reports anything that is not an object. */
  optionalObject(
    record: Record<string, unknown>,
    key: string,
    pointer: string,
  ): Record<string, unknown> | undefined {
    const value = record[key];
    if (value === undefined || value === null) return undefined;
    if (!isPlainRecord(value)) {
      this.invalid(childPointer(pointer, key), `'${key}' must be a JSON object`);
      return undefined;
    }
    return value;
  }

  /** A non-empty string at `record[key]`; reports it as missing or invalid otherwise. */
  requiredString(
    record: Record<string, unknown>,
    key: string,
    pointer: string,
  ): string | undefined {
    const value = record[key];
    if (value === undefined || value === null || value === '') {
      this.missing(childPointer(pointer, key), `string '${key}'`);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.invalid(childPointer(pointer, key), `'${key}' must be a string, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /** A non-empty string when present (null and "" count as absent); reports other types. */
  optionalString(
    record: Record<string, unknown>,
    key: string,
    pointer: string,
  ): string | undefined {
    const value = record[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      this.invalid(childPointer(pointer, key), `'${key}' must be a string, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /**
   * A non-negative integer when present; digit strings are accepted because output-manifest
   * values reach the tracking JSON as strings (`"CustomerInRun": "1"`).
   */
  optionalCount(record: Record<string, unknown>, key: string, pointer: string): number | undefined {
    const value = record[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    if (typeof value === 'string' && /^(0|[1-9][0-9]{0,14})$/.test(value)) return Number(value);
    this.invalid(
      childPointer(pointer, key),
      `'${key}' must be a non-negative whole number, got ${describe(value)}`,
    );
    return undefined;
  }

  /** An RFC 3339 timestamp string when present; reports other strings with EXR_INVALID_TIME. */
  optionalTime(record: Record<string, unknown>, key: string, pointer: string): string | undefined {
    const value = this.optionalString(record, key, pointer);
    if (value === undefined) return undefined;
    if (!isRfc3339DateTime(value)) {
      this.report(
        'EXR_INVALID_TIME',
        childPointer(pointer, key),
        `'${key}' must be an RFC 3339 timestamp such as 2026-03-02T08:15:00Z, got '${clip(value)}'`,
      );
      return undefined;
    }
    return value;
  }

  /** True when a problem has already been reported at `pointer`. */
  reported(pointer: string): boolean {
    return this.diagnostics.some((d) => d.pointer === pointer);
  }

  /** Records a missing required field. */
  missing(pointer: string, what: string, hint?: string): void {
    this.report('EXR_MISSING_FIELD', pointer, `${what} is required but missing or empty`, hint);
  }

  /** Records a present field of the wrong type or form. */
  invalid(pointer: string, message: string, hint?: string): void {
    this.report('EXR_INVALID_FIELD', pointer, message, hint);
  }

  /** Records any diagnostic with an error severity. */
  report(code: string, pointer: string, message: string, hint?: string): void {
    (this.#found ??= []).push({
      code,
      severity: 'error',
      message,
      pointer,
      ...(hint !== undefined ? { hint } : {}),
    });
  }

  /** Throws one NormalizationError with every diagnostic collected; for code paths that cannot go on. */
  fail(): never {
    if (this.diagnostics.length === 0) {
      // Every path that reaches here has reported why; this keeps the "never empty" contract if one forgets.
      this.report(
        'EXR_INVALID_FIELD',
        '',
        'raw event is incomplete; see the field descriptions in docs/event-model.md',
      );
    }
    throw new NormalizationError([...this.diagnostics]);
  }

  /** Throws one NormalizationError carrying every diagnostic collected so far, if any. */
  throwIfFailed(): void {
    if (this.#found !== undefined) throw new NormalizationError(this.#found);
  }
}

const NO_DIAGNOSTICS: readonly Diagnostic[] = Object.freeze([]);

/** A short human description of a JSON value's type for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string '${clip(value)}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

/** Keeps echoed raw values short so a message never carries a whole payload. */
export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
