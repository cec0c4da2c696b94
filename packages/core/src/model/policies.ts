import type { Condition } from './condition.js';
import type { SourceLocation } from './diagnostic.js';

// The rule-file sections that give notifications memory (DESIGN.md §8). Core's loader checks and
// fills these; `@exroute/dispatch` executes them. Durations are stored in milliseconds, parsed
// from the written `30s` / `2m` / `4h` / `7d` form.

/** A named notification policy: grouping, dedup, throttle and how critical events are treated. */
export interface PolicyDefinition {
  name: string;
  group?: GroupPolicyDefinition;
  dedup?: DedupPolicyDefinition;
  throttle?: ThrottlePolicyDefinition;
  /**
   * `immediate` (default): priority or severity `critical` skips group and throttle; `policy`:
   * the policy applies to critical notifications too.
   */
  critical: 'immediate' | 'policy';
  location: SourceLocation;
}

/** Alertmanager-style grouping: one group per (policy, template, channel, recipients, `by` values). */
export interface GroupPolicyDefinition {
  /** Event field paths (`correlationId`, `data.batchId`) whose values split groups. */
  by: readonly string[];
  /** First flush this long after the group opened. */
  waitMs: number;
  /** Later flushes at most this often, and only when new items arrived. */
  intervalMs: number;
  /** An open group with nothing new is re-sent after this (≥ interval); absent: never. */
  repeatMs?: number;
  /** No new item for this long: the group closes. */
  closeMs: number;
  /** Flush at once when this many items wait; absent: no early flush. */
  maxItems?: number;
  /** The first item of a new group goes out at once; later ones are digested. */
  sendFirst: boolean;
}

/** The same rendered key again within `forMs`: dropped. */
export interface DedupPolicyDefinition {
  /** A `{{ path }}` template rendered from the event. */
  key: string;
  forMs: number;
}

/** A fixed window per rendered key: over `limit` in `perMs`, dropped, counted and reported. */
export interface ThrottlePolicyDefinition {
  key: string;
  limit: number;
  perMs: number;
}

/** An event matcher written with the `when` shorthand, desugared like a rule's. */
export interface EventMatcherDefinition {
  /** The shorthand as written. */
  when: Readonly<Record<string, unknown>>;
  /** `when` desugared to leaves under one `all`, evaluated like a rule's `condition`. */
  condition: { all: Condition[] };
}

/** A source event mutes matching targets whose `equal` fields agree, for `forMs` after its time. */
export interface InhibitRuleDefinition {
  id: string;
  description?: string;
  source: EventMatcherDefinition;
  target: EventMatcherDefinition;
  /** Event field paths that must agree; a missing field counts as the empty string. */
  equal: readonly string[];
  forMs: number;
  location: SourceLocation;
}

/** Escalation steps after the routed notification (step 0), stopped by ack or a resolving event. */
export interface EscalationDefinition {
  name: string;
  steps: readonly EscalationStepDefinition[];
  resolvedBy?: EscalationResolutionDefinition;
  location: SourceLocation;
}

/** One escalation step: when (after the original event time), to whom, with what template. */
export interface EscalationStepDefinition {
  /** Exactly one key, in the event region's calendar for the business variants. */
  after: { hours?: number; businessHours?: number; businessDays?: number };
  to: readonly string[];
  template: string;
  channels?: readonly string[];
  location: SourceLocation;
}

/** An event that resolves open escalations whose `equal` fields agree with it. */
export interface EscalationResolutionDefinition extends EventMatcherDefinition {
  equal: readonly string[];
}

/** A template's digest rendering: each grouped item becomes one `line`. */
export interface DigestDefinition {
  line: string;
  /** The newest this many lines are sent; the rest are counted in `more`. */
  maxLines: number;
}
