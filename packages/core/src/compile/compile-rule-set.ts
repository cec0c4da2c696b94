import type { RuleSet } from '../model/rule-set.js';
import type { OperatorContext } from '../operators/operator.js';
import { InvariantEnforcer } from '../route/apply-invariants.js';
import { createDecisionPlan } from '../route/decision-plan.js';
import type { DecisionPlan } from '../route/decision-plan.js';
import { buildTimeContext } from '../time/time-context.js';
import { ConditionCompiler } from './compile-condition.js';
import type { CompiledCondition } from './compile-condition.js';
import { CompileReport } from './compile-report.js';
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
 * Throws `RuleSetError` with every problem found when the rule set did not come from the loader
 * intact (unknown operators, references, recipients, templates, unsafe patterns …).
 */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const report = new CompileReport();
  const time = buildTimeContext(ruleSet);
  const context: OperatorContext = {
    regionMembers: flattenRegionGroups(ruleSet.regions),
    time,
  };
  const plan = createDecisionPlan(ruleSet, time, report);
  const compiler = new ConditionCompiler(ruleSet, context, report);
  const conditions = plan.rules.map(({ rule }) =>
    compiler.compile(rule.condition, rule.location, '/condition'),
  );
  const index = new RuleIndex(
    plan.rules.map(({ rule }) => rule.condition),
    { sharedConditions: ruleSet.sharedConditions, regionMembers: context.regionMembers },
  );
  const invariants = InvariantEnforcer.compile(ruleSet, context, time, report);
  report.throwIfAny();
  return { plan, conditions, index, invariants };
}
