import type { SuiteRunResult } from '../run/results.js';

/** The whole run as JSON (stable field names, see SuiteRunResult), for tools and dashboards. */
export function formatJsonReport(result: SuiteRunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
