import type { DispatchPlan } from '../plan/dispatch-plan.js';
import { escalationKey, escalationScope, eventUid } from '../keys.js';
import type { StateStore } from '../store/state-store.js';
import type { EventContext } from './stage.js';

/** How long an escalation's state outlives its last step (acknowledge still answers). */
const ESCALATION_KEPT_MS = 7 * 86_400_000;

/** What an escalation stores: the event that started it (steps are rendered from it). */
export interface EscalationHeader {
  readonly name: string;
  readonly event: EventContext['event'];
}

/**
 * Escalation start: for each escalation the notification names, once per (escalation, event),
 * computes every step's due time from the event time in the event region's calendar and stores
 * the escalation. Answers the escalation keys (for `acknowledge`). Idempotent: a replayed event
 * finds its escalation already started.
 */
export class EscalationStartStage {
  readonly name = 'escalate';

  constructor(
    private readonly plan: DispatchPlan,
    private readonly store: StateStore,
  ) {}

  async start(ev: EventContext, names: readonly string[]): Promise<string[]> {
    const keys: string[] = [];
    for (const name of names) {
      const escalation = this.plan.escalations.get(name);
      if (escalation === undefined) continue;
      const scope = escalationScope(
        name,
        escalation.equal.map((read) => read(ev.event)),
      );
      const key = escalationKey(scope, eventUid(ev.event));
      const from = new Date(ev.eventTimeMs);
      const stepDueAt = escalation.definition.steps.map((step) =>
        this.plan.timeOffset(step.after, ev.event, from).getTime(),
      );
      // Steps are cumulative from the event time; keep them ascending even if a calendar
      // makes a later step land earlier (e.g. hours: 30 before businessDays: 1).
      for (let i = 1; i < stepDueAt.length; i++) {
        stepDueAt[i] = Math.max(stepDueAt[i]!, stepDueAt[i - 1]!);
      }
      const header: EscalationHeader = { name, event: ev.event };
      await this.store.startEscalation({
        scope,
        key,
        now: ev.nowMs,
        stepDueAt,
        header: JSON.stringify(header),
        expireAt: Math.max(ev.nowMs, ...stepDueAt) + ESCALATION_KEPT_MS,
      });
      keys.push(key);
    }
    return keys;
  }

  /** Stops the open escalations a resolving event names (`resolvedBy` with equal fields). */
  async resolve(ev: EventContext): Promise<void> {
    for (const escalation of this.plan.escalations.values()) {
      if (escalation.resolvedBy === undefined || !escalation.resolvedBy(ev.event, ev.now)) continue;
      const scope = escalationScope(
        escalation.name,
        escalation.equal.map((read) => read(ev.event)),
      );
      await this.store.resolveEscalations({ scope, now: ev.nowMs });
    }
  }
}
