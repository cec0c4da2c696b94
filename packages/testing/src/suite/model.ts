import type { Priority, SourceLocation } from '@exroute/core';

/** A parsed `*.suite.yaml`: the rule files to load and the cases to route against them. */
export interface SuiteDefinition {
  /** The suite file as given (relative paths stay relative, for readable reports). */
  file: string;
  name: string;
  description?: string;
  /** Rule files and directories, resolved against the suite file's directory. */
  rules: string[];
  /** Where `rules:` is written, for rule-loading errors that concern the whole list. */
  rulesLocation: SourceLocation;
  defaults: CaseDefaults;
  cases: SuiteCase[];
}

/** Event fields and the clock shared by every case of a suite. */
export interface CaseDefaults {
  /** Frozen router clock, RFC 3339. */
  at?: string;
  /** Partial event merged under each case's event (top-level fields only). */
  event: Record<string, unknown>;
}

/**
 * One case: either an event and what the router (and, with `verdicts` / `sends`, the
 * dispatcher) must do with it, or `steps` on a moving clock. Exactly one of the two forms.
 */
export interface SuiteCase {
  /** 0-based position in `cases`. */
  index: number;
  name: string;
  description?: string;
  /** The case's own frozen clock, overriding `defaults.at`. */
  at?: string;
  /** The event as written in the case (before defaults are applied); absent with `steps`. */
  event?: Record<string, unknown>;
  /** Absent with `steps`. */
  expect?: CaseExpectation;
  /** A stateful case: steps in time order, run against an in-memory dispatcher. */
  steps?: SuiteStep[];
  location: SourceLocation;
}

/** One step of a stateful case: the clock moves to `at`, then the step acts and is checked. */
export interface SuiteStep {
  /** 0-based position in the case's `steps`. */
  index: number;
  /** RFC 3339; never earlier than the previous step's. */
  at: string;
  note?: string;
  /** Acknowledge every open escalation of this name started earlier in the case. */
  acknowledge?: string;
  /** The event routed and dispatched at `at` (before defaults are applied). */
  event?: Record<string, unknown>;
  expect?: CaseExpectation;
  location: SourceLocation;
}

/** What a case asserts about the routing decision. */
export interface CaseExpectation {
  /** Exactly these rule ids match, order-insensitive. */
  rules?: string[];
  recipients?: { include?: string[]; exclude?: string[] };
  /** Exactly these template keys are notified, order-insensitive. */
  templates?: string[];
  /** Exactly these channels are notified, order-insensitive. */
  channels?: string[];
  /** The highest severity among the notifications (none set counts as absent). */
  severity?: Priority;
  /** true: no rule matches and nothing is sent; false: at least one rule matches. */
  none?: boolean;
  /** Each entry matches at least one notification on every field it gives. */
  notifications?: NotificationExpectation[];
  /** One per routed notification, in order: what the dispatcher did with it. */
  verdicts?: (VerdictKindName | VerdictExpectation)[];
  /** Exactly the messages sent at this point, in any order. */
  sends?: SendExpectation[];
}

/** A dispatcher verdict kind (`@exroute/dispatch`). */
export type VerdictKindName =
  'sent' | 'grouped' | 'deduplicated' | 'throttled' | 'inhibited' | 'silenced' | 'deferred';

/** A verdict with the fields to compare; absent fields are not compared. */
export interface VerdictExpectation {
  kind: VerdictKindName;
  template?: string;
  channel?: string;
  policy?: string;
  /** For `inhibited`: the inhibit rule id. */
  inhibitedBy?: string;
  /** For `deferred`. */
  sendAt?: string;
}

/** A message the dispatcher sends; absent fields are not compared. */
export interface SendExpectation {
  template?: string;
  channel?: string;
  reason?: 'immediate' | 'group-flush' | 'repeat' | 'escalation' | 'deferred';
  /** Each must be reached (recipient key, address or group). */
  to?: string[];
  subject?: string;
  count?: number;
  dropped?: number;
  lines?: string[];
  escalation?: string;
  step?: number;
}

/** A partial notification; `null` for `dueAt` / `sendAt` means the notification has none. */
export interface NotificationExpectation {
  template?: string;
  channel?: string;
  severity?: Priority;
  subject?: string;
  dueAt?: string | null;
  sendAt?: string | null;
}
