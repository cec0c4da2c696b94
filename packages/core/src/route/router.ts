import type { RoutingDecision } from '../model/decision.js';
import { EventValidationError, ExrouteError } from '../model/errors.js';
import type { NormalizedEvent } from '../model/event.js';
import type { Explanation } from '../model/explanation.js';
import { requireChecked } from '../model/checked-rule-set.js';
import type { RuleSet } from '../model/rule-set.js';
import { compileRuleSet } from '../compile/compile-rule-set.js';
import type { CompiledRuleSet } from '../compile/compile-rule-set.js';
import { EvaluationScope } from '../compile/evaluation-scope.js';
import { unreadableEvent, validateEvent } from '../validate/validate-event.js';
import { DecisionAssembler } from './build-decision.js';
import { explainEvent } from './explain.js';

/** Options of `createRouter`. */
export interface RouterOptions {
  /** The clock `$now`, `effective`, `due` and `deferUntil` read; `() => new Date()` by default. */
  clock?: () => Date;
  /**
   * Check each event against the NormalizedEvent schema before routing (default `true`); turn
   * off only for events that already passed validation upstream.
   */
  validateEvents?: boolean;
  /**
   * Apply the rule set's `invariants` after the rules (default `true`); `false` routes by the
   * rules alone, which is what `exroute verify` and suites compare the invariants against.
   */
  invariants?: boolean;
}

/** A compiled rule set: routes events synchronously and explains why (DESIGN.md §5). */
export interface Router {
  /** The decision for one event; throws `EventValidationError` for an invalid event. */
  route(event: NormalizedEvent): RoutingDecision;
  /** Every rule's verdict with the values it saw; its `decision` is exactly what `route` returns. */
  explain(event: NormalizedEvent): Explanation;
  /** The rule set this router was compiled from. */
  readonly ruleSet: RuleSet;
}

/**
 * Compiles `ruleSet` once (conditions into closures, recipients expanded, an index on pinned
 * fields) into a Router. Trusts the loader's checks and repeats none; throws `RuleSetError`
 * (`EXR_RULE_SET_UNCHECKED`) for a rule set that did not come from `checkRuleSet`,
 * `parseRuleSet` or `loadRuleSet` unchanged.
 */
export function createRouter(ruleSet: RuleSet, options: RouterOptions = {}): Router {
  requireChecked(ruleSet, 'createRouter');
  const compiled = compileRuleSet(ruleSet);
  return new CompiledRouter(
    ruleSet,
    options.invariants === false ? { ...compiled, invariants: undefined } : compiled,
    options,
  );
}

const defaultClock = (): Date => new Date();

/**
 * Only exroute's own errors leave `route` / `explain`: anything else was thrown while reading the
 * event (a getter, a Proxy trap that passed validation once and throws later) or by the clock,
 * and becomes an `EventValidationError` (`EXR_EVENT_UNREADABLE`).
 */
function ownError(error: unknown): ExrouteError {
  return error instanceof ExrouteError ? error : new EventValidationError([unreadableEvent(error)]);
}

class CompiledRouter implements Router {
  private readonly clock: () => Date;
  private readonly validates: boolean;
  private readonly assembler: DecisionAssembler;
  private readonly candidates: Int32Array;
  private readonly matched: Int32Array;
  private readonly scope: EvaluationScope;
  private busy = false;

  constructor(
    readonly ruleSet: RuleSet,
    private readonly compiled: CompiledRuleSet,
    options: RouterOptions,
  ) {
    this.clock = options.clock ?? defaultClock;
    this.validates = options.validateEvents ?? true;
    this.assembler = new DecisionAssembler(compiled.plan);
    this.candidates = new Int32Array(compiled.plan.rules.length);
    this.matched = new Int32Array(compiled.plan.rules.length);
    this.scope = new EvaluationScope({}, this.clock);
  }

  route(event: NormalizedEvent): RoutingDecision {
    try {
      return this.routeChecked(event);
    } catch (error) {
      throw ownError(error);
    }
  }

  explain(event: NormalizedEvent): Explanation {
    try {
      this.check(event);
      return explainEvent(this.compiled, this.assembler, new EvaluationScope(event, this.clock));
    } catch (error) {
      throw ownError(error);
    }
  }

  private routeChecked(event: NormalizedEvent): RoutingDecision {
    this.check(event);
    if (this.busy) {
      // Re-entered (from a clock callback): never share the scratch buffers with the outer run.
      const rules = this.compiled.plan.rules.length;
      const scope = new EvaluationScope(event, this.clock);
      return this.evaluate(scope, new Int32Array(rules), new Int32Array(rules));
    }
    this.busy = true;
    try {
      this.scope.reset(event);
      return this.evaluate(this.scope, this.candidates, this.matched);
    } finally {
      this.busy = false;
    }
  }

  private evaluate(
    scope: EvaluationScope,
    candidates: Int32Array,
    matched: Int32Array,
  ): RoutingDecision {
    const { plan, conditions, index } = this.compiled;
    const candidateCount = index.collect(scope, candidates);
    let matchedCount = 0;
    for (let c = 0; c < candidateCount; c++) {
      const rank = candidates[c]!;
      const rule = plan.rules[rank]!;
      if (rule.isEffective !== undefined && !rule.isEffective(scope.now())) continue;
      // An exact rule's condition is its pins, which `collect` has just checked.
      if (!index.isExact(rank) && !conditions[rank]!.test(scope)) continue;
      matched[matchedCount++] = rank;
      if (rule.stop) break;
    }
    const decision = this.assembler.assemble(scope, matched, matchedCount);
    // Invariants run after every rule, whatever `stop` said; none compiled: nothing to pay.
    this.compiled.invariants?.apply(decision, scope);
    return decision;
  }

  /** Rejects what is not an event: schema violations when validating, non-objects always. */
  private check(event: unknown): void {
    if (this.validates) {
      const problems = validateEvent(event);
      // A valid event costs no filtered copy.
      if (problems.length === 0) return;
      const errors = problems.filter((d) => d.severity === 'error');
      if (errors.length > 0) throw new EventValidationError(errors);
    } else if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw new EventValidationError([
        {
          code: 'EXR_EVENT_NOT_OBJECT',
          severity: 'error',
          message: 'an event must be a JSON object with id, source, type, time and data',
          pointer: '',
        },
      ]);
    }
  }
}
