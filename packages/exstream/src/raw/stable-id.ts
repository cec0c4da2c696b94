import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two payloads that differ only in key order
 * (as re-serialising producers do) hash alike. Callers bound the depth first (checkRawStructure).
 */
export function canonicalJson(value: unknown): string {
  // One growing string instead of per-level arrays: ids of id-less events are hashed per event.
  return appendCanonical('', value);
}

function appendCanonical(out: string, value: unknown): string {
  if (value === null || typeof value !== 'object') return out + (JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) {
    out += '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out = appendCanonical(out, value[i]);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  out += '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += first ? JSON.stringify(key) + ':' : ',' + JSON.stringify(key) + ':';
    first = false;
    out = appendCanonical(out, item);
  }
  return out + '}';
}

/**
 * The id of an event whose producer gave it none: `sha256-` + the first 32 hex digits of the
 * SHA-256 of its canonical JSON, so a re-sent copy gets the same id and can be de-duplicated.
 */
export function contentHashId(raw: unknown): string {
  // One-shot hash: no Hash object per event; same digest as createHash('sha256').
  return `sha256-${hash('sha256', canonicalJson(raw), 'hex').slice(0, 32)}`;
}
