import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import type { SourcePositions } from '../load/source-positions.js';
import { FILE_START } from '../load/source-positions.js';
import { toPointer } from './json-pointer.js';
import type { PointerSegment } from './json-pointer.js';
import type { Report } from './report.js';

/** A node of a loaded file: the file's name and the JSON Pointer segments inside it. */
export interface Place {
  file: string;
  segments: readonly PointerSegment[];
}

/**
 * Extra details of one diagnostic: point at the key rather than the value, or at `within`
 * (literal text inside the value, such as one placeholder of a template); add a hint.
 */
export interface ReportOptions {
  at?: 'value' | 'key';
  within?: string;
  /** Which occurrence of `within` (0-based) when the value holds it more than once. */
  occurrence?: number;
  hint?: string | undefined;
}

/**
 * Reports diagnostics at places in loaded files, turning pointer segments into file, line,
 * column and pointer; semantic checks speak in places, never in offsets.
 */
export class LocatedReporter {
  readonly #positions: ReadonlyMap<string, SourcePositions>;
  readonly #report: Report;

  constructor(positions: ReadonlyMap<string, SourcePositions>, report: Report) {
    this.#positions = positions;
    this.#report = report;
  }

  /** The source location of a place (its key when `at` is `key`). */
  locate(place: Place, at: 'value' | 'key' = 'value'): SourceLocation {
    const where = this.#positions.get(place.file)?.locate(place.segments, at) ?? FILE_START;
    return {
      file: place.file,
      line: where.line,
      column: where.column,
      pointer: toPointer(place.segments),
    };
  }

  #locateWithin(place: Place, needle: string, occurrence: number): SourceLocation {
    const where =
      this.#positions.get(place.file)?.locateWithin(place.segments, needle, occurrence) ??
      FILE_START;
    return {
      file: place.file,
      line: where.line,
      column: where.column,
      pointer: toPointer(place.segments),
    };
  }

  /** `file:line:column` of a place, for messages that name a second place. */
  describe(place: Place, at: 'value' | 'key' = 'value'): string {
    const { file, line, column } = this.locate(place, at);
    return `${file}:${line}:${column}`;
  }

  /** Reports an error at `place`. */
  error(code: string, message: string, place: Place, options: ReportOptions = {}): void {
    this.#emit('error', code, message, place, options);
  }

  /** Reports a warning at `place`. */
  warning(code: string, message: string, place: Place, options: ReportOptions = {}): void {
    this.#emit('warning', code, message, place, options);
  }

  /** Passes an already located diagnostic through. */
  raw(diagnostic: Diagnostic): void {
    this.#report(diagnostic);
  }

  #emit(
    severity: Diagnostic['severity'],
    code: string,
    message: string,
    place: Place,
    options: ReportOptions,
  ): void {
    const location =
      options.within !== undefined
        ? this.#locateWithin(place, options.within, options.occurrence ?? 0)
        : this.locate(place, options.at ?? 'value');
    this.#report({
      code,
      severity,
      message,
      file: location.file,
      line: location.line,
      column: location.column,
      pointer: location.pointer,
      ...(options.hint !== undefined ? { hint: options.hint } : {}),
    });
  }
}
