import type { RoutingDecision } from './decision.js';

/** Why each rule did or did not match one event; always agrees with `route`. */
export interface Explanation {
  eventId: string;
  ruleSetVersion: string;
  /** The router clock's instant used for `$now`, RFC 3339. */
  now: string;
  /** Every rule, in evaluation order. */
  rules: RuleExplanation[];
  /** Exactly what `route` returns for the same event and clock. */
  decision: RoutingDecision;
  /** Template placeholders that rendered empty because the field was missing. */
  missingPlaceholders: { template: string; placeholder: string; ruleIds: string[] }[];
  /** Every invariant, in file order, when the rule set has any (docs/governance.md). */
  invariants?: InvariantExplanation[];
}

/** The verdict on one invariant: whether its `for` matched, and what it added after the rules. */
export interface InvariantExplanation {
  invariantId: string;
  file: string;
  line: number;
  /** `applied`: `for` matched, so what it requires is in the decision; `not-applicable`: it did not. */
  outcome: 'applied' | 'not-applicable';
  /** The evaluated `for`. */
  condition: ConditionTrace;
  /**
   * What the rules left out and the invariant added: a created notification, or recipients
   * (directory keys) merged into an existing one. Empty when the rules already complied.
   */
  repairs: { template: string; channel: string; created: boolean; added: string[] }[];
}

/** The verdict on one rule. */
export interface RuleExplanation {
  ruleId: string;
  file: string;
  line: number;
  priority: number;
  /**
   * `matched`; `not-matched` (a condition failed); `not-effective` (outside `effective`);
   * `skipped-by-index` (a pinned field differs, so it was never evaluated by `route`);
   * `stopped` (an earlier rule with `stop: true` matched).
   */
  outcome: 'matched' | 'not-matched' | 'not-effective' | 'skipped-by-index' | 'stopped';
  /** The rule whose `stop` cut this one off, when `outcome` is `stopped`. */
  stoppedBy?: string;
  /** The evaluated condition tree; absent for `stopped` and `not-effective`. */
  condition?: ConditionTrace;
}

/** One node of an evaluated condition tree. */
export interface ConditionTrace {
  kind: 'all' | 'any' | 'not' | 'reference' | 'leaf';
  result: boolean;
  /** For leaves: the fact and optional path read. */
  fact?: string;
  path?: string;
  /** For leaves: the value read from the event (undefined when missing). */
  actual?: unknown;
  operator?: string;
  /** For leaves: the expected value (resolved when it referenced another fact). */
  expected?: unknown;
  /** For references: the shared condition's name. */
  reference?: string;
  /**
   * For references: true when this shared condition was already traced earlier in the same
   * rule; its `children` are left out (see the first occurrence), so a rule set whose shared
   * conditions reference each other many times explains in time and space linear in its size.
   */
  repeated?: boolean;
  /** Human-readable note, e.g. local time and calendar used by a time operator. */
  note?: string;
  children?: ConditionTrace[];
}
