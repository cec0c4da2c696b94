import type { Explanation, InvariantExplanation, RuleExplanation } from '../model/explanation.js';
import type { CompiledRuleSet } from '../compile/compile-rule-set.js';
import type { EvaluationScope } from '../compile/evaluation-scope.js';
import type { InvariantEnforcer, InvariantRepair } from './apply-invariants.js';
import type { DecisionAssembler } from './build-decision.js';

/**
 * Explains one event: walks every rule in evaluation order with the same checks `route` makes
 * (stop, effective, index, condition), traces each condition in full, and builds the decision
 * from the rules it found matching with the very assembler `route` uses.
 */
export function explainEvent(
  compiled: CompiledRuleSet,
  assembler: DecisionAssembler,
  scope: EvaluationScope,
): Explanation {
  const { plan, conditions, index } = compiled;
  const now = scope.now();
  const rules: RuleExplanation[] = [];
  const matchedRanks: number[] = [];
  let stoppedBy: string | undefined;
  for (const rulePlan of plan.rules) {
    const { rule, rank } = rulePlan;
    const verdict = {
      ruleId: rule.id,
      file: rule.location.file,
      line: rule.location.line,
      priority: rule.priority,
    };
    if (stoppedBy !== undefined) {
      rules.push({ ...verdict, outcome: 'stopped', stoppedBy });
      continue;
    }
    if (rulePlan.isEffective !== undefined && !rulePlan.isEffective(now)) {
      rules.push({ ...verdict, outcome: 'not-effective' });
      continue;
    }
    const condition = conditions[rank]!.trace(scope);
    if (!index.admits(rank, scope)) {
      // The pinned leaf is part of the trace and fails there too, so route agrees.
      rules.push({ ...verdict, outcome: 'skipped-by-index', condition });
      continue;
    }
    rules.push({ ...verdict, outcome: condition.result ? 'matched' : 'not-matched', condition });
    if (!condition.result) continue;
    matchedRanks.push(rank);
    if (rulePlan.stop) stoppedBy = rule.id;
  }

  const missing = new Map<string, Explanation['missingPlaceholders'][number]>();
  const decision = assembler.assemble(
    scope,
    matchedRanks,
    matchedRanks.length,
    (template, placeholder, ruleIds) => {
      const key = `${template}\u0000${placeholder}`;
      const entry = missing.get(key);
      if (entry === undefined) {
        missing.set(key, { template, placeholder, ruleIds: [...ruleIds] });
        return;
      }
      for (const id of ruleIds) if (!entry.ruleIds.includes(id)) entry.ruleIds.push(id);
    },
  );
  const invariants = compiled.invariants;
  const repairs: InvariantRepair[] = [];
  invariants?.apply(decision, scope, (repair) => repairs.push(repair));
  return {
    eventId: decision.eventId,
    ruleSetVersion: decision.ruleSetVersion,
    now: scope.nowIso(),
    rules,
    decision,
    missingPlaceholders: [...missing.values()],
    ...(invariants === undefined
      ? {}
      : { invariants: explainInvariants(invariants, scope, repairs) }),
  };
}

/** Each invariant with its traced `for` and what it added to the decision. */
function explainInvariants(
  invariants: InvariantEnforcer,
  scope: EvaluationScope,
  repairs: readonly InvariantRepair[],
): InvariantExplanation[] {
  return invariants.trace(scope).map(({ definition, condition }) => ({
    invariantId: definition.id,
    file: definition.location.file,
    line: definition.location.line,
    outcome: condition.result ? 'applied' : 'not-applicable',
    condition,
    repairs: repairs
      .filter((r) => r.invariant === definition.id)
      .map((r) => ({
        template: r.template,
        channel: r.channel,
        created: r.created,
        added: r.added.map((a) => a.key).filter((key, i, all) => all.indexOf(key) === i),
      })),
  }));
}
