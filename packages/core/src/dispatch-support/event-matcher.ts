import type { NormalizedEvent } from '../model/event.js';
import type { EventMatcherDefinition } from '../model/policies.js';
import { requireChecked } from '../model/checked-rule-set.js';
import type { RuleSet } from '../model/rule-set.js';
import type { OperatorContext } from '../operators/operator.js';
import { ConditionCompiler } from '../compile/compile-condition.js';
import { EvaluationScope } from '../compile/evaluation-scope.js';
import { flattenRegionGroups } from '../compile/region-hierarchy.js';
import { buildTimeContext } from '../time/time-context.js';

/** Whether one event matches, with `now` as the `$now` fact (and the instant time operators use). */
export type EventMatcher = (event: NormalizedEvent, now: Date) => boolean;

/** Regions and calendars per rule set: immutable, so every matcher of one rule set shares them. */
const contexts = new WeakMap<RuleSet, OperatorContext>();

function operatorContext(ruleSet: RuleSet): OperatorContext {
  let context = contexts.get(ruleSet);
  if (context === undefined) {
    context = {
      regionMembers: flattenRegionGroups(ruleSet.regions),
      time: buildTimeContext(ruleSet),
    };
    contexts.set(ruleSet, context);
  }
  return context;
}

/**
 * Compiles a `when` matcher of the rule set (an inhibit rule's `source` / `target`, an
 * escalation's `resolvedBy`, a rule's condition) with the condition compiler the router uses, so
 * it matches exactly the events a rule with the same `when` matches. Trusts `definition`: it
 * belongs to `ruleSet`, which the loader checked (a matcher written in code goes through
 * `parseRuleSet` first, as silences do). Throws `RuleSetError` (`EXR_RULE_SET_UNCHECKED`) for a
 * rule set that did not come from the loader.
 */
export function createEventMatcher(
  ruleSet: RuleSet,
  definition: Pick<EventMatcherDefinition, 'condition'>,
): EventMatcher {
  requireChecked(ruleSet, 'createEventMatcher');
  const compiler = new ConditionCompiler(ruleSet, operatorContext(ruleSet));
  const compiled = compiler.compile(definition.condition);
  return (event, now) => compiled.test(new EvaluationScope(event, () => now));
}
