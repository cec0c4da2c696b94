import type { DispatchPlan } from '../plan/dispatch-plan.js';
import { inhibitScope } from '../keys.js';
import type { StateStore } from '../store/state-store.js';
import type {
  EventContext,
  NotificationContext,
  Stage,
  StageResult,
  VerdictOutcome,
} from './stage.js';

/** Marks an inhibit scope whose target also matches the rule's source side (Alertmanager rule). */
export const BOTH_SIDES_MARK = '!';

/** What most events return: grouped items keep it, so one shared empty list instead of one each. */
const NO_TARGETS: readonly string[] = Object.freeze([]);

/**
 * Records the event as an inhibit source for every rule whose `source` it matches, and returns
 * the scopes of every rule whose `target` it matches (prefixed with {@link BOTH_SIDES_MARK} when
 * it matches both sides). Runs once per event, before any notification is judged.
 */
export async function recordInhibitions(
  plan: DispatchPlan,
  store: StateStore,
  ev: EventContext,
): Promise<readonly string[]> {
  const targets: string[] = [];
  for (const rule of plan.inhibitRules) {
    const isSource = rule.source(ev.event, ev.now);
    const isTarget = rule.target(ev.event, ev.now);
    if (!isSource && !isTarget) continue;
    const scope = inhibitScope(
      rule.id,
      rule.equal.map((read) => read(ev.event)),
    );
    if (isTarget) targets.push(isSource ? BOTH_SIDES_MARK + scope : scope);
    const until = ev.eventTimeMs + rule.forMs;
    if (isSource && until > ev.nowMs) {
      await store.recordInhibitSource({
        scope,
        sourceEventId: ev.uid,
        until,
        bothSides: isTarget,
        now: ev.nowMs,
      });
    }
  }
  return targets.length > 0 ? targets : NO_TARGETS;
}

/**
 * The first live inhibiting source for an event or item with these target scopes, or undefined.
 * Scopes carry the rule id, so the answer names the rule too.
 */
export async function findInhibition(
  plan: DispatchPlan,
  store: StateStore,
  scopes: readonly string[],
  targetEventId: string,
  now: number,
): Promise<{ inhibitId: string; sourceEventId: string } | undefined> {
  for (const marked of scopes) {
    const bothSides = marked.startsWith(BOTH_SIDES_MARK);
    const scope = bothSides ? marked.slice(BOTH_SIDES_MARK.length) : marked;
    const source = await store.findInhibitSource({
      scope,
      now,
      targetEventId,
      targetBothSides: bothSides,
    });
    if (source !== undefined) {
      const rule = plan.inhibitRuleByScopeName.get(scope.slice(2, scope.lastIndexOf(':')));
      return { inhibitId: rule?.id ?? scope, sourceEventId: source };
    }
  }
  return undefined;
}

/** Inhibit: a live source event with equal fields mutes this event's notifications. */
export class InhibitStage implements Stage {
  readonly name = 'inhibit';

  constructor(
    private readonly plan: DispatchPlan,
    private readonly store: StateStore,
  ) {}

  exec(context: NotificationContext): StageResult {
    const ev = context.ev;
    if (ev.inhibition === undefined && (ev.inhibitScopes ?? []).length === 0) ev.inhibition = null;
    if (ev.inhibition === undefined) return this.lookup(ev);
    return ev.inhibition === null ? undefined : { kind: 'inhibited', ...ev.inhibition };
  }

  private async lookup(ev: EventContext): Promise<VerdictOutcome | undefined> {
    ev.inhibition =
      (await findInhibition(this.plan, this.store, ev.inhibitScopes ?? [], ev.uid, ev.nowMs)) ??
      null;
    return ev.inhibition === null ? undefined : { kind: 'inhibited', ...ev.inhibition };
  }
}
