import { hash } from 'node:crypto';
import { canonicalJson } from '@exroute/core';

/**
 * The id of an event whose producer gave it none: `sha256-` + the first 32 hex digits of the
 * SHA-256 of its canonical JSON (core's `canonicalJson`: keys sorted at every level), so a re-sent
 * copy gets the same id, even from a producer that re-serialises it in another key order.
 * Callers bound the depth first (checkRawStructure).
 */
export function contentHashId(raw: unknown): string {
  // One-shot hash: no Hash object per event; same digest as createHash('sha256').
  return `sha256-${hash('sha256', canonicalJson(raw), 'hex').slice(0, 32)}`;
}
