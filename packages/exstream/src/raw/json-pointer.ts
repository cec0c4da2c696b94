/** Appends one escaped reference token (RFC 6901) to a JSON Pointer. */
export function childPointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
