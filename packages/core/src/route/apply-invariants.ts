import type { ResolvedRecipient, RoutedNotification, RoutingDecision } from '../model/decision.js';
import type { ConditionTrace } from '../model/explanation.js';
import type { InvariantDefinition } from '../model/invariants.js';
import type { RuleDefinition, RuleSet } from '../model/rule-set.js';
import type { OperatorContext } from '../operators/operator.js';
import { ConditionCompiler } from '../compile/compile-condition.js';
import type { CompiledCondition } from '../compile/compile-condition.js';
import type { EvaluationScope } from '../compile/evaluation-scope.js';
import type { TimeContext } from '../time/time-context.js';
import { DecisionAssembler } from './build-decision.js';
import { createDecisionPlan } from './decision-plan.js';
import { RecipientDirectory } from './recipient-expansion.js';

/** What one invariant changed in one decision: a notification created, or recipients added to one. */
export interface InvariantRepair {
  invariant: string;
  template: string;
  channel: string;
  /** True when no rule produced a (template, channel) notification and the invariant created it. */
  created: boolean;
  /** The required recipients that were missing (all of them when `created`). */
  added: ResolvedRecipient[];
}

/** Hears of every repair `apply` makes. */
export type RepairListener = (repair: InvariantRepair) => void;

interface CompiledInvariant {
  readonly definition: InvariantDefinition;
  readonly condition: CompiledCondition;
  /** Required channel → the addresses the required recipients have on it, in channel order. */
  readonly required: readonly (readonly [
    channel: string,
    recipients: readonly ResolvedRecipient[],
  ])[];
  /** Rank of the invariant's stand-in rule in `assembler`'s plan, when it names a template. */
  readonly rank: number | undefined;
}

/**
 * The invariants of a rule set, compiled once: `apply` adds to a decision what the invariants
 * whose `for` matches require and is missing, after the rules ran, whatever `stop` and priorities
 * said. A rule set without invariants compiles to `undefined`, so routing pays nothing for them.
 */
export class InvariantEnforcer {
  private constructor(
    private readonly invariants: readonly CompiledInvariant[],
    private readonly assembler: DecisionAssembler,
  ) {}

  /**
   * Compiles `ruleSet.invariants` with the router's own condition compiler, recipient expansion
   * and template rendering; `undefined` when there are none. Trusts `ruleSet` (from the loader,
   * which checked the section).
   */
  static compile(
    ruleSet: RuleSet,
    context: OperatorContext,
    time: TimeContext,
  ): InvariantEnforcer | undefined {
    const definitions = ruleSet.invariants ?? [];
    if (definitions.length === 0) return undefined;
    // Each invariant with a template becomes a stand-in rule notifying what it requires, so a
    // created notification renders its subject and params exactly as a rule's would.
    const templated = definitions.filter((d) => d.require.template !== undefined);
    const standIns = templated.map((d, order): RuleDefinition => ({
      id: d.id,
      priority: 0,
      order,
      condition: d.condition,
      notify: [
        {
          to: d.require.recipients,
          template: d.require.template!,
          channels: d.require.channels,
          location: d.location,
        },
      ],
      stop: false,
      location: d.location,
    }));
    const plan = createDecisionPlan({ ...ruleSet, rules: standIns }, time);
    const compiler = new ConditionCompiler(ruleSet, context);
    const directory = new RecipientDirectory(ruleSet.recipients);
    const invariants = definitions.map((definition): CompiledInvariant => {
      const { require } = definition;
      const index = templated.indexOf(definition);
      return {
        definition,
        condition: compiler.compile(definition.condition),
        required: require.channels.map(
          (channel) =>
            [
              channel,
              directory.expand(require.recipients, channel).map((r) => r.recipient),
            ] as const,
        ),
        rank: index < 0 ? undefined : index,
      };
    });
    return new InvariantEnforcer(invariants, new DecisionAssembler(plan));
  }

