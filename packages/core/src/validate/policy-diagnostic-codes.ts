import type { DiagnosticCodeInfo } from './diagnostic-codes.js';

/**
 * The codes of the notification-policy sections (`policies`, `inhibit`, `escalations`, template
 * `digest`, notify `policy` / `escalate`; DESIGN.md §8). They are part of
 * `LOADER_DIAGNOSTIC_CODES`; kept apart so the policy checks own their catalogue. Field paths,
 * placeholders, duplicates and region calendars reuse the general codes
 * (`EXR_UNKNOWN_FACT`, `EXR_UNSUPPORTED_PATH`, `EXR_TEMPLATE_PLACEHOLDER`,
 * `EXR_DUPLICATE_DEFINITION`, `EXR_REGION_CALENDAR_REQUIRED`).
 */
export const POLICY_DIAGNOSTIC_CODES = {
  EXR_INVALID_DURATION: {
    severity: 'error',
    meaning:
      'A duration is not a whole number with one unit (`30s`, `2m`, `4h`, `7d`), is zero, or is longer than 366 days.',
    fix: 'Write e.g. `90m` instead of `1h30m` or `1.5h`; the hint suggests the spelling when it is clear.',
  },
  EXR_POLICY_REPEAT_BELOW_INTERVAL: {
    severity: 'error',
    meaning: "A group's `repeat` is shorter than its `interval`.",
    fix: 'Make `repeat` at least `interval` (a group is re-sent at most once per interval).',
  },
  EXR_POLICY_REPEAT_AFTER_CLOSE: {
    severity: 'warning',
    meaning:
      "A group's `repeat` is not shorter than its `close`, so a quiet group closes before it is ever re-sent.",
    fix: 'Shorten `repeat` or lengthen `close`, or drop `repeat`.',
  },
  EXR_POLICY_CLOSE_BEFORE_INTERVAL: {
    severity: 'warning',
    meaning:
      "A group's `close` is shorter than its `interval`: an item after a quiet spell opens a new group instead of joining the next flush.",
    fix: 'Make `close` at least `interval` (the default `close` is 24h).',
  },
  EXR_UNKNOWN_POLICY: {
    severity: 'error',
    meaning: 'A notify entry names a `policy` that is not defined under `policies`.',
    fix: 'Fix the name (see the hint) or define the policy.',
  },
  EXR_UNKNOWN_ESCALATION: {
    severity: 'error',
    meaning: 'A notify entry names an `escalate` chain that is not defined under `escalations`.',
    fix: 'Fix the name (see the hint) or define the escalation.',
  },
  EXR_GROUP_WITHOUT_DIGEST: {
    severity: 'warning',
    meaning:
      'A notify entry applies a grouping policy, but its template has no `digest`, so flushes carry counts but no item lines.',
    fix: 'Add `digest: { line: "…" }` to the template.',
  },
  EXR_UNUSED_POLICY: {
    severity: 'warning',
    meaning: 'A policy no notify entry names.',
    fix: 'Reference it with `policy:` or remove it.',
  },
  EXR_UNUSED_ESCALATION: {
    severity: 'warning',
    meaning: 'An escalation no notify entry starts.',
    fix: 'Reference it with `escalate:` or remove it.',
  },
  EXR_INHIBIT_NEVER_MATCHES: {
    severity: 'warning',
    meaning:
      'An inhibit rule lists a field under `equal` that its `source` and `target` pin to different values, so no source can ever mute a target.',
    fix: 'Remove the field from `equal`, or fix the `source` / `target` matcher.',
  },
  EXR_ESCALATION_STEP_ORDER: {
    severity: 'warning',
    meaning:
      'An escalation step waits no longer than the step before it (in the same unit); steps count from the original event.',
    fix: 'Order the steps by their delay, each longer than the one before.',
  },
} as const satisfies Record<string, DiagnosticCodeInfo>;
