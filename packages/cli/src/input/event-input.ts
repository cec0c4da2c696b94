import { normalize } from '@exroute/exstream';
import type { Diagnostic, NormalizedEvent } from '@exroute/core';
import { diagnosticsOfError } from './load-rules.js';

/**
 * Turns one parsed JSON value into the event to route: as is, or through the Exstream
 * normalizer when `normalizeRaw` is set. Problems come back as diagnostics positioned at
 * `file` and `line`, never as exceptions.
 */
export function toEvent(
  value: unknown,
  normalizeRaw: boolean,
  file: string,
  line: number,
): { event: NormalizedEvent } | { diagnostics: Diagnostic[] } {
  if (normalizeRaw) {
    try {
      return { event: normalize(value) };
    } catch (error) {
      return { diagnostics: diagnosticsOfError(error).map((d) => positioned(d, file, line)) };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      diagnostics: [
        {
          code: 'EXR_CLI_NOT_AN_EVENT',
          severity: 'error',
          message:
            'expected a JSON object (a NormalizedEvent); use --normalize for raw Exstream payloads',
          file,
          line,
          column: 1,
        },
      ],
    };
  }
  return { event: value as NormalizedEvent };
}

/** Places a diagnostic about an event (which carries only a JSON Pointer) at its input line. */
export function positioned(diagnostic: Diagnostic, file: string, line: number): Diagnostic {
  if (diagnostic.file !== undefined) return diagnostic;
  const where =
    diagnostic.pointer !== undefined && diagnostic.pointer !== ''
      ? ` [at ${diagnostic.pointer}]`
      : '';
  return { ...diagnostic, message: `${diagnostic.message}${where}`, file, line, column: 1 };
}
