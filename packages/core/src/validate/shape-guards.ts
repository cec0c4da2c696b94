import { FORBIDDEN_KEYS } from '../paths/simple-path.js';

/**
 * Narrowing helpers for parsed YAML that the schema may already have rejected: semantic checks
 * run on every file in the same pass, so they must read malformed data without throwing.
 */

/** A plain mapping (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Own entries of a mapping in source order, without the forbidden prototype keys. */
export function safeEntries(value: unknown): [string, unknown][] {
  if (!isRecord(value)) return [];
  return Object.keys(value)
    .filter((key) => !FORBIDDEN_KEYS.has(key))
    .map((key) => [key, value[key]]);
}

/** Whether a mapping has `key` as an own property. */
export function hasOwn(value: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

/** The value when it is a string, else `undefined`. */
export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The string items of a list (a single string counts as a one-item list). */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string');
}

/** A mapping of string values, dropping anything else. */
export function stringRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of safeEntries(value)) {
    if (typeof item === 'string') result[key] = item;
  }
  return result;
}
