import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two payloads that differ only in key order
 * (as re-serialising producers do) hash alike. Callers bound the depth first (checkRawStructure).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The id of an event whose producer gave it none: `sha256-` + the first 32 hex digits of the
 * SHA-256 of its canonical JSON, so a re-sent copy gets the same id and can be de-duplicated.
 */
export function contentHashId(raw: unknown): string {
  return `sha256-${createHash('sha256').update(canonicalJson(raw)).digest('hex').slice(0, 32)}`;
}
