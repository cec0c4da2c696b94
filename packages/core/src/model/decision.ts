/** The outcome of routing one event (DESIGN.md §6): which rules matched and what to send. */
export interface RoutingDecision {
  eventId: string;
  /** Content hash of the rule set that produced this decision. */
  ruleSetVersion: string;
  /** Matched rules, in evaluation order (priority, then file order). */
  matched: MatchedRule[];
  /** One entry per (template, channel), recipients merged and de-duplicated. */
  notifications: RoutedNotification[];
  /** Ids of the invariants whose `for` matched this event, in file order; absent when none. */
  invariants?: string[];
}

/** A rule that matched, and where it is defined. */
export interface MatchedRule {
  ruleId: string;
  file: string;
  line: number;
}

/** Everything needed to send one templated message on one channel. */
export interface RoutedNotification {
  /** Template key in the rule set. */
  template: string;
  /** The id the Notifications side knows. */
  templateId: string;
  channel: string;
  recipients: ResolvedRecipient[];
  subject?: string;
  params: Record<string, string>;
  severity?: string;
  /** Rules that contributed, in evaluation order. */
  ruleIds: string[];
  /** RFC 3339 UTC; present when a contributing rule asked for `due`. */
  dueAt?: string;
  /** RFC 3339 UTC; present when delivery is deferred to business hours. */
  sendAt?: string;
  /**
   * The `policies` entry the dispatcher applies: the first one named by a contributing notify
   * entry, in evaluation order (an entry without `policy` does not override a later one's).
   */
  policy?: string;
  /** The `escalations` entries the contributing notify entries start, in evaluation order, once each. */
  escalate?: string[];
  /**
   * Ids of the invariants that require this notification (it was created or completed for them,
   * or already satisfied them); absent when none. Dispatch never drops such a notification.
   */
  requiredBy?: string[];
}

/** One address of one directory entry. */
export interface ResolvedRecipient {
  /** The directory entry that owns the address (a person or a leaf team). */
  key: string;
  address: string;
  /** Group keys the entry was reached through, outermost first, when expanded from `members`. */
  via?: string[];
}
