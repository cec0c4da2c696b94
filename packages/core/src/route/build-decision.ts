import type {
  MatchedRule,
  ResolvedRecipient,
  RoutedNotification,
  RoutingDecision,
} from '../model/decision.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RuleSet } from '../model/rule-set.js';
import { EvaluationScope } from '../compile/evaluation-scope.js';
import { DEFAULT_PRIORITY, compileFactReader, readEventField } from '../compile/fact-reader.js';
import {
  computeDueAt,
  computeSendAt,
  mergeDueAt,
  mergeSendAt,
} from '../time/notification-timing.js';
import { buildTimeContext } from '../time/time-context.js';
import { flattenRegionGroups } from '../compile/region-hierarchy.js';
import { InvariantEnforcer } from './apply-invariants.js';
import { createDecisionPlan } from './decision-plan.js';
import type { Contribution, DecisionPlan } from './decision-plan.js';

/** Hears of each placeholder that rendered empty, with the notification's template and rules. */
export type MissingPlaceholderReport = (
  template: string,
  placeholder: string,
  ruleIds: readonly string[],
) => void;

interface NotificationDraft {
  readonly slot: number;
  readonly contributions: readonly Contribution[];
  readonly ruleIds: string[];
  lastRank: number;
}

/** A draft while contributions are still being added. */
interface GrowingDraft extends NotificationDraft {
  readonly contributions: Contribution[];
}

/**
 * Turns "these rules matched, in this order" into a RoutingDecision: fan-out per
 * (template, channel) in order of first appearance, recipients merged and de-duplicated by
 * (key, address), subject and params rendered from the first contributing entry, the highest
 * severity, the earliest due time, the first `policy` named by a contributing entry (in
 * evaluation order) and every `escalate` named, de-duplicated in that order. Shared by the compiled router and the reference router.
 */
export class DecisionAssembler {
  private readonly slotEpoch: Int32Array;
  private readonly slotDraft: Int32Array;
  private readonly recipientEpoch: Int32Array;
  private readonly readId = compileFactReader('id', undefined);
  private epoch = 0;
  private busy = false;

  constructor(readonly plan: DecisionPlan) {
    this.slotEpoch = new Int32Array(plan.slots.length);
    this.slotDraft = new Int32Array(plan.slots.length);
    this.recipientEpoch = new Int32Array(plan.recipientCount);
  }

  /**
   * The decision for the rules at `ranks[0 … count-1]` (evaluation order) matching the event in
   * `scope`; `onMissing` (explain only) hears of placeholders that rendered empty.
   */
  assemble(
    scope: EvaluationScope,
    ranks: ArrayLike<number>,
    count: number,
    onMissing?: MissingPlaceholderReport,
  ): RoutingDecision {
    if (this.busy) {
      // Re-entered from a clock callback: work on private scratch rather than corrupt ours.
      return new DecisionAssembler(this.plan).assemble(scope, ranks, count, onMissing);
    }
    this.busy = true;
    try {
      return this.build(scope, ranks, count, onMissing);
    } finally {
      this.busy = false;
    }
  }

  private build(
    scope: EvaluationScope,
    ranks: ArrayLike<number>,
    count: number,
    onMissing: MissingPlaceholderReport | undefined,
  ): RoutingDecision {
    const { plan } = this;
    if (plan.rendersWithClock && count > 0) scope.now();
    const matched: MatchedRule[] = new Array<MatchedRule>(count);
    const drafts = count === 1 ? this.soleRuleDrafts(ranks[0]!) : undefined;
    if (drafts !== undefined) {
      matched[0] = plan.rules[ranks[0]!]!.matched;
      return this.decision(scope, matched, drafts, onMissing);
    }
    return this.decision(scope, matched, this.mergedDrafts(ranks, count, matched), onMissing);
  }

