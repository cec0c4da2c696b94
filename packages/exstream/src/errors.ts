import { ExrouteError, formatDiagnostic } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** Stable codes of the diagnostics a normalizer reports; tools and tests match on these. */
export type NormalizationCode =
  | 'EXR_UNKNOWN_SHAPE'
  | 'EXR_AMBIGUOUS_SHAPE'
  | 'EXR_MISSING_FIELD'
  | 'EXR_INVALID_FIELD'
  | 'EXR_INVALID_TIME'
  | 'EXR_FORBIDDEN_KEY'
  | 'EXR_TOO_DEEP'
  | 'EXR_UNKNOWN_SCHEMA_TYPE'
  | 'EXR_UNKNOWN_STATE'
  | 'EXR_UNSUPPORTED_TRANSITION'
  | 'EXR_UNKNOWN_JOB_STATUS'
  | 'EXR_UNSUPPORTED_SPECVERSION'
  | 'EXR_INVALID_JSON'
  | 'EXR_LINE_TOO_LONG'
  | 'EXR_SOURCE_UNREADABLE'
  | 'EXR_INTERNAL_ERROR';

/** Stable codes of the diagnostics the mapping-file loader reports. */
export type MappingCode =
  | 'EXR_MAPPING_UNREADABLE'
  | 'EXR_MAPPING_TOO_LARGE'
  | 'EXR_MAPPING_SYNTAX'
  | 'EXR_MAPPING_SCHEMA'
  | 'EXR_MAPPING_FORBIDDEN_KEY';

/**
 * Thrown by every normalizer for input it cannot turn into a NormalizedEvent; `diagnostics`
 * carry a code and a JSON Pointer into the raw payload for each problem found.
 */
export class NormalizationError extends ExrouteError {
  constructor(diagnostics: Diagnostic[]) {
    super(
      'EXR_NORMALIZATION_FAILED',
      summarize('raw event cannot be normalized', diagnostics),
      diagnostics,
    );
  }
}

/** Thrown by `parseMapping` / `loadMapping` with every problem found in the mapping file, each with file:line:column. */
export class MappingError extends ExrouteError {
  constructor(diagnostics: Diagnostic[]) {
    super('EXR_MAPPING_INVALID', summarize('mapping file is invalid', diagnostics), diagnostics);
  }
}

function summarize(what: string, diagnostics: readonly Diagnostic[]): string {
  const shown = diagnostics.slice(0, 5).map((d) => `  ${formatDiagnostic(d)}`);
  const more = diagnostics.length > 5 ? [`  … and ${diagnostics.length - 5} more`] : [];
  return [`${what}: ${diagnostics.length} problem(s)`, ...shown, ...more].join('\n');
}
