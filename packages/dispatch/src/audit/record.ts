import type { MatchedRule, Priority, ResolvedRecipient } from '@exroute/core';
import type { OutgoingReason, Verdict } from '../types.js';

/** The `schema` value of every record this version writes; readers refuse others with a located error. */
export const AUDIT_SCHEMA = 'exroute/audit/v1';

/** How much of the event's `data` a decision record keeps (`referenced` by default). */
export type AuditEventData = 'referenced' | 'full' | 'none';

/**
 * The event as the audit trail keeps it: the envelope always, `data` as `eventData` says —
 * `referenced` keeps only the fields the rule set's conditions read (enough to re-explain the
 * decision under the same rule set), `full` the whole payload, `none` nothing.
 */
export interface AuditedEvent {
  id: string;
  source: string;
  type: string;
  time: string;
  priority?: Priority;
  documentType?: string;
  region?: string;
  channel?: string;
  tenant?: string;
  subject?: string;
  correlationId?: string;
  data?: Record<string, unknown>;
}

/** One routed notification without its rendered subject and params (message text stays out of the trail). */
export interface AuditedNotification {
  template: string;
  templateId: string;
  channel: string;
  recipients: ResolvedRecipient[];
  severity?: string;
  ruleIds: string[];
  policy?: string;
  escalate?: string[];
  dueAt?: string;
  sendAt?: string;
  /** Invariants that required this notification. */
  requiredBy?: string[];
}

/** How one event was routed and what dispatch did with each of its notifications. */
export interface DecisionAuditRecord {
  schema: typeof AUDIT_SCHEMA;
  kind: 'decision';
  /** Stable: the same event routed by the same rule-set version gives the same id (replays de-duplicate). */
  id: string;
  /** RFC 3339: the router clock when the event was routed (`$now` when re-explained). */
  at: string;
  /** The service instance that wrote it. */
  instance?: string;
  event: AuditedEvent;
  eventData: AuditEventData;
  /** `data.customerReference` (or `data.customerRef`) when the event has one. */
  customerReference?: string;
  ruleSetVersion: string;
  matched: MatchedRule[];
  /** Invariants whose `for` matched the event. */
  invariants?: string[];
  notifications: AuditedNotification[];
  /** One dispatch verdict per notification, in the same order. */
  verdicts: Verdict[];
  /** The messages dispatch sent at once for this event; their keys link to delivery records. */
  outgoing: { key: string; reason: OutgoingReason; template: string; channel: string }[];
}

/** What OpenText Notifications answered for one outgoing key. */
export interface DeliveryAuditRecord {
  schema: typeof AUDIT_SCHEMA;
  kind: 'delivery';
  /** Stable: the same key and outcome give the same id. */
  id: string;
  /** RFC 3339: when the answer came (or the delivery was given up). */
  at: string;
  instance?: string;
  /** The outgoing idempotency key. */
  key: string;
  /** `source/id` of the events the message carries. */
  eventIds: string[];
  correlationId?: string;
  ruleSetVersion?: string;
  template: string;
  templateId: string;
  channel: string;
  recipients: ResolvedRecipient[];
  reason: OutgoingReason;
  outcome: 'delivered' | 'dead-lettered';
  /** The Notifications job id, when delivered. */
  jobId?: string;
  attempts: number;
  /** The stable reason code, when dead-lettered. */
  failure?: string;
}

/** One line of the audit trail. Narrow on `kind`. */
export type AuditRecord = DecisionAuditRecord | DeliveryAuditRecord;
