import type { RuleSet } from '../model/rule-set.js';
import type { OperatorContext } from '../operators/operator.js';
import { InvariantEnforcer } from '../route/apply-invariants.js';
import { createDecisionPlan } from '../route/decision-plan.js';
import type { DecisionPlan } from '../route/decision-plan.js';
import { buildTimeContext } from '../time/time-context.js';
import { ConditionCompiler } from './compile-condition.js';
import type { CompiledCondition } from './compile-condition.js';
import { flattenRegionGroups } from './region-hierarchy.js';
import { RuleIndex } from './rule-index.js';

/** A rule set compiled for routing: the decision plan, one closure tree per rule, the index. */
export interface CompiledRuleSet {
  readonly plan: DecisionPlan;
  /** By rank (evaluation order), like `plan.rules`. */
  readonly conditions: readonly CompiledCondition[];
  readonly index: RuleIndex;
  /** The invariants, applied after the rules; `undefined` when the rule set has none. */
  readonly invariants: InvariantEnforcer | undefined;
}

/**
 * Compiles every rule's `condition` (shared conditions once), the decision plan and the index.
 * Trusts `ruleSet`: it came from the loader, which checked everything compiling relies on.
 */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const time = buildTimeContext(ruleSet);
  const context: OperatorContext = {
    regionMembers: flattenRegionGroups(ruleSet.regions),
    time,
  };
  const plan = createDecisionPlan(ruleSet, time);
  const compiler = new ConditionCompiler(ruleSet, context);
  const conditions = plan.rules.map(({ rule }) => compiler.compile(rule.condition));
  const index = new RuleIndex(
    plan.rules.map(({ rule }) => rule.condition),
    { sharedConditions: ruleSet.sharedConditions, regionMembers: context.regionMembers },
  );
  const invariants = InvariantEnforcer.compile(ruleSet, context, time);
  return { plan, conditions, index, invariants };
}
