import { ExrouteError, formatDiagnostic } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** Thrown when a service configuration (file or object) is invalid; lists every problem found. */
export class ServiceConfigError extends ExrouteError {
  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      'EXR_SERVICE_CONFIG_INVALID',
      [
        `service configuration is invalid: ${errors.length} error(s)`,
        ...errors.slice(0, 5).map((d) => `  ${formatDiagnostic(d)}`),
      ].join('\n'),
      diagnostics,
    );
  }
}

/** Thrown by service operations that cannot proceed (Redis unreachable at start, unknown dead letter). */
export class ServiceError extends ExrouteError {
  constructor(code: string, message: string) {
    super(code, message, [{ code, severity: 'error', message }]);
  }
}
