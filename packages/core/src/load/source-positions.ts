import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, Pair } from 'yaml';
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
  /** Each mapping's pairs by key, built on first lookup: locating is O(path), not O(map size). */
  readonly #pairsByKey = new WeakMap<object, Map<string, unknown>>();
  /** Each alias's target, resolved once (yaml's `resolve` walks the whole document). */
  readonly #aliasTargets = new WeakMap<object, unknown>();

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

  #resolve(node: unknown, doc: Document): unknown {
    if (!isAlias(node)) return node;
    if (!this.#aliasTargets.has(node)) this.#aliasTargets.set(node, node.resolve(doc));
    return this.#aliasTargets.get(node);
  }

  /** The pair of `map` whose scalar key reads `segment` (the first one, as `find` gave). */
  #pair(map: { items: unknown[] }, segment: string): Pair<unknown, unknown> | undefined {
    let byKey = this.#pairsByKey.get(map);
    if (byKey === undefined) {
      byKey = new Map();
      for (const p of map.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        const key = String(p.key.value);
        if (!byKey.has(key)) byKey.set(key, p);
      }
      this.#pairsByKey.set(map, byKey);
    }
    return byKey.get(segment) as Pair<unknown, unknown> | undefined;
  }

  #findNode(segments: readonly PointerSegment[]): unknown {
    const doc = this.#doc;
    if (doc === undefined) return undefined;
    let node: unknown = doc.contents;
    for (const raw of segments) {
      const segment = String(raw);
      node = this.#resolve(node, doc);
      if (isMap(node)) {
        const pair = this.#pair(node, segment);
        node = pair?.value;
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
      node = this.#resolve(node, doc);
      if (isMap(node)) {
        const pair = this.#pair(node, segment);
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
