import type { RoutingDecision } from '../model/decision.js';
import { requireChecked } from '../model/checked-rule-set.js';
import { EventValidationError } from '../model/errors.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RuleSet } from '../model/rule-set.js';
import { createDecisionBuilder } from '../route/build-decision.js';
import { buildTimeContext } from '../time/time-context.js';
import { validateEvent } from '../validate/validate-event.js';
import { createConditionOracle } from './json-rules-engine-evaluator.js';
import { ReferenceEvaluationError } from './reference-error.js';
import { expandRegionMembers } from './region-members.js';

/** Options of `createReferenceRouter`; the same meaning as `createRouter`'s. */
export interface ReferenceRouterOptions {
  /** The clock `$now`, `effective`, `due` and `deferUntil` read; `() => new Date()` by default. */
  clock?: () => Date;
  /** Check each event against the NormalizedEvent schema first (default `true`). */
  validateEvents?: boolean;
}

/** The json-rules-engine twin of `Router.route`, for proving the compiled router right. */
export interface ReferenceRouter {
  /**
   * The decision json-rules-engine's verdicts lead to; rejects with `EventValidationError` for
   * an invalid event and `ReferenceEvaluationError` where json-rules-engine itself throws.
   */
  route(event: NormalizedEvent): Promise<RoutingDecision>;
  /** The rule set this router evaluates. */
  readonly ruleSet: RuleSet;
}

/**
 * Evaluates `ruleSet` with json-rules-engine 7 itself (one Engine, exroute's operators added,
 * a path resolver that cannot execute code) and builds the decision with the compiled router's
 * own decision builder, so the two routers can differ only in which rules' conditions hold.
 * Slow by design (every condition is a promise); use it in tests, never in production.
 * json-rules-engine writes every shared condition out at each reference; the loader's budget
 * (`EXR_CONDITION_TOO_LARGE`) keeps that small, so only a rule set from the loader is taken
 * (`RuleSetError`, `EXR_RULE_SET_UNCHECKED`, otherwise).
 */
export function createReferenceRouter(
  ruleSet: RuleSet,
  options: ReferenceRouterOptions = {},
): ReferenceRouter {
  requireChecked(ruleSet, 'createReferenceRouter');
  const clock = options.clock ?? (() => new Date());
  const validates = options.validateEvents ?? true;
  const oracle = createConditionOracle(ruleSet, {
    regionMembers: expandRegionMembers(ruleSet.regions),
    time: buildTimeContext(ruleSet),
  });
  const decisions = createDecisionBuilder(ruleSet);
  return {
    ruleSet,
    async route(event) {
      if (validates) {
        const diagnostics = validateEvent(event);
        if (diagnostics.length > 0) throw new EventValidationError(diagnostics);
      }
      const now = new Date(clock().getTime());
      let holding: ReadonlySet<string>;
      try {
        holding = await oracle.matchingRuleIds(event, now);
      } catch (error) {
        throw new ReferenceEvaluationError(event.id, error);
      }
      return decisions.decide(event, (ruleId) => holding.has(ruleId), now);
    },
  };
}
