/** JSON Pointer (RFC 6901) helpers: diagnostics carry pointers, positions are looked up by them. */

/** One step into a document: a mapping key or a sequence index. */
export type PointerSegment = string | number;

/** Renders segments as a JSON Pointer, escaping `~` and `/`. */
export function toPointer(segments: readonly PointerSegment[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Splits a JSON Pointer such as ajv's `instancePath` back into (string) segments. */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
