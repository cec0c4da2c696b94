import { isAbsolute, relative } from 'node:path';
import { formatDiagnostic } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** `file` relative to the working directory when it lies below it, so reports stay short. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const shown = relative(cwd, file);
  return shown.startsWith('..') || isAbsolute(shown) ? file : shown;
}

/** `file:line:column  CODE  message` with the file shown relative to the working directory. */
export function formatDiagnosticLine(diagnostic: Diagnostic, cwd?: string): string {
  return formatDiagnostic(
    diagnostic.file !== undefined
      ? { ...diagnostic, file: displayPath(diagnostic.file, cwd) }
      : diagnostic,
  );
}
