import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
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
  readonly #text: string | undefined;
  readonly #pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(file: string, doc?: Document, lineCounter?: LineCounter, text?: string) {
    this.file = file;
    this.#doc = doc;
    this.#lineCounter = lineCounter;
    this.#text = text;
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

  /**
   * Position of the `occurrence`-th (0-based) `needle` inside the source of the scalar at
   * `segments` (e.g. one placeholder in a template text), so a problem in a long string points at
   * itself; the scalar's own position when it is not written literally there (escapes, folding).
   */
  locateWithin(segments: readonly PointerSegment[], needle: string, occurrence = 0): LineColumn {
    const start = this.#findOffset(segments, 'value');
    if (start === undefined) return FILE_START;
    const node = this.#findNode(segments);
    const end = (node as Partial<Node> | undefined)?.range?.[1];
    if (this.#text === undefined || !isScalar(node) || end === undefined) {
      return this.atOffset(start);
    }
    const source = this.#text.slice(start, end);
    let found = source.indexOf(needle);
    for (let n = 0; n < occurrence && found >= 0; n++) {
      found = source.indexOf(needle, found + needle.length);
    }
    return this.atOffset(found < 0 ? start : start + found);
  }

  /**
   * The pair of `map` whose key reads as `segment` (the first, as before). Mappings are indexed on
   * first use, so reporting at every entry of a mapping with n keys costs O(n), not O(n²).
   */
  #pairOf(map: YAMLMap, segment: string): Pair | undefined {
    let index = this.#pairIndex.get(map);
    if (index === undefined) {
      index = new Map();
      for (const item of map.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const key = String(item.key.value);
        if (!index.has(key)) index.set(key, item);
      }
      this.#pairIndex.set(map, index);
    }
    return index.get(segment);
  }

  #findNode(segments: readonly PointerSegment[]): unknown {
    const doc = this.#doc;
    if (doc === undefined) return undefined;
    let node: unknown = doc.contents;
    for (const raw of segments) {
      const segment = String(raw);
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        node = this.#pairOf(node, segment)?.value;
      } else if (isSeq(node)) {
        node = node.items[Number(segment)];
      } else {
        return undefined;
      }
    }
    return node;
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
        const pair = this.#pairOf(node, segment);
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
