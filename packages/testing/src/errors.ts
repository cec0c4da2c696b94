import { ExrouteError } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** Thrown when a suite file cannot be used (unreadable, invalid YAML, schema violations). */
export class SuiteError extends ExrouteError {
  constructor(diagnostics: Diagnostic[]) {
    super('EXR_SUITE_INVALID', summarize(diagnostics), diagnostics);
  }
}

function summarize(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const where =
    first?.file !== undefined ? `${first.file}:${first.line ?? 1}:${first.column ?? 1}  ` : '';
  return first === undefined
    ? 'suite is invalid'
    : `suite is invalid: ${errors.length} error(s), first: ${where}${first.code}  ${first.message}`;
}

/**
 * Thrown by the vitest integration when a case's expectations do not hold; the message holds
 * each unmet expectation and the explain trace of the event.
 */
export class CaseFailedError extends ExrouteError {
  constructor(caseName: string, details: string, diagnostics: Diagnostic[]) {
    super('EXR_SUITE_CASE_FAILED', `case '${caseName}' failed\n${details}`, diagnostics);
  }
}
