import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { PointerSegment } from '../validate/json-pointer.js';

/** A 1-based line and column in a source file. */
export interface LineColumn {
  line: number;
  column: number;
}

/** The start of every file: where problems without a better position are reported. */
export const FILE_START: LineColumn = { line: 1, column: 1 };

/**
 * Maps JSON Pointer segments of the parsed value back to positions in the YAML source, via the
 * document's node ranges and a LineCounter (offsets become line/column only when asked for).
 */
export class SourcePositions {
  readonly file: string;
  readonly #doc: Document | undefined;
  readonly #lineCounter: LineCounter | undefined;

  constructor(file: string, doc?: Document, lineCounter?: LineCounter) {
    this.file = file;
    this.#doc = doc;
    this.#lineCounter = lineCounter;
  }

  /** Position of a byte offset in the source. */
  atOffset(offset: number): LineColumn {
    if (this.#lineCounter === undefined) return FILE_START;
    const { line, col } = this.#lineCounter.linePos(offset);
    return { line, column: col };
  }

  /**
   * Position of the node at `segments` (its key when `at` is `key`); falls back to the deepest
   * node that exists on the way, then to the start of the file.
   */
  locate(segments: readonly PointerSegment[], at: 'value' | 'key' = 'value'): LineColumn {
    const offset = this.#findOffset(segments, at);
    return offset === undefined ? FILE_START : this.atOffset(offset);
  }

  #findOffset(segments: readonly PointerSegment[], at: 'value' | 'key'): number | undefined {
    const doc = this.#doc;
    if (doc === undefined) return undefined;
    let node: unknown = doc.contents;
    let best = rangeStart(node);
    for (let i = 0; i < segments.length; i++) {
      const segment = String(segments[i]);
      const last = i === segments.length - 1;
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment,
        );
        if (pair === undefined) return best;
        const keyStart = rangeStart(pair.key);
        if (last && at === 'key') return keyStart ?? best;
        best = keyStart ?? best;
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(segment)];
      } else {
        return best;
      }
      best = rangeStart(node) ?? best;
    }
    return best;
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Partial<Node> | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}
