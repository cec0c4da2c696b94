import { readFactPath } from '../paths/simple-path.js';
import type { PathSegment } from '../paths/simple-path.js';
import type { EvaluationScope } from './evaluation-scope.js';

/** Reads one fact (and optional path) for one run; built once per leaf at compile time. */
export type FactReader = (scope: EvaluationScope) => unknown;

/** The virtual fact holding the router clock's instant. */
export const NOW_FACT = '$now';

/** Value of the `priority` fact when the event has none (DESIGN.md §2). */
export const DEFAULT_PRIORITY = 'normal';

/**
 * The value of a top-level event field: own properties only, so an event carrying `__proto__`
 * or `constructor` keys can never make a rule read `Object.prototype`.
 */
export function readEventField(event: Readonly<Record<string, unknown>>, field: string): unknown {
  return Object.hasOwn(event, field) ? event[field] : undefined;
}

type Event = Readonly<Record<string, unknown>>;

/**
 * Readers for the NormalizedEvent fields written with literal property names, so V8 serves them
 * from inline caches instead of a keyed lookup per read: rules read these fields on every event.
 * A named read on a plain object finds only an own property as long as `Object.prototype` has no
 * such member, which is checked once here.
 */
const FIELD_READERS: ReadonlyMap<string, (event: Event) => unknown> = new Map(
  (
    [
      ['id', (e) => e.id],
      ['source', (e) => e.source],
      ['type', (e) => e.type],
      ['time', (e) => e.time],
      ['priority', (e) => e.priority],
      ['documentType', (e) => e.documentType],
      ['region', (e) => e.region],
      ['channel', (e) => e.channel],
      ['tenant', (e) => e.tenant],
      ['subject', (e) => e.subject],
      ['correlationId', (e) => e.correlationId],
      ['data', (e) => e.data],
    ] satisfies [string, (event: Event) => unknown][]
  ).filter(([field]) => !(field in Object.prototype)),
);

/** The own value of a top-level field: a named read for plain events, `hasOwnProperty` otherwise. */
function topLevelReader(field: string): FactReader {
  const named = FIELD_READERS.get(field);
  if (named === undefined) return (scope) => readEventField(scope.event, field);
  return (scope) => (scope.plain ? named(scope.event) : readEventField(scope.event, field));
}

/**
 * Compiles the read of `fact` + `path` exactly as json-rules-engine's almanac performs it with
 * `allowUndefinedFacts`: a missing fact is `undefined`, `priority` defaults to `normal` (as the
 * reference's `event.priority ?? 'normal'`), `$now` is the clock, and a path applies only to a
 * non-null object fact value.
 */
export function compileFactReader(
  fact: string,
  segments: readonly PathSegment[] | undefined,
): FactReader {
  const hasPath = segments !== undefined && segments.length > 0;
  if (fact === NOW_FACT) {
    // A path on a string fact yields the fact itself, so the path never matters here.
    return (scope) => scope.nowIso();
  }
  const read = topLevelReader(fact);
  if (fact === 'priority') {
    return hasPath
      ? (scope) => readFactPath(read(scope) ?? DEFAULT_PRIORITY, segments)
      : (scope) => read(scope) ?? DEFAULT_PRIORITY;
  }
  return hasPath ? (scope) => readFactPath(read(scope), segments) : read;
}
