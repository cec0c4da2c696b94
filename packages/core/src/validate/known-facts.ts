/**
 * The facts a condition may name: every top-level NormalizedEvent field plus the router clock
 * `$now` (DESIGN.md §2, §7). Events are closed at the top level, so anything else is a typo.
 */
export const KNOWN_FACTS: ReadonlySet<string> = new Set([
  'id',
  'source',
  'type',
  'time',
  'priority',
  'documentType',
  'region',
  'channel',
  'tenant',
  'subject',
  'correlationId',
  'data',
  '$now',
]);
