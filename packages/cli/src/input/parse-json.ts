import type { Diagnostic } from '@exroute/core';

/**
 * Parses JSON text; a syntax error becomes an `EXR_CLI_INVALID_JSON` diagnostic at the line
 * and column where parsing stopped (`lineOffset` shifts lines for JSON Lines input).
 */
export function parseJsonText(
  text: string,
  file: string,
  lineOffset = 0,
): { value: unknown } | { diagnostic: Diagnostic } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const { line, column } = errorPosition(text, reason);
    return {
      diagnostic: {
        code: 'EXR_CLI_INVALID_JSON',
        severity: 'error',
        message: `not valid JSON (${reason.split('\n')[0] ?? reason})`,
        file,
        line: line + lineOffset,
        column,
      },
    };
  }
}

function errorPosition(text: string, reason: string): { line: number; column: number } {
  const lineColumn = /line (\d+) column (\d+)/.exec(reason);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(reason);
  if (!position) return { line: 1, column: 1 };
  const offset = Math.min(Number(position[1]), text.length);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}
