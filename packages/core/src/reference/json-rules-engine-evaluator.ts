/**
 * The json-rules-engine half of the reference router: json-rules-engine itself decides which
 * rules' conditions hold. Only three things are exroute's here, and each is the very definition
 * the compiled router uses, so the comparison tests condition evaluation and nothing else:
 * the facts (event fields, `priority` defaulted, `$now`), the path resolver (simple paths, own
 * properties only, so no JSONPath script can ever run) and exroute's added operators.
 */
import { Engine, Operator } from 'json-rules-engine';
import type { TopLevelCondition } from 'json-rules-engine';
import type { Condition } from '../model/condition.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RuleSet } from '../model/rule-set.js';
import type { OperatorContext } from '../operators/operator.js';
import { OPERATORS } from '../operators/registry.js';
import { parseSimplePath, resolvePath } from '../paths/simple-path.js';
import type { PathSegment } from '../paths/simple-path.js';

/** Decides, with json-rules-engine, which rules' conditions hold for one event. */
export interface ConditionOracle {
  /** Ids of the rules whose `condition` holds, ignoring `effective`, priority and `stop`. */
  matchingRuleIds(event: NormalizedEvent, now: Date): Promise<ReadonlySet<string>>;
}

/**
 * Builds one json-rules-engine Engine for the whole rule set: every rule's `condition` as its
 * conditions, every shared condition via `setCondition`, exroute's operators via `addOperator`.
 * The engine's own operators and decorators stay untouched: they are what is being compared.
 */
export function createConditionOracle(ruleSet: RuleSet, context: OperatorContext): ConditionOracle {
  const engine = new Engine([], {
    allowUndefinedFacts: true,
    pathResolver: createSimplePathResolver(),
  });
  for (const operator of OPERATORS.values()) {
    if (operator.origin !== 'exroute') continue;
    engine.addOperator(
      new Operator(
        operator.name,
        (factValue: unknown, value: unknown) => operator.evaluate(factValue, value, context),
        operator.acceptsFactValue,
      ),
    );
  }
  for (const shared of ruleSet.sharedConditions.values()) {
    engine.setCondition(shared.name, asTopLevel(structuredClone(shared.condition)));
  }
  for (const rule of ruleSet.rules) {
    // The rule's exroute priority is deliberately not passed: json-rules-engine requires >= 1
    // and orders by it, while evaluation order never changes which conditions hold.
    engine.addRule({
      name: rule.id,
      // A copy: json-rules-engine rewrites a leaf's `priority` in place.
      conditions: structuredClone(rule.condition),
      event: { type: rule.id },
    });
  }
  return {
    async matchingRuleIds(event, now) {
      const { results } = await engine.run(factsOf(event, now));
      return new Set(results.map((result) => result.name));
    },
  };
}

/** The facts both routers expose: every top-level event field, `priority` defaulted, `$now`. */
function factsOf(event: NormalizedEvent, now: Date): Record<string, unknown> {
  const facts: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(event)) {
    facts[key] = (event as unknown as Record<string, unknown>)[key];
  }
  facts['priority'] = event.priority ?? 'normal';
  facts['$now'] = now.toISOString();
  return facts;
}

/**
 * json-rules-engine calls the resolver only for a non-null object fact value, so reading the
 * parsed segments through own properties is exactly `readFactPath`. A path the loader would
 * have rejected resolves to nothing rather than reaching jsonpath-plus.
 */
function createSimplePathResolver(): (value: object, path: string) => unknown {
  const parsed = new Map<string, PathSegment[] | undefined>();
  return (value, path) => {
    if (!parsed.has(path)) parsed.set(path, parseSimplePath(path));
    const segments = parsed.get(path);
    return segments === undefined ? undefined : resolvePath(value, segments);
  };
}

/**
 * `setCondition` insists on an `all`/`any`/`not`/`condition` root; a shared leaf means the same
 * as a one-element `all`.
 */
function asTopLevel(condition: Condition): TopLevelCondition {
  if ('all' in condition || 'any' in condition || 'not' in condition || 'condition' in condition) {
    return condition;
  }
  return { all: [condition] };
}
