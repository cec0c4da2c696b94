import type { SourceLocation } from '../model/diagnostic.js';
import type { NormalizedEvent } from '../model/event.js';
import type { EventMatcherDefinition } from '../model/policies.js';
import type { RuleSet } from '../model/rule-set.js';
import type { OperatorContext } from '../operators/operator.js';
import { ConditionCompiler } from '../compile/compile-condition.js';
import { CompileReport } from '../compile/compile-report.js';
import { EvaluationScope } from '../compile/evaluation-scope.js';
import { flattenRegionGroups } from '../compile/region-hierarchy.js';
import { buildTimeContext } from '../time/time-context.js';

/** Whether one event matches, with `now` as the `$now` fact (and the instant time operators use). */
export type EventMatcher = (event: NormalizedEvent, now: Date) => boolean;

const INLINE: SourceLocation = { file: '<matcher>', line: 1, column: 1, pointer: '' };

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
 * escalation's `resolvedBy`) with the condition compiler the router uses, so it matches exactly
 * the events a rule with the same `when` matches. Throws `RuleSetError` when the condition does
 * not compile (unknown operator, unsafe pattern), which a matcher from `parseRuleSet` never does.
 */
export function createEventMatcher(
  ruleSet: RuleSet,
  definition: Pick<EventMatcherDefinition, 'condition'>,
  location: SourceLocation = INLINE,
): EventMatcher {
  const report = new CompileReport();
  const compiler = new ConditionCompiler(ruleSet, operatorContext(ruleSet), report);
  const compiled = compiler.compile(definition.condition, location, '');
  report.throwIfAny();
  return (event, now) => compiled.test(new EvaluationScope(event, () => now));
}
