/**
 * One problem found in a rule file, a suite, a mapping file or an event: the single diagnostic
 * shape used by every exroute package (DESIGN.md §4). Positions are 1-based.
 */
export interface Diagnostic {
  /** Stable machine-readable code, e.g. `EXR_UNKNOWN_RECIPIENT`; tests and tools match on it. */
  code: string;
  severity: 'error' | 'warning';
  /** Says what is wrong and how to fix it. */
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** JSON Pointer into the document or event, e.g. `/rules/3/notify/0/to/1`. */
  pointer?: string;
  /** A suggestion, e.g. `did you mean 'EMEA'?`. */
  hint?: string;
}

/** A place in a source file: where a rule, recipient, template or condition was defined. */
export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** JSON Pointer of the node inside its file. */
  pointer: string;
}
