import { isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { Report } from '../validate/report.js';
import {
  MAX_ALIAS_COUNT,
  MAX_FILE_BYTES,
  MAX_YAML_DEPTH,
  YAML_LIBRARY_ALIAS_GUARD,
} from './limits.js';
import { FILE_START, SourcePositions } from './source-positions.js';
import type { LineColumn } from './source-positions.js';
import { explainIndentation } from './yaml-indentation.js';

/** The text of one rule file and the name it is reported under. */
export interface RuleSource {
  text: string;
  filename: string;
}

/** One rule file parsed into plain data, with the means to find any node's position again. */
export interface ParsedRuleFile {
  file: string;
  value: unknown;
  positions: SourcePositions;
}

/**
 * Parses one YAML rule file with the 1.2 core schema forced and every hardening bound applied;
 * reports each problem and returns `undefined` when the file cannot be turned into data. Never
 * throws, whatever the parser throws.
 */
export function parseYamlSource(source: RuleSource, report: Report): ParsedRuleFile | undefined {
  const file = source.filename;
  const at = (where: LineColumn) => ({ file, line: where.line, column: where.column });
  if (source.text.length > MAX_FILE_BYTES || Buffer.byteLength(source.text) > MAX_FILE_BYTES) {
    report({
      code: 'EXR_FILE_TOO_LARGE',
      severity: 'error',
      message: `rule file is larger than ${MAX_FILE_BYTES} bytes; split it into several files`,
      ...at(FILE_START),
    });
    return undefined;
  }
  const tooDeep = deepFlowOffset(source.text, 4 * MAX_YAML_DEPTH);
  if (tooDeep >= 0) {
    // yaml composes flow collections recursively: how deep it gets before the stack runs out,
    // and what it then reports, depends on the caller's stack (in a shared test worker it once
    // surfaced as a tag error). Nesting far past the limit is refused before parsing; nesting
    // just past it is still reported by checkTree at the first node that is too deep.
    const before = source.text.slice(0, tooDeep);
    const line = before.split('\n').length;
    report({
      code: 'EXR_YAML_TOO_DEEP',
      severity: 'error',
      message: `the YAML nests too deeply to parse; keep nesting under ${MAX_YAML_DEPTH} levels`,
      ...at({ line, column: tooDeep - before.lastIndexOf('\n') }),
    });
    return undefined;
  }
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(source.text, {
      schema: 'core',
      merge: false,
      // yaml's own check compares each key with every earlier one (quadratic: 40 000 keys took
      // a minute); checkTree finds duplicates with one Set per mapping instead.
      uniqueKeys: false,
      stringKeys: true,
      resolveKnownTags: false,
      prettyErrors: true,
      strict: true,
      lineCounter,
    });
  } catch (error) {
    report(parserFailure(error, file));
    return undefined;
  }
  const positions = new SourcePositions(file, doc, lineCounter, source.text);
  let failed = reportYamlProblems(doc, positions, report, source.text);
  if (!failed) failed = !checkTree(doc, positions, report);
  if (!failed) {
    for (const offset of duplicateKeyOffsets(doc)) {
      failed = true;
      const where = positions.atOffset(offset);
      report({
        code: 'EXR_YAML_DUPLICATE_KEY',
        severity: 'error',
        message: 'this key appears twice in the same mapping; keep one of them',
        file,
        line: where.line,
        column: where.column,
      });
    }
  }
  if (failed) return undefined;
  let value: unknown;
  try {
    // checkTree bounded the aliases already (located, linear); yaml's own count is the backstop.
    value = doc.toJS({ maxAliasCount: YAML_LIBRARY_ALIAS_GUARD });
  } catch (error) {
    if (error instanceof ReferenceError) {
      report({
        code: 'EXR_YAML_ALIAS_LIMIT',
        severity: 'error',
        message: `aliases expand to too many nodes (limit ${MAX_ALIAS_COUNT}); write the values out instead of aliasing them`,
        ...at(FILE_START),
      });
    } else {
      report(parserFailure(error, file));
    }
    return undefined;
  }
  if (valueDepthExceeds(value, MAX_YAML_DEPTH)) {
    report({
      code: 'EXR_YAML_TOO_DEEP',
      severity: 'error',
      message: `aliases nest the data deeper than ${MAX_YAML_DEPTH} levels; flatten the structure`,
      ...at(FILE_START),
    });
    return undefined;
  }
  return { file, value, positions };
}

function parserFailure(error: unknown, file: string) {
  const where = lineColumnOf(error) ?? FILE_START;
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return {
    code: 'EXR_YAML_INTERNAL',
    severity: 'error' as const,
    message: `the YAML parser failed (${detail}); check the file is valid YAML text`,
    file,
    line: where.line,
    column: where.column,
  };
}

function lineColumnOf(error: unknown): LineColumn | undefined {
  const linePos = (error as { linePos?: unknown } | null)?.linePos;
  if (!Array.isArray(linePos)) return undefined;
  const first: unknown = linePos[0];
  if (first === null || typeof first !== 'object') return undefined;
  const { line, col } = first as { line?: unknown; col?: unknown };
  return typeof line === 'number' && typeof col === 'number' ? { line, column: col } : undefined;
}