  /**
   * Completes `decision` (in place) for the event in `scope`: for each invariant whose `for`
   * matches, its id joins `decision.invariants` (file order); a required (template, channel)
   * notification that is missing is created (`ruleIds: []`), missing required recipients are
   * merged into an existing one, and every notification it requires gets its id in `requiredBy`.
   * Invariants without a template run after those with one, so their recipients are copied on
   * every notification of their channels, created ones included.
   */
  apply(decision: RoutingDecision, scope: EvaluationScope, onRepair?: RepairListener): void {
    let matched: CompiledInvariant[] | undefined;
    for (const invariant of this.invariants) {
      if (!invariant.condition.test(scope)) continue;
      (matched ??= []).push(invariant);
      if (invariant.rank !== undefined) {
        this.requireTemplate(invariant, invariant.rank, decision, scope, onRepair);
      }
    }
    if (matched === undefined) return;
    // Copies go last, so they reach the notifications other invariants created too.
    for (const invariant of matched) {
      if (invariant.rank === undefined) this.copyOnChannels(invariant, decision, onRepair);
    }
    decision.invariants = matched.map((invariant) => invariant.definition.id);
  }

  /** Each invariant's `for`, traced for `explain`, in file order. */
  trace(scope: EvaluationScope): { definition: InvariantDefinition; condition: ConditionTrace }[] {
    return this.invariants.map(({ definition, condition }) => ({
      definition,
      condition: condition.trace(scope),
    }));
  }

  private requireTemplate(
    invariant: CompiledInvariant,
    rank: number,
    decision: RoutingDecision,
    scope: EvaluationScope,
    onRepair: RepairListener | undefined,
  ): void {
    const { id, require } = invariant.definition;
    const template = require.template!;
    let created: RoutedNotification[] | undefined;
    for (const [channel, recipients] of invariant.required) {
      if (recipients.length === 0) continue;
      const index = decision.notifications.findIndex(
        (n) => n.template === template && n.channel === channel,
      );
      if (index >= 0) {
        this.complete(decision, index, id, recipients, onRepair);
        continue;
      }
      created ??= this.assembler.assemble(scope, [rank], 1).notifications;
      const rendered = created.find((n) => n.channel === channel);
      if (rendered === undefined) continue;
      decision.notifications.push({ ...rendered, ruleIds: [], requiredBy: [id] });
      onRepair?.({ invariant: id, template, channel, created: true, added: rendered.recipients });
    }
  }

  private copyOnChannels(
    invariant: CompiledInvariant,
    decision: RoutingDecision,
    onRepair: RepairListener | undefined,
  ): void {
    const { id } = invariant.definition;
    for (const [channel, recipients] of invariant.required) {
      if (recipients.length === 0) continue;
      decision.notifications.forEach((notification, index) => {
        if (notification.channel === channel) {
          this.complete(decision, index, id, recipients, onRepair);
        }
      });
    }
  }

  /** Merges the missing `recipients` into notification `index` and marks it required by `id`. */
  private complete(
    decision: RoutingDecision,
    index: number,
    id: string,
    recipients: readonly ResolvedRecipient[],
    onRepair: RepairListener | undefined,
  ): void {
    const notification = decision.notifications[index]!;
    const present = new Set(notification.recipients.map((r) => `${r.key}\u0000${r.address}`));
    const added = recipients.filter((r) => !present.has(`${r.key}\u0000${r.address}`));
    const requiredBy = notification.requiredBy ?? [];
    decision.notifications[index] = {
      ...notification,
      recipients:
        added.length === 0 ? notification.recipients : [...notification.recipients, ...added],
      requiredBy: requiredBy.includes(id) ? requiredBy : [...requiredBy, id],
    };
    if (added.length > 0) {
      onRepair?.({
        invariant: id,
        template: notification.template,
        channel: notification.channel,
        created: false,
        added,
      });
    }
  }
}
