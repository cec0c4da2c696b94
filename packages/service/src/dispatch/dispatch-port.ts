import type { NormalizedEvent, RoutedNotification, RoutingDecision, RuleSet } from '@exroute/core';
import { idempotencyKey } from '@exroute/notifications';

/** A notification ready to send (DESIGN §8 `Outgoing`): the routed notification plus its idempotency key. */
export interface Outgoing extends RoutedNotification {
  /** The same flush, step or send gives the same key on every replay and instance. */
  key: string;
  eventIds: string[];
  reason: 'immediate' | 'group-flush' | 'repeat' | 'escalation' | 'deferred';
  digest?: { count: number; firstAt: string; lastAt: string; dropped: number };
}

/** What the dispatcher did with one routed notification (DESIGN §8); `kind` is the metric label. */
export interface Verdict {
  kind: 'sent' | 'grouped' | 'deduplicated' | 'throttled' | 'inhibited' | 'silenced' | 'deferred';
  [detail: string]: unknown;
}

/** A silence as the admin API shows it. */
export interface Silence {
  id: string;
  when: object;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/**
 * The part of `@exroute/dispatch`'s Dispatcher (DESIGN §8) the service calls; the service owns no
 * policy logic. `supportsPolicies` is false for a dispatcher without silences or escalations
 * (the admin API then answers 501).
 */
export interface DispatchPort {
  ingest(
    event: NormalizedEvent,
    decision: RoutingDecision,
  ): Promise<{ outgoing: Outgoing[]; verdicts: Verdict[] }>;
  tick(): Promise<Outgoing[]>;
  acknowledge(escalationKey: string, by: string): Promise<boolean>;
  silence(s: {
    when: object;
    endsAt: string;
    createdBy: string;
    comment: string;
    startsAt?: string;
  }): Promise<Silence>;
  expireSilence(id: string): Promise<boolean>;
  listSilences(): Promise<Silence[]>;
  readonly supportsPolicies: boolean;
}

/** Builds a dispatcher for a rule set; called again with the new set on every hot reload. */
export type DispatchFactory = (ruleSet: RuleSet) => DispatchPort;

/**
 * A dispatcher without memory: every routed notification goes out at once (verdict `sent`)
 * under the notifications package's per-(event, template, channel) key. It serves until the
 * `@exroute/dispatch` policies are wired in; escalations and silences are not supported.
 */
export function createImmediateDispatcher(): DispatchPort {
  const unsupported = (): Promise<never> =>
    Promise.reject(new Error('silences and escalations need the @exroute/dispatch policies'));
  return {
    supportsPolicies: false,
    ingest(event, decision) {
      const outgoing = decision.notifications.map((notification): Outgoing => ({
        ...notification,
        key: idempotencyKey(event.source, event.id, notification.template, notification.channel),
        eventIds: [event.id],
        reason: 'immediate',
      }));
      return Promise.resolve({
        outgoing,
        verdicts: outgoing.map(() => ({ kind: 'sent' as const })),
      });
    },
    tick: () => Promise.resolve([]),
    acknowledge: unsupported,
    silence: unsupported,
    expireSilence: unsupported,
    listSilences: unsupported,
  };
}