  /** With one matched rule whose notify entries use distinct slots, nothing needs merging. */
  private soleRuleDrafts(rank: number): NotificationDraft[] | undefined {
    const rulePlan = this.plan.rules[rank]!;
    const unmerged = rulePlan.unmerged;
    if (unmerged === undefined) return undefined;
    return unmerged.map((contributions) => ({
      slot: contributions[0]!.slot,
      contributions,
      ruleIds: [rulePlan.rule.id],
      lastRank: rank,
    }));
  }

  /** Groups contributions per (template, channel) in order of first appearance. */
  private mergedDrafts(
    ranks: ArrayLike<number>,
    count: number,
    matched: MatchedRule[],
  ): NotificationDraft[] {
    const { plan } = this;
    const drafts: GrowingDraft[] = [];
    const epoch = this.nextEpoch();
    for (let m = 0; m < count; m++) {
      const rulePlan = plan.rules[ranks[m]!]!;
      matched[m] = rulePlan.matched;
      for (const contribution of rulePlan.contributions) {
        const slot = contribution.slot;
        let draft: GrowingDraft;
        if (this.slotEpoch[slot] === epoch) {
          draft = drafts[this.slotDraft[slot]!]!;
        } else {
          this.slotEpoch[slot] = epoch;
          this.slotDraft[slot] = drafts.length;
          draft = { slot, contributions: [], ruleIds: [], lastRank: -1 };
          drafts.push(draft);
        }
        draft.contributions.push(contribution);
        if (draft.lastRank !== rulePlan.rank) {
          draft.ruleIds.push(rulePlan.rule.id);
          draft.lastRank = rulePlan.rank;
        }
      }
    }
    return drafts;
  }

  private decision(
    scope: EvaluationScope,
    matched: MatchedRule[],
    drafts: readonly NotificationDraft[],
    onMissing: MissingPlaceholderReport | undefined,
  ): RoutingDecision {
    const notifications: RoutedNotification[] = [];
    for (const draft of drafts) {
      const notification = this.notification(draft, scope, onMissing);
      if (notification !== undefined) notifications.push(notification);
    }
    const id = this.readId(scope);
    return {
      eventId: typeof id === 'string' ? id : '',
      ruleSetVersion: this.plan.ruleSet.version,
      matched,
      notifications,
    };
  }

  /** One merged notification; `undefined` when no recipient has an address on its channel. */
  private notification(
    draft: NotificationDraft,
    scope: EvaluationScope,
    onMissing: MissingPlaceholderReport | undefined,
  ): RoutedNotification | undefined {
    const first = draft.contributions[0]!;
    const recipients =
      draft.contributions.length === 1
        ? first.recipients.map((r) => r.recipient)
        : this.mergeRecipients(draft.contributions);
    if (recipients.length === 0) return undefined;
    const slot = this.plan.slots[draft.slot]!;
    const missing =
      onMissing === undefined
        ? undefined
        : (placeholder: string) => onMissing(slot.template, placeholder, draft.ruleIds);
    let severity: string | undefined;
    let severityRank = -2;
    let timed = false;
    let policy: string | undefined;
    let escalate: string[] | undefined;
    for (const { notify } of draft.contributions) {
      if (notify.severity !== undefined && notify.severityRank > severityRank) {
        severity = notify.severity;
        severityRank = notify.severityRank;
      }
      timed ||= notify.timed;
      // Policies are rare; the common path reads two undefined fields and moves on.
      const { policy: ownPolicy, escalate: ownEscalation } = notify.definition;
      policy ??= ownPolicy;
      if (ownEscalation !== undefined) {
        if (escalate === undefined) escalate = [ownEscalation];
        else if (!escalate.includes(ownEscalation)) escalate.push(ownEscalation);
      }
    }
    // Built field by field so the JSON reads in the contract's order (DESIGN.md §6).
    const notification = {
      template: slot.template,
      templateId: slot.templateId,
      channel: slot.channel,
      recipients,
    } as RoutedNotification;
    if (first.notify.subject !== undefined) {
      notification.subject = first.notify.subject.render(scope, missing);
    }
    const params: Record<string, string> = {};
    for (const [name, text] of first.notify.params) params[name] = text.render(scope, missing);
    notification.params = params;
    if (severity !== undefined) notification.severity = severity;
    notification.ruleIds = draft.ruleIds;
    if (timed) this.addTiming(notification, draft.contributions, scope);
    if (policy !== undefined) notification.policy = policy;
    if (escalate !== undefined) notification.escalate = escalate;
    return notification;
  }

