import { ExrouteError } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** Class-level codes of {@link DeliveryError}; each names one way delivery cannot even start. */
export type DeliveryErrorCode =
  /** The client configuration is unusable (bad URL, missing credentials, bad option). */
  | 'EXR_DELIVERY_CONFIG_INVALID'
  /** A request handed to `send` is malformed (empty key, unknown path, …). */
  | 'EXR_DELIVERY_REQUEST_INVALID'
  /** The outbox or dead-letter file could not be written or read. */
  | 'EXR_DELIVERY_STORE_FAILED'
  /** Another live process holds the outbox's lock file. */
  | 'EXR_DELIVERY_OUTBOX_LOCKED'
  /** `send` was called after `close`. */
  | 'EXR_DELIVERY_CLOSED';

/**
 * Thrown by @exroute/notifications for problems the caller must fix before anything can be
 * delivered; per-request delivery failures are never thrown, they are dead-lettered.
 * Messages and diagnostics never contain client secrets or access tokens.
 */
export class DeliveryError extends ExrouteError {
  declare readonly code: DeliveryErrorCode;

  constructor(code: DeliveryErrorCode, message: string, diagnostics: Diagnostic[]) {
    super(code, message, diagnostics);
  }
}

/** Builds an error-severity diagnostic; `pointer` locates the offending option or request. */
export function deliveryDiagnostic(
  code: string,
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
