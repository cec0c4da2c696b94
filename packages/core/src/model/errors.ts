import type { Diagnostic } from './diagnostic.js';

/** Base class of every error exroute throws; carries a stable namespaced `code`. */
export class ExrouteError extends Error {
  /** Stable machine-readable code, e.g. `EXR_RULESET_INVALID`. */
  readonly code: string;
  /** Every problem found; never empty. */
  readonly diagnostics: Diagnostic[];

  constructor(code: string, message: string, diagnostics: Diagnostic[]) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.diagnostics = diagnostics;
  }
}

/** Thrown by `parseRuleSet` / `loadRuleSet` with every error-severity diagnostic found in one pass. */
export class RuleSetError extends ExrouteError {
  constructor(diagnostics: Diagnostic[]) {
    super('EXR_RULESET_INVALID', summarize('rule set is invalid', diagnostics), diagnostics);
  }
}

/** Thrown by `Router.route` / `explain` when an event does not match the NormalizedEvent schema. */
export class EventValidationError extends ExrouteError {
  constructor(diagnostics: Diagnostic[]) {
    super('EXR_EVENT_INVALID', summarize('event is invalid', diagnostics), diagnostics);
  }
}

/** `file:line:column  CODE  message` — the one-line rendering the CLI and error messages use. */
export function formatDiagnostic(d: Diagnostic): string {
  const where =
    d.file !== undefined
      ? `${d.file}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''}`
      : (d.pointer ?? '');
  const hint = d.hint !== undefined ? ` (${d.hint})` : '';
  return `${where ? `${where}  ` : ''}${d.code}  ${d.message}${hint}`;
}

function summarize(what: string, diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const shown = errors.slice(0, 5).map((d) => `  ${formatDiagnostic(d)}`);
  const more = errors.length > 5 ? [`  … and ${errors.length - 5} more`] : [];
  return [`${what}: ${errors.length} error(s)`, ...shown, ...more].join('\n');
}
