import { ExrouteError } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** Event id and source a case gets unless it or the suite defaults say otherwise. */
export const DEFAULT_EVENT_SOURCE = 'exroute/test';
/** Event time (and clock) of a case that sets neither `time` nor `at` anywhere. */
export const DEFAULT_EVENT_TIME = '2000-01-01T00:00:00Z';

/** The diagnostics carried by an exroute error, or one diagnostic describing anything else. */
export function diagnosticsOf(error: unknown, fallbackCode: string): Diagnostic[] {
  if (error instanceof ExrouteError) return error.diagnostics;
  return [
    {
      code: fallbackCode,
      severity: 'error',
      message: `unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    },
  ];
}