const YAML_ERROR_CODES: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'EXR_YAML_DUPLICATE_KEY',
  RESOURCE_EXHAUSTION: 'EXR_YAML_TOO_DEEP',
  TAG_RESOLVE_FAILED: 'EXR_YAML_TAG',
  BAD_ALIAS: 'EXR_YAML_SYNTAX',
};

const MAX_PARSER_DIAGNOSTICS = 20;

/**
 * Reports the parser's errors and warnings (all fatal); true when there was any. A wrongly
 * indented line is reported once, at that line, in words (see yaml-indentation.ts), however
 * many parser errors it causes.
 */
function reportYamlProblems(
  doc: Document,
  positions: SourcePositions,
  report: Report,
  text: string,
): boolean {
  const problems: YAMLError[] = [...doc.errors, ...doc.warnings];
  const seenCodes = new Set<string>();
  const indentedLines = new Set<number>();
  let reported = 0;
  for (const problem of problems) {
    const code =
      YAML_ERROR_CODES[problem.code] ??
      (problem.name === 'YAMLWarning' ? 'EXR_YAML_WARNING' : 'EXR_YAML_SYNTAX');
    // A stack-exhaustion cascade repeats once per nesting level; one report says it all.
    if (code === 'EXR_YAML_TOO_DEEP' && seenCodes.has(code)) continue;
    seenCodes.add(code);
    if (reported >= MAX_PARSER_DIAGNOSTICS) break;
    const where = positions.atOffset(problem.pos[0]);
    const indentation = explainIndentation(text, problem.code, where.line);
    if (indentation !== undefined) {
      if (indentedLines.has(indentation.line)) continue;
      indentedLines.add(indentation.line);
      if (reported++ >= MAX_PARSER_DIAGNOSTICS) break;
      report({
        code: 'EXR_YAML_INDENTATION',
        severity: 'error',
        message: indentation.message,
        file: positions.file,
        line: indentation.line,
        column: indentation.column,
      });
      continue;
    }
    if (reported++ >= MAX_PARSER_DIAGNOSTICS) break;
    report({
      code,
      severity: 'error',
      message: yamlMessage(code, problem),
      file: positions.file,
      line: where.line,
      column: where.column,
    });
  }
  return problems.length > 0;
}

function yamlMessage(code: string, problem: YAMLError): string {
  const detail = problem.message.split(' at line ')[0]?.split('\n')[0] ?? problem.code;
  switch (code) {
    case 'EXR_YAML_DUPLICATE_KEY':
      return 'this key appears twice in the same mapping; keep one of them';
    case 'EXR_YAML_TOO_DEEP':
      return `the YAML nests too deeply to parse; keep nesting under ${MAX_YAML_DEPTH} levels`;
    case 'EXR_YAML_TAG':
      return `${detail}; rule files allow no custom or unknown tags — remove the tag and write a plain value`;
    case 'EXR_YAML_WARNING':
      return `${detail}; rule files must parse without warnings`;
    default:
      if (problem.code === 'TAB_AS_INDENT') {
        return 'this line is indented with a tab, and YAML allows only spaces for indentation; replace the tab with spaces';
      }
      return `${detail}; fix the YAML syntax here`;
  }
}

/**
 * Walks the node tree once, in document order and without recursion: bounds nesting depth,
 * resolves every alias to the latest anchor of its name before it (YAML's rule) from a map built
 * during the same walk, rejects aliases that point at one of their own ancestors (the data would
 * be circular), and counts alias expansions — an alias counts one plus the expansions inside the
 * node it refers to — reporting the first alias past `MAX_ALIAS_COUNT` at its own position.
 * Linear in the document: yaml's `Alias.resolve` re-visits the whole document per alias, so 16 000
 * aliases cost minutes there. True when the tree is fine.
 */
