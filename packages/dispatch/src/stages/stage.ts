/**
 * The dispatcher is a chain of small stages (Alertmanager's notify pipeline): each looks at one
 * routed notification and either decides its verdict or lets the next stage look. Order:
 * inhibit → silence → dedup → throttle → deliver (group / deferred / immediate); escalations
 * start after the verdict is known.
 */
import type { NormalizedEvent, RoutedNotification } from '@exroute/core';
import type { CompiledPolicy } from '../plan/dispatch-plan.js';
import type { Outgoing, Verdict, VerdictBase } from '../types.js';

/** A verdict without the fields every verdict shares. */
export type VerdictOutcome = Verdict extends infer V
  ? V extends VerdictBase
    ? Omit<V, keyof VerdictBase>
    : never
  : never;

/** What every stage knows about the event being ingested (computed once per event). */
export interface EventContext {
  readonly event: NormalizedEvent;
  /** `source/id`: the member in every store set. */
  readonly uid: string;
  readonly now: Date;
  readonly nowMs: number;
  /** The event's own time (epoch ms); `nowMs` when its `time` is unreadable. */
  readonly eventTimeMs: number;
  /** Messages to send now, appended to by stages. */
  readonly outgoing: Outgoing[];
  /** Memo of the inhibit stage: `null` = checked, not inhibited. */
  inhibition?: { readonly inhibitId: string; readonly sourceEventId: string } | null;
  /** Memo of the silence stage: `null` = checked, not silenced. */
  silencedBy?: string | null;
  /** Inhibit scopes whose target side this event matches (re-checked when a group flushes). */
  inhibitScopes?: readonly string[];
}

/** One routed notification going through the stages. */
export interface NotificationContext {
  readonly ev: EventContext;
  readonly notification: RoutedNotification;
  /** Index into `decision.notifications`. */
  readonly index: number;
  readonly policy: CompiledPolicy | undefined;
  /** Critical and the policy says `critical: immediate`: skip throttle and grouping. */
  readonly bypass: boolean;
  /** Throttle drops to report with this notification (set by the throttle stage). */
  dropped: number;
  /** Required by an invariant: grouped items carry no inhibit scopes, so a flush never drops it. */
  readonly required?: boolean;
}

/** A stage's answer: a verdict, undefined (pass on), or a promise of either. */
export type StageResult = VerdictOutcome | undefined | Promise<VerdictOutcome | undefined>;

/** One step of the pipeline: decides a verdict, or answers undefined to pass the notification on. */
export interface Stage {
  readonly name: string;
  /**
   * Answers synchronously when it can decide without the store (the hot path stays free of
   * promise allocations), or a promise otherwise.
   */
  exec(context: NotificationContext): StageResult;
}
