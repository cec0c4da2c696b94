/**
 * A YAML document read with the hardened options every exroute file uses, kept together with
 * its line counter so any JSON Pointer into the data can be turned into file:line:column later
 * (when an ajv error, a router diagnostic or an expectation needs a position).
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import { duplicateKeyOffsets, isImpreciseInteger } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

/** Files larger than this are refused before parsing: suites are hand-written, never huge. */
export const MAX_SOURCE_BYTES = 5 * 1024 * 1024;
/** Nesting deeper than this is refused: it protects the validators from stack exhaustion. */
export const MAX_NESTING_DEPTH = 64;

/** Parsed YAML plus everything needed to report positions inside it. */
export class YamlSource {
  readonly file: string;
  readonly data: unknown;
  private readonly document: Document.Parsed;
  private readonly lineCounter: LineCounter;

  private constructor(
    file: string,
    data: unknown,
    document: Document.Parsed,
    lineCounter: LineCounter,
  ) {
    this.file = file;
    this.data = data;
    this.document = document;
    this.lineCounter = lineCounter;
  }

  /**
   * Parses `text` (YAML 1.2 core schema, no aliases, no merge keys, no custom tags); returns the
   * source, or the diagnostics that prevent reading it. YAML warnings count as errors.
   */
  static parse(
    text: string,
    file: string,
    codePrefix: string,
  ): { source: YamlSource } | { diagnostics: Diagnostic[] } {
    if (Buffer.byteLength(text, 'utf8') > MAX_SOURCE_BYTES) {
      return {
        diagnostics: [
          {
            code: `${codePrefix}_TOO_LARGE`,
            severity: 'error',
            message: `file is larger than ${MAX_SOURCE_BYTES} bytes; split it into several files`,
            file,
            line: 1,
            column: 1,
          },
        ],
      };
    }
    const lineCounter = new LineCounter();
    let document: Document.Parsed;
    try {
      document = parseDocument(text, {
        schema: 'core',
        merge: false,
        stringKeys: true,
        resolveKnownTags: false,
        // Checked below in linear time: yaml's own check is quadratic in a mapping's size.
        uniqueKeys: false,
        prettyErrors: true,
        lineCounter,
      });
    } catch (error) {
      return { diagnostics: [yamlFailure(file, codePrefix, error)] };
    }
    const problems = [...document.errors, ...document.warnings];
    if (problems.length === 0) {
      const duplicates = duplicateKeyOffsets(document).map((offset) => {
        const position = lineCounter.linePos(offset);
        return {
          code: `${codePrefix}_YAML`,
          severity: 'error' as const,
          message: 'DUPLICATE_KEY: Map keys must be unique',
          file,
          line: position.line,
          column: position.col,
        };
      });
      if (duplicates.length > 0) return { diagnostics: duplicates };
    }
    if (problems.length > 0) {
      return {
        diagnostics: problems.map((problem) => ({
          code: `${codePrefix}_YAML`,
          severity: 'error',
          message: `${problem.code}: ${firstLine(problem.message)}`,
          file,
          line: problem.linePos?.[0].line ?? 1,
          column: problem.linePos?.[0].col ?? 1,
        })),
      };
    }
    let data: unknown;
    try {
      data = document.toJS({ maxAliasCount: 0 });
    } catch (error) {
      return { diagnostics: [yamlFailure(file, codePrefix, error)] };
    }
    const source = new YamlSource(file, data, document, lineCounter);
    const tooDeep = findTooDeep(data);
    if (tooDeep !== undefined) {
      return {
        diagnostics: [
          {
            code: `${codePrefix}_TOO_DEEP`,
            severity: 'error',
            message: `nesting is deeper than ${MAX_NESTING_DEPTH} levels; flatten the data`,
            ...source.locate(tooDeep),
          },
        ],
      };
    }
    // After the depth check: visit recurses as deep as the document nests.
    let imprecise: Node | undefined;
    visit(document, {
      Scalar(_key, node) {
        if (!isImpreciseInteger(node.value, node.source)) return undefined;
        imprecise = node;
        return visit.BREAK;
      },
    });
    if (imprecise !== undefined) {
      const position = lineCounter.linePos(imprecise.range?.[0] ?? 0);
      return {
        diagnostics: [
          {
            code: `${codePrefix}_INTEGER_TOO_LARGE`,
            severity: 'error',
            message: `the integer ${String((imprecise as { source?: unknown }).source)} is beyond ±${Number.MAX_SAFE_INTEGER}, where JavaScript numbers stop holding every integer exactly; quote it, or use a smaller number`,
            file,
            line: position.line,
            column: position.col,
          },
        ],
      };
    }
    return { source };
  }

  /**
   * The file position of the node at `pointer` (or of its closest existing ancestor), as
   * `{ file, line, column, pointer }` ready to spread into a Diagnostic.
   */
  locate(pointer: string): { file: string; line: number; column: number; pointer: string } {
    const node = this.findNode(pointerSegments(pointer));
    const offset = node?.range?.[0] ?? 0;
    const position = this.lineCounter.linePos(offset);
    return { file: this.file, line: position.line, column: position.col, pointer };
  }

  /** Like `locate`, but points at the key of the mapping entry at `pointer` when there is one. */
  locateKey(pointer: string): { file: string; line: number; column: number; pointer: string } {
    const segments = pointerSegments(pointer);
    const last = segments.pop();
    const parent = this.findNode(segments);
    if (last !== undefined && parent !== undefined && isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      if (pair !== undefined && isScalar(pair.key) && pair.key.range) {
        const position = this.lineCounter.linePos(pair.key.range[0]);
        return { file: this.file, line: position.line, column: position.col, pointer };
      }
    }
    return this.locate(pointer);
  }

  private findNode(segments: readonly string[]): Node | undefined {
    let node: unknown = this.document.contents;
    let found: Node | undefined = isNode(node) ? node : undefined;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
        node = isPair(pair) ? pair.value : undefined;
      } else if (isSeq(node)) {
        node = /^(0|[1-9][0-9]*)$/.test(segment) ? node.items[Number(segment)] : undefined;
      } else {
        node = undefined;
      }
      if (!isNode(node)) break;
      found = node;
    }
    return found;
  }
}

/** Appends `segment` to a JSON Pointer, escaping `~` and `/` as RFC 6901 requires. */
export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function yamlFailure(file: string, codePrefix: string, error: unknown): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    code: `${codePrefix}_YAML`,
    severity: 'error',
    message: `cannot read the YAML (${firstLine(reason)}); aliases and anchors are not allowed`,
    file,
    line: 1,
    column: 1,
  };
}

/** JSON Pointer of the first value nested deeper than MAX_NESTING_DEPTH, found iteratively. */
function findTooDeep(data: unknown): string | undefined {
  const stack: { value: unknown; depth: number; pointer: string }[] = [
    { value: data, depth: 0, pointer: '' },
  ];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, depth, pointer } = top;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_NESTING_DEPTH) return pointer;
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : Object.entries(value);
    for (const [key, child] of entries) {
      stack.push({ value: child, depth: depth + 1, pointer: childPointer(pointer, key) });
    }
  }
  return undefined;
}
