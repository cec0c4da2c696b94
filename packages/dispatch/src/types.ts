import type { NormalizedEvent, RoutedNotification, RoutingDecision } from '@exroute/core';

/** Why a message is sent now. */
export type OutgoingReason = 'immediate' | 'group-flush' | 'repeat' | 'escalation' | 'deferred';

/**
 * One message the dispatcher decided to send: a routed notification plus an idempotency key.
 * A digest adds `count`, `firstAt`, `lastAt`, `lines` and `more` to `params` (strings, like every
 * param) and the same figures as numbers in `digest`.
 */
export interface Outgoing extends RoutedNotification {
  /** Idempotency key: the same flush, step or send gives the same key on every replay and instance. */
  key: string;
  /** The events it carries (`source/id`), oldest first. */
  eventIds: string[];
  reason: OutgoingReason;
  /** For group flushes, repeats and messages that report throttle drops. */
  digest?: OutgoingDigest;
  /** For escalation steps: the escalation key (for `acknowledge`) and the 1-based step. */
  escalation?: { key: string; name: string; step: number };
}

/** The figures of a digest message. */
export interface OutgoingDigest {
  /** Items in this message (after inhibition at flush). */
  count: number;
  /** RFC 3339 UTC: the oldest and newest item's event time. */
  firstAt: string;
  lastAt: string;
  /** Events dropped by the policy's throttle since the previous message to that throttle key. */
  dropped: number;
}

/** Fields every verdict carries: which routed notification of which event it is about. */
export interface VerdictBase {
  /** The event (`source/id`). */
  eventId: string;
  /** Index into `decision.notifications`. */
  notification: number;
  template: string;
  channel: string;
  /** The policy applied, when the notification names one. */
  policy?: string;
  /** Escalations this notification started (keys for `acknowledge`). */
  escalations?: string[];
  /**
   * The invariants requiring this notification (its `requiredBy`): it was never inhibited,
   * silenced, deduplicated or throttled, and grouped only if all of them allow `group: true`.
   */
  requiredBy?: string[];
  /** Why the verdict is what it is, when a rule of its own applied (an invariant's guarantee). */
  reason?: string;
}

/** What happened to one routed notification in `ingest`. Narrow on `kind`. */
export type Verdict = VerdictBase &
  (
    | { kind: 'sent'; key: string }
    | { kind: 'grouped'; groupKey: string }
    | { kind: 'deduplicated'; key: string; firstEventId: string }
    | { kind: 'throttled'; key: string; dropped: number }
    | { kind: 'inhibited'; inhibitId: string; sourceEventId: string }
    | { kind: 'silenced'; silenceId: string }
    | { kind: 'deferred'; sendAt: string; key: string }
  );

/** The `kind` values of {@link Verdict}. */
export type VerdictKind = Verdict['kind'];

/** A silence created at run time: matching notifications are muted from `startsAt` to `endsAt`. */
export interface Silence {
  id: string;
  /** The matcher, `when` shorthand as in rules (field path → value, list or `{ operator: value }`). */
  when: Record<string, unknown>;
  /** RFC 3339 UTC. */
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  createdAt: string;
  updatedAt: string;
  /** `pending` before startsAt, `active` until endsAt, `expired` after. */
  status: 'pending' | 'active' | 'expired';
}

/** The request to create a silence; `endsAt` is required and at most 30 days ahead. */
export interface SilenceRequest {
  when: object;
  endsAt: string;
  createdBy: string;
  comment: string;
  startsAt?: string;
}

/**
 * Saves messages somewhere durable (an outbox, a stream, a queue) before the dispatcher confirms
 * them; resolve only once they are saved. It may see a message again after a crash (same key).
 */
export type PersistOutgoing = (messages: Outgoing[]) => Promise<void>;

/** The dispatcher between routing and delivery (DESIGN.md §8). */
export interface Dispatcher {
  /**
   * Applies the policies to every routed notification of one event and answers what to send
   * now plus one verdict per routed notification (same order as `decision.notifications`).
   * Safe to repeat after a crash: the same event gives the same keys.
   */
  ingest(
    event: NormalizedEvent,
    decision: RoutingDecision,
  ): Promise<{ outgoing: Outgoing[]; verdicts: Verdict[] }>;
  /**
   * Everything due by `clock()`: group flushes, repeats, escalation steps, deferred sends.
   *
   * Without `persist` each message is committed in the store as it is handed out (auto-confirm):
   * a caller that dies before saving the answer loses those messages. With `persist` the
   * dispatcher claims what is due, hands each batch to `persist`, and confirms the claims only
   * after `persist` resolved; if it rejects, or the process dies first, the same messages (same
   * keys, same content) are handed out again — by any instance — once `leaseMs` has passed, so
   * every message reaches `persist` at least once. Resolves to everything `persist` accepted;
   * rejects with `persist`'s own error when it rejects.
   */
  tick(persist?: PersistOutgoing): Promise<Outgoing[]>;
  /** Stops an open escalation: true when it was open, false when already stopped. */
  acknowledge(escalationKey: string, by: string): Promise<boolean>;
  /** Creates a silence; throws `EXR_DISPATCH_INVALID_SILENCE` with located diagnostics. */
  silence(s: SilenceRequest): Promise<Silence>;
  /** Ends a silence now: true when it was pending or active, false when unknown or ended. */
  expireSilence(id: string): Promise<boolean>;
  /** Every silence the store still holds (ended ones stay listed for a while), ordered by id. */
  listSilences(): Promise<Silence[]>;
}