function checkTree(doc: Document, positions: SourcePositions, report: Report): boolean {
  const ancestors = new Set<unknown>();
  const anchors = new Map<string, unknown>();
  /** Alias expansions inside each anchored node, known once the walk has left it. */
  const expansionsWithin = new Map<unknown, number>();
  let expansions = 0;
  const stack: { node: unknown; depth: number; leaving: boolean; before: number }[] = [
    { node: doc.contents, depth: 1, leaving: false, before: 0 },
  ];
  const fail = (code: string, message: string, node: unknown): false => {
    const range = (node as { range?: [number, number, number] }).range;
    const where = range ? positions.atOffset(range[0]) : FILE_START;
    report({
      code,
      severity: 'error',
      message,
      file: positions.file,
      line: where.line,
      column: where.column,
    });
    return false;
  };
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry.leaving) {
      ancestors.delete(entry.node);
      if ((entry.node as { anchor?: unknown }).anchor !== undefined) {
        expansionsWithin.set(entry.node, expansions - entry.before);
      }
      continue;
    }
    const { node, depth } = entry;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        return fail(
          'EXR_YAML_SYNTAX',
          `alias *${node.source} has no anchor &${node.source} before it; define the anchor first or write the value out`,
          node,
        );
      }
      if (ancestors.has(target)) {
        return fail(
          'EXR_YAML_ALIAS_CYCLE',
          `alias *${node.source} refers to a node that contains it; the data would be circular`,
          node,
        );
      }
      expansions += 1 + (expansionsWithin.get(target) ?? 0);
      if (expansions > MAX_ALIAS_COUNT) {
        return fail(
          'EXR_YAML_ALIAS_LIMIT',
          `aliases expand more than ${MAX_ALIAS_COUNT} times in this document (each *alias counts once, plus the aliases inside what it refers to); write the values out instead of aliasing them`,
          node,
        );
      }
      continue;
    }
    const anchor = (node as { anchor?: unknown } | null)?.anchor;
    if (typeof anchor === 'string') anchors.set(anchor, node);
    if (isScalar(node)) {
      if (isImpreciseInteger(node.value, node.source)) {
        return fail(
          'EXR_YAML_INTEGER_TOO_LARGE',
          `the integer ${String(node.source)} is beyond ±${Number.MAX_SAFE_INTEGER}, where JavaScript numbers stop holding every integer exactly (it reads as ${String(node.value)}); quote it to compare it as text, or use a smaller number`,
          node,
        );
      }
      continue;
    }
    if (!isCollection(node)) continue;
    if (depth > MAX_YAML_DEPTH) {
      return fail(
        'EXR_YAML_TOO_DEEP',
        `the YAML nests deeper than ${MAX_YAML_DEPTH} levels; flatten the structure`,
        node,
      );
    }
    ancestors.add(node);
    stack.push({ node, depth, leaving: true, before: expansions });
    const children: unknown[] = [];
    for (const item of node.items) {
      if (isMap(node) && isPair(item)) children.push(item.key, item.value);
      else children.push(item);
    }
    for (let i = children.length - 1; i >= 0; i--) {
      if (children[i] != null) {
        stack.push({ node: children[i], depth: depth + 1, leaving: false, before: 0 });
      }
    }
  }
  return true;
}

// Integer literals as the YAML 1.2 core schema writes them: decimal (also with a zero fraction,
// `…993.0`), 0x hexadecimal, 0o octal. Exponent forms are floats on purpose and are left alone.
const INTEGER_LITERAL = /^[-+]?(?:[0-9]+(?:\.0*)?|0x[0-9a-fA-F]+|0o[0-7]+)$/;

/**
 * True for a YAML scalar (its parsed `value` and its `source` text) that is an integer literal a
 * JavaScript number cannot hold exactly: the parser would round it without a word, and a rule or
 * a test comparing with it would compare with another number.
 */
export function isImpreciseInteger(value: unknown, source: unknown): boolean {
  return (
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    typeof source === 'string' &&
    INTEGER_LITERAL.test(source)
  );
}

/** Whether plain data nests deeper than `limit` (iterative, so a cycle cannot overflow the stack). */
export function valueDepthExceeds(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  let visited = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit || ++visited > 1_000_000) return true;
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/**
 * Source offsets of the mapping keys that repeat an earlier key of the same mapping (keys compare
 * as strings), at most `limit` of them, in document order: the linear replacement for yaml's
 * `uniqueKeys`, which compares each key with every earlier one. Parse with `uniqueKeys: false`
 * and report these instead. Walks the node tree without recursion.
 */
export function duplicateKeyOffsets(doc: Document, limit = MAX_PARSER_DIAGNOSTICS): number[] {
  const offsets: number[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0 && offsets.length < limit) {
    const node = stack.pop();
    if (!isCollection(node)) continue;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const item of node.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const key = String(item.key.value);
        if (seen.has(key) && offsets.length < limit) offsets.push(item.key.range?.[0] ?? 0);
        seen.add(key);
      }
    }
    const children: unknown[] = [];
    for (const item of node.items) {
      if (isPair(item)) children.push(item.key, item.value);
      else children.push(item);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return offsets.sort((a, b) => a - b);
}

/**
 * The offset of the first `[` or `{` that opens flow nesting deeper than `limit`, or -1; one
 * pass, skipping quoted scalars and comments. Brackets inside block plain scalars are counted
 * too, which can only make a file with more than `limit` unclosed ones there be refused early.
 */
function deepFlowOffset(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    } else if (c === 0x22) {
      // "…" with backslash escapes
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c) i++;
      }
    } else if (c === 0x27) {
      // '…' with '' as the escaped quote
      for (i++; i < text.length; i++) {
        if (text.charCodeAt(i) !== 0x27) continue;
        if (text.charCodeAt(i + 1) === 0x27) i++;
        else break;
      }
    } else if (c === 0x23 && (i === 0 || /\s/.test(text.charAt(i - 1)))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    }
  }
  return -1;
}
