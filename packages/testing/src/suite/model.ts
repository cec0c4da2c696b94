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

/** One routing expectation: an event and what the router must decide for it. */
export interface SuiteCase {
  /** 0-based position in `cases`. */
  index: number;
  name: string;
  description?: string;
  /** The case's own frozen clock, overriding `defaults.at`. */
  at?: string;
  /** The event as written in the case (before defaults are applied). */
  event: Record<string, unknown>;
  expect: CaseExpectation;
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
