import type { DiagnosticCodeInfo } from './diagnostic-codes.js';

/**
 * The codes of the `invariants:` section (docs/governance.md). They are part of
 * `LOADER_DIAGNOSTIC_CODES`; kept apart so the invariant checks own their catalogue. Unknown
 * recipients and templates reuse `EXR_UNKNOWN_RECIPIENT` and `EXR_UNKNOWN_TEMPLATE`; `for` is
 * checked like a rule's `when` and reports the same codes.
 */
export const INVARIANT_DIAGNOSTIC_CODES = {
  EXR_DUPLICATE_INVARIANT_ID: {
    severity: 'error',
    meaning:
      'Two invariants share an id (in one file or across files); the message names both places.',
    fix: 'Give each invariant a unique id: decisions and audit records name invariants by id.',
  },
  EXR_INVARIANT_NEVER_MATCHES: {
    severity: 'error',
    meaning:
      "An invariant's `for` can match no event: two of its conditions on one field contradict each other (e.g. `region: { equal: UK, in: [DE] }`, `priority: { atLeast: high, atMost: normal }`, `data.volume: { greaterThan: 10, lessThan: 5 }`), so it guarantees nothing.",
    fix: 'Fix or remove one of the contradicting conditions.',
  },
  EXR_INVARIANT_CHANNEL_NOT_IN_TEMPLATE: {
    severity: 'error',
    meaning:
      'An invariant requires a channel that its `template` does not list, so the required notification could not be sent on it.',
    fix: "Add the channel to the template's `channels`, or require only channels the template has.",
  },
  EXR_INVARIANT_NO_ADDRESS: {
    severity: 'error',
    meaning:
      'A recipient an invariant requires has no address on a required channel (itself or through its members), so the invariant could never be met.',
    fix: 'Give the recipient (or its members) an address on that channel, or drop the channel.',
  },
} as const satisfies Record<string, DiagnosticCodeInfo>;
