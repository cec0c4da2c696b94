/**
 * Indentation mistakes, explained in an author's words. The YAML parser reports one wrong
 * indentation as "All mapping items must start at the same column", or as two errors
 * ("Nested mappings are not allowed in compact mappings", "Implicit keys need to be on a single
 * line") at the end of the line *before* the mistake. This finds the line that is really off,
 * and the columns that would be right there.
 */

/** The parser error codes (eemeli/yaml `ErrorCode`) that a wrongly indented line causes. */
export const INDENTATION_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_INDENT',
  'BLOCK_AS_IMPLICIT_KEY',
  'MULTILINE_IMPLICIT_KEY',
]);

/** One indentation mistake: the line to fix (1-based), where its text starts, and what to do. */
export interface IndentationMistake {
  line: number;
  column: number;
  message: string;
}

interface LineShape {
  /** Column (0-based) where the line's key or value starts, after any `- ` markers. */
  column: number;
  /** The key the line sets, or its text when it sets none. */
  label: string;
  /** True when the line ends with `key:` and nothing after it: a block follows. */
  opensBlock: boolean;
}

const MAX_LABEL = 40;

function shapeOf(text: string): LineShape | undefined {
  const trimmed = text.trimStart();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const dashes = /^(?:-[ \t]+)*/.exec(trimmed)?.[0] ?? '';
  const content = trimmed.slice(dashes.length);
  const column = text.length - trimmed.length + dashes.length;
  const key = /^("[^"]*"|'[^']*'|[^\s:#][^:#]*?)\s*:(?:\s|$)/.exec(content)?.[1];
  const label = (key ?? content).slice(0, MAX_LABEL);
  return { column, label, opensBlock: key !== undefined && /:\s*(?:#.*)?$/.test(content) };
}

/**
 * Explains the indentation mistake behind a parser error of `code` reported on `errorLine`
 * (1-based) of `text`, or `undefined` when the lines do not show one (then the parser's own
 * message stands). Linear in the lines before the mistake.
 */
export function explainIndentation(
  text: string,
  code: string,
  errorLine: number,
): IndentationMistake | undefined {
  if (!INDENTATION_ERROR_CODES.has(code)) return undefined;
  const lines = text.split(/\r?\n/);
  // BAD_INDENT points at the line itself; the other two at the end of the line before it.
  let index = errorLine - 1;
  if (code !== 'BAD_INDENT') {
    index += 1;
    while (index < lines.length && shapeOf(lines[index] ?? '') === undefined) index += 1;
  }
  const culprit = shapeOf(lines[index] ?? '');
  if (culprit === undefined) return undefined;
  // The keys this line could line up with: walking up, each line less indented than every
  // line seen so far (its siblings and enclosing keys), nearest first.
  const levels: { column: number; label: string; line: number }[] = [];
  let smallest = Number.POSITIVE_INFINITY;
  for (let at = index - 1; at >= 0 && smallest > 0; at--) {
    const shape = shapeOf(lines[at] ?? '');
    if (shape === undefined || shape.column >= smallest) continue;
    if (at === index - 1 && shape.opensBlock && culprit.column > shape.column) return undefined;
    smallest = shape.column;
    levels.push({ column: shape.column, label: shape.label, line: at + 1 });
  }
  if (levels.some((level) => level.column === culprit.column)) return undefined;
  const deeper = levels.filter((level) => level.column > culprit.column).at(-1);
  const shallower = levels.find((level) => level.column < culprit.column);
  const options = [deeper, shallower]
    .filter((level) => level !== undefined)
    .map((level) => `${level.column} to line it up with '${level.label}' (line ${level.line})`);
  const spaces = (n: number): string => `${n} space${n === 1 ? '' : 's'}`;
  return {
    line: index + 1,
    column: culprit.column + 1,
    message: `'${culprit.label}' is indented by ${spaces(culprit.column)}, which lines it up with no key above it, so YAML cannot tell which mapping it belongs to${
      options.length > 0 ? `; indent it by ${options.join(', or by ')}` : ''
    }`,
  };
}
