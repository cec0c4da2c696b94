import type { RoutedNotification } from '../model/decision.js';
import type { NormalizedEvent } from '../model/event.js';
import { requireChecked } from '../model/checked-rule-set.js';
import type { RuleDefinition, RuleSet } from '../model/rule-set.js';
import { EvaluationScope } from '../compile/evaluation-scope.js';
import { DecisionAssembler } from '../route/build-decision.js';
import { createDecisionPlan } from '../route/decision-plan.js';
import { buildTimeContext } from '../time/time-context.js';

/** Renders escalation steps into notifications. */
export interface EscalationNotifier {
  /**
   * The notifications step `step` (0-based index into `steps`; the routed notification itself is
   * not a step) of escalation `name` sends for `event`, one per (template, channel), with
   * recipients expanded and subject and params rendered exactly as a rule's notify entry would
   * be; `ruleIds` is `['<name>#<step + 1>']`. Empty for an unknown name or step.
   */
  notifications(
    name: string,
    step: number,
    event: NormalizedEvent,
    now: Date,
  ): RoutedNotification[];
}

/**
 * Prepares every escalation step of `ruleSet` as the router prepares notify entries (recipient
 * groups expanded once, templates compiled once). Trusts the steps: the loader checked their
 * recipients and templates. Throws `RuleSetError` (`EXR_RULE_SET_UNCHECKED`) for a rule set that
 * did not come from the loader.
 */
export function createEscalationNotifier(ruleSet: RuleSet): EscalationNotifier {
  requireChecked(ruleSet, 'createEscalationNotifier');
  // Each step becomes a rule that always matches, in a rule set of its own: the decision builder
  // then renders it with the router's own code.
  const ranks = new Map<string, number[]>();
  const rules: RuleDefinition[] = [];
  for (const escalation of ruleSet.escalations.values()) {
    const stepRanks: number[] = [];
    escalation.steps.forEach((step, index) => {
      stepRanks.push(rules.length);
      rules.push({
        id: `${escalation.name}#${index + 1}`,
        priority: 0,
        order: rules.length,
        condition: { all: [] },
        notify: [
          {
            to: step.to,
            template: step.template,
            ...(step.channels !== undefined ? { channels: step.channels } : {}),
            location: step.location,
          },
        ],
        stop: false,
        location: step.location,
      });
    });
    ranks.set(escalation.name, stepRanks);
  }
  const plan = createDecisionPlan({ ...ruleSet, rules }, buildTimeContext(ruleSet));
  const assembler = new DecisionAssembler(plan);
  return {
    notifications(name, step, event, now) {
      const rank = ranks.get(name)?.[step];
      if (rank === undefined) return [];
      const instant = new Date(now.getTime());
      const scope = new EvaluationScope(event, () => instant);
      return assembler.assemble(scope, [rank], 1).notifications;
    },
  };
}
