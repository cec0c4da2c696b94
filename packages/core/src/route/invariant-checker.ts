import type { ResolvedRecipient, RoutingDecision } from '../model/decision.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RuleSet } from '../model/rule-set.js';
import { requireChecked } from '../model/checked-rule-set.js';
import { EvaluationScope } from '../compile/evaluation-scope.js';
import { flattenRegionGroups } from '../compile/region-hierarchy.js';
import { buildTimeContext } from '../time/time-context.js';
import { InvariantEnforcer } from './apply-invariants.js';
import type { InvariantRepair } from './apply-invariants.js';

/** One required notification a decision lacks (or lacks recipients of). */
export interface InvariantViolation {
  /** The invariant's id. */
  invariant: string;
  template: string;
  channel: string;
  /** True when the decision has no (template, channel) notification at all. */
  missingNotification: boolean;
  /** The required recipients the decision does not reach there. */
  missingRecipients: ResolvedRecipient[];
}

/** Checks decisions against a rule set's invariants without changing them. */
export interface InvariantChecker {
  /**
   * The invariants whose `for` matches `event` (file order) and what `decision` lacks of what
   * they require: `violations` is empty when the decision complies. `decision` is not modified.
   */
  check(
    event: NormalizedEvent,
    decision: RoutingDecision,
  ): { applied: string[]; violations: InvariantViolation[] };
}

/**
 * Compiles `ruleSet.invariants` with the router's own code, to check decisions made without
 * them (the rules alone: `exroute verify`, suites). The clock is `$now` for `for` conditions.
 * Throws `RuleSetError` (`EXR_RULE_SET_UNCHECKED`) for a rule set that did not come from the loader.
 */
export function createInvariantChecker(
  ruleSet: RuleSet,
  options: { clock?: () => Date } = {},
): InvariantChecker {
  requireChecked(ruleSet, 'createInvariantChecker');
  const time = buildTimeContext(ruleSet);
  const enforcer = InvariantEnforcer.compile(
    ruleSet,
    { regionMembers: flattenRegionGroups(ruleSet.regions), time },
    time,
  );
  const clock = options.clock ?? (() => new Date());
  return {
    check(event, decision) {
      if (enforcer === undefined) return { applied: [], violations: [] };
      const copy: RoutingDecision = {
        ...decision,
        notifications: decision.notifications.map((n) => ({ ...n })),
      };
      delete copy.invariants;
      const repairs: InvariantRepair[] = [];
      enforcer.apply(copy, new EvaluationScope(event, clock), (repair) => repairs.push(repair));
      return {
        applied: copy.invariants ?? [],
        violations: repairs.map((r) => ({
          invariant: r.invariant,
          template: r.template,
          channel: r.channel,
          missingNotification: r.created,
          missingRecipients: r.added,
        })),
      };
    },
  };
}
