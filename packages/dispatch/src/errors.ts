import { ExrouteError } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** Stable codes of {@link DispatchError}; callers (the service, the CLI) branch on these only. */
export type DispatchErrorCode =
  /** The state store could not be reached or answered with an error; retry later. */
  | 'EXR_DISPATCH_STORE_UNAVAILABLE'
  /** The state store returned data this version cannot read (corrupt or foreign keys). */
  | 'EXR_DISPATCH_STORE_CORRUPT'
  /** A silence request is malformed: matchers, dates, `createdBy` or `comment`. */
  | 'EXR_DISPATCH_INVALID_SILENCE'
  /** `acknowledge` named an escalation that never started or whose state has expired. */
  | 'EXR_DISPATCH_UNKNOWN_ESCALATION'
  /** A dispatcher option is unusable (no rule set, no store, bad clock). */
  | 'EXR_DISPATCH_INVALID_OPTIONS'
  /** The routing decision handed to `ingest` does not belong to the event or the rule set. */
  | 'EXR_DISPATCH_INVALID_INPUT';

/**
 * The only error class @exroute/dispatch (and every `StateStore`) throws: `code` says what
 * went wrong, `diagnostics` say where (a JSON Pointer into the offending input) and how to fix it.
 */
export class DispatchError extends ExrouteError {
  declare readonly code: DispatchErrorCode;

  constructor(code: DispatchErrorCode, message: string, diagnostics: Diagnostic[] = []) {
    super(
      code,
      message,
      diagnostics.length > 0 ? diagnostics : [{ code, severity: 'error', message }],
    );
  }
}

/** Builds one error-severity diagnostic for a {@link DispatchError}; `pointer` locates the input. */
export function dispatchDiagnostic(
  code: DispatchErrorCode,
  message: string,
  pointer?: string,
  hint?: string,
): Diagnostic {
  return {
    code,
    severity: 'error',
    message,
    ...(pointer !== undefined ? { pointer } : {}),
    ...(hint !== undefined ? { hint } : {}),
  };
}

/**
 * Wraps anything a store threw into a `DispatchError`: a `DispatchError` passes through, every
 * other error becomes `EXR_DISPATCH_STORE_UNAVAILABLE` with the original as `cause`.
 */
export function asStoreError(error: unknown, operation: string): DispatchError {
  if (error instanceof DispatchError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const wrapped = new DispatchError(
    'EXR_DISPATCH_STORE_UNAVAILABLE',
    `state store failed during ${operation}: ${detail}; the call can be repeated once the store is back`,
  );
  (wrapped as { cause?: unknown }).cause = error;
  return wrapped;
}
