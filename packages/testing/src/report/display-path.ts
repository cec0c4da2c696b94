import { isAbsolute, relative, sep } from 'node:path';
import { formatDiagnostic } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** `file` relative to the working directory when it lies below it, so reports stay short. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const shown = relative(cwd, file);
  return shown.startsWith('..') || isAbsolute(shown) ? file : shown;
}

/**
 * `diagnostic` as it is shown: its file, and the files its message and hint mention (a rule
 * defined twice, a shadowing rule), relative to the working directory when below it — so one
 * finding never mixes relative and absolute paths.
 */
export function displayDiagnostic(diagnostic: Diagnostic, cwd: string = process.cwd()): Diagnostic {
  const prefix = cwd.endsWith(sep) ? cwd : `${cwd}${sep}`;
  const shorten = (text: string): string => text.split(prefix).join('');
  return {
    ...diagnostic,
    ...(diagnostic.file !== undefined ? { file: displayPath(diagnostic.file, cwd) } : {}),
    message: shorten(diagnostic.message),
    ...(diagnostic.hint !== undefined ? { hint: shorten(diagnostic.hint) } : {}),
  };
}

/** `file:line:column  CODE  message` with every path shown as `displayDiagnostic` shows it. */
export function formatDiagnosticLine(diagnostic: Diagnostic, cwd?: string): string {
  return formatDiagnostic(displayDiagnostic(diagnostic, cwd));
}
