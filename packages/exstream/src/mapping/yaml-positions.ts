import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

/** A 1-based line and column in a source file. */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * The position of the YAML node at `segments` (JSON Pointer steps), or of its mapping key when
 * `atKey` is set — the nearest existing ancestor when the path runs out (e.g. a missing key).
 */
export function positionOf(
  doc: Document,
  lineCounter: LineCounter,
  segments: readonly string[],
  atKey = false,
): LineColumn {
  let node: unknown = doc.contents;
  let position = offsetOf(node);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === segment,
      );
      if (pair === undefined) break;
      if (last && atKey) {
        position = offsetOf(pair.key) ?? position;
        break;
      }
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      break;
    }
    position = offsetOf(node) ?? position;
  }
  const { line, col } = lineCounter.linePos(position ?? 0);
  return { line, column: col };
}

function offsetOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
