/**
 * Finds the fenced code blocks of a Markdown page that are marked as runnable, so the docs test
 * can run them. A marker is an HTML comment on its own line directly before a fence (blank lines
 * between are allowed); readers of the rendered page never see it:
 *
 *   <!-- runnable -->                 run the next block with bash; it must exit 0
 *   <!-- runnable: exit N -->         run it; it must exit with N
 *   <!-- runnable: file PATH -->      write the block to PATH in the page's sandbox
 *   <!-- runnable: suite PATH -->     write the block to PATH, then `npx exroute test PATH` must pass
 *   <!-- runnable: output -->         the block is output of the previous run block (see matchOutput)
 *   <!-- runnable: output of CMD -->  the block is output of CMD, run with bash in the sandbox
 */

/** What a marked block asks the docs test to do. */
export type RunnableAction =
  | { kind: 'run'; exitCode: number }
  | { kind: 'file'; path: string }
  | { kind: 'suite'; path: string }
  | { kind: 'output'; command?: string };

/** One marked fenced block: where it is, what it holds and what to do with it. */
export interface RunnableBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string, e.g. `sh`. */
  info: string;
  /** The block's text, ending with a newline. */
  text: string;
  action: RunnableAction;
}

/** A marker that cannot be used, located in its page. */
export interface MarkerProblem {
  line: number;
  message: string;
}

const MARKER = /^\s*<!--\s*runnable\b(.*?)-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;

/** Parses the text after `runnable` in a marker; undefined when it is not a known action. */
export function parseMarker(rest: string): RunnableAction | undefined {
  const body = rest.trim().replace(/^:\s*/, '');
  if (body === '') return { kind: 'run', exitCode: 0 };
  const exit = /^exit\s+(\d{1,3})$/.exec(body);
  if (exit !== null) return { kind: 'run', exitCode: Number(exit[1]) };
  const file = /^(file|suite)\s+(\S+)$/.exec(body);
  if (file !== null) {
    const path = file[2] ?? '';
    if (path.startsWith('/') || path.split('/').includes('..')) return undefined;
    return { kind: file[1] === 'suite' ? 'suite' : 'file', path };
  }
  if (body === 'output') return { kind: 'output' };
  const outputOf = /^output of\s+`([^`]+)`$/.exec(body);
  if (outputOf !== null) return { kind: 'output', command: outputOf[1] ?? '' };
  return undefined;
}

/**
 * Every marked block of `markdown` in page order, and every marker that is unknown or not
 * followed by a fence (so a typo in a marker fails the docs test instead of silently skipping).
 */
export function extractRunnableBlocks(markdown: string): {
  blocks: RunnableBlock[];
  problems: MarkerProblem[];
} {
  const lines = markdown.split(/\r?\n/);
  const blocks: RunnableBlock[] = [];
  const problems: MarkerProblem[] = [];
  let pending: { action: RunnableAction; line: number } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    const marker = MARKER.exec(text);
    if (marker !== null) {
      if (pending !== undefined) {
        problems.push({
          line: pending.line,
          message: 'runnable marker is not followed by a fence',
        });
      }
      const action = parseMarker(marker[1] ?? '');
      if (action === undefined) {
        problems.push({
          line: index + 1,
          message: `unknown runnable marker '${text.trim()}'; see docs/README.md for the markers`,
        });
        pending = undefined;
      } else pending = { action, line: index + 1 };
      continue;
    }
    const fence = FENCE.exec(text);
    if (fence === null) {
      if (pending !== undefined && text.trim() !== '') {
        problems.push({
          line: pending.line,
          message: 'runnable marker is not followed by a fence',
        });
        pending = undefined;
      }
      continue;
    }
    // A fence: find its end, whether or not it is marked, so fences inside it are not read.
    const indent = fence[1] ?? '';
    const opener = fence[2] ?? '```';
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length; end++) {
      const candidate = lines[end] ?? '';
      if (candidate.trim().startsWith(opener) && candidate.trim().replace(/[`~]/g, '') === '') {
        break;
      }
      body.push(candidate.startsWith(indent) ? candidate.slice(indent.length) : candidate);
    }
    if (pending !== undefined) {
      blocks.push({
        line: index + 1,
        info: (fence[3] ?? '').trim(),
        text: `${body.join('\n')}\n`,
        action: pending.action,
      });
      pending = undefined;
    }
    index = end;
  }
  if (pending !== undefined) {
    problems.push({ line: pending.line, message: 'runnable marker is not followed by a fence' });
  }
  return { blocks, problems };
}

/**
 * The lines of `expected` that `actual` does not show, in order: each non-blank expected line
 * must appear, after the previous one, as part of some line of `actual`. Docs abridge output, so
 * `…` stands for anything: a line that is only `…` is skipped, and `…` inside a line matches
 * any text between the parts around it. Trailing spaces are ignored.
 */
export function unmatchedOutputLines(expected: string, actual: string): string[] {
  const actualLines = actual.split(/\r?\n/).map((line) => line.trimEnd());
  const missing: string[] = [];
  let from = 0;
  for (const raw of expected.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.trim() === '…') continue;
    const parts = line.split('…');
    const found = actualLines.findIndex(
      (candidate, at) => at >= from && containsInOrder(candidate, parts),
    );
    if (found === -1) missing.push(line);
    else from = found + 1;
  }
  return missing;
}

function containsInOrder(text: string, parts: readonly string[]): boolean {
  let position = 0;
  for (const part of parts) {
    const at = text.indexOf(part, position);
    if (at === -1) return false;
    position = at + part.length;
  }
  return true;
}