  /** `dueAt` / `sendAt` per the time module, in the calendar of the event's region. */
  private addTiming(
    notification: RoutedNotification,
    contributions: readonly Contribution[],
    scope: EvaluationScope,
  ): void {
    const { time } = this.plan;
    const now = scope.now();
    const region = readEventField(scope.event, 'region');
    const priority = readEventField(scope.event, 'priority') ?? DEFAULT_PRIORITY;
    const event = {
      ...(typeof region === 'string' ? { region } : {}),
      ...(typeof priority === 'string' ? { priority } : {}),
    };
    const definitions = contributions.map((c) => c.notify.definition);
    const dueAt = mergeDueAt(definitions.map((d) => computeDueAt(d, event, now, time)));
    const sendAt = mergeSendAt(definitions.map((d) => computeSendAt(d, event, now, time)));
    if (dueAt !== undefined) notification.dueAt = dueAt;
    if (sendAt !== undefined) notification.sendAt = sendAt;
  }

  private mergeRecipients(contributions: readonly Contribution[]): ResolvedRecipient[] {
    const epoch = this.nextEpoch();
    const marks = this.recipientEpoch;
    const merged: ResolvedRecipient[] = [];
    for (const contribution of contributions) {
      for (const { uid, recipient } of contribution.recipients) {
        if (marks[uid] === epoch) continue;
        marks[uid] = epoch;
        merged.push(recipient);
      }
    }
    return merged;
  }

  private nextEpoch(): number {
    if (this.epoch === 0x7fffffff) {
      this.epoch = 0;
      this.slotEpoch.fill(0);
      this.recipientEpoch.fill(0);
    }
    return ++this.epoch;
  }
}

/** Builds decisions for one rule set from "which rules' conditions hold", for other evaluators. */
export interface DecisionBuilder {
  /**
   * The RoutingDecision for `event` at `now`, given which rules' conditions hold: applies
   * evaluation order, `effective`, `stop` and fan-out exactly as the compiled router does.
   */
  decide(
    event: NormalizedEvent,
    conditionHolds: (ruleId: string) => boolean,
    now: Date,
  ): RoutingDecision;
}

/**
 * The compiled router's decision logic for the json-rules-engine reference, so the two routers
 * differ only in how they evaluate conditions. Trusts `ruleSet` (from the loader).
 */
export function createDecisionBuilder(ruleSet: RuleSet): DecisionBuilder {
  const time = buildTimeContext(ruleSet);
  const plan = createDecisionPlan(ruleSet, time);
  // The reference applies invariants with the compiled router's code, so both routers agree.
  const invariants = InvariantEnforcer.compile(
    ruleSet,
    { regionMembers: flattenRegionGroups(ruleSet.regions), time },
    time,
  );
  const assembler = new DecisionAssembler(plan);
  return {
    decide(event, conditionHolds, now) {
      const instant = new Date(now.getTime());
      const scope = new EvaluationScope(event, () => instant);
      const ranks: number[] = [];
      for (const rule of plan.rules) {
        if (rule.isEffective !== undefined && !rule.isEffective(instant)) continue;
        if (!conditionHolds(rule.rule.id)) continue;
        ranks.push(rule.rank);
        if (rule.stop) break;
      }
      const decision = assembler.assemble(scope, ranks, ranks.length);
      invariants?.apply(decision, scope);
      return decision;
    },
  };
}
