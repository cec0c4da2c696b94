import type { Diagnostic } from '@exroute/core';
import { displayDiagnostic, displayPath, formatDiagnosticLine } from '@exroute/testing';
import type { CliOutput } from '../cli-io.js';

/** Counts of a diagnostic list. */
export interface DiagnosticCounts {
  errors: number;
  warnings: number;
}

/** How many errors and warnings `diagnostics` holds. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticCounts {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: diagnostics.length - errors };
}

/**
 * Prints one `file:line:column  CODE  message` line per diagnostic (as tsc does), then a count
 * line; the code is coloured by severity when `color` is on.
 */
export function printDiagnosticLines(
  out: CliOutput,
  diagnostics: readonly Diagnostic[],
  color: boolean,
): void {
  for (const diagnostic of diagnostics) {
    let line = formatDiagnosticLine(diagnostic);
    if (color) {
      const tint = diagnostic.severity === 'error' ? 31 : 33;
      line = line.replace(
        `  ${diagnostic.code}  `,
        `  \u001b[${tint}m${diagnostic.code}\u001b[39m  `,
      );
    }
    out.write(`${line}\n`);
  }
}

/** `Found 2 errors and 1 warning in 3 files.` */
export function countLine(counts: DiagnosticCounts, files: number): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `Found ${plural(counts.errors, 'error')} and ${plural(counts.warnings, 'warning')} in ${plural(files, 'file')}.`;
}

/** The JSON document `--format json` prints for diagnostic-producing commands. */
export function diagnosticsJson(
  diagnostics: readonly Diagnostic[],
  files: readonly string[],
): string {
  const counts = countDiagnostics(diagnostics);
  return `${JSON.stringify(
    {
      files: files.map((file) => displayPath(file)),
      errors: counts.errors,
      warnings: counts.warnings,
      diagnostics: diagnostics.map((d) => displayDiagnostic(d)),
    },
    null,
    2,
  )}\n`;
}
