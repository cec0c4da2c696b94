/**
 * `createEventMatcher` must match exactly the events a rule with the same condition matches. The
 * reference is json-rules-engine (the reference router): for random rule files, every rule's
 * condition compiled as a matcher is compared with whether the reference matched that rule, on
 * a copy of the rule set without `stop` and `effective` so every rule is evaluated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReferenceRouter, parseRuleSet } from '@exroute/core';
import type { RuleSet } from '@exroute/core';
import { createEventMatcher } from '@exroute/core/dispatch-support';
import { event, instant, ruleFile } from '../reference/arbitraries.js';

/** The rule file with every rule always effective and none stopping, through the loader. */
function everyRuleEvaluated(file: Record<string, unknown>): RuleSet {
  const rules = (file['rules'] as Record<string, unknown>[]).map(
    ({ effective: _effective, ...rule }) => ({ ...rule, stop: false }),
  );
  return parseRuleSet(JSON.stringify({ ...file, rules }, null, 1), {
    filename: 'generated.yaml',
  });
}

describe('createEventMatcher ≡ a rule with the same condition (json-rules-engine reference)', () => {
  it('agrees for random rule files, events and clocks', async () => {
    let matches = 0;
    let misses = 0;
    await fc.assert(
      fc.asyncProperty(
        ruleFile,
        fc.array(event, { minLength: 1, maxLength: 4 }),
        instant,
        async (file, events, now) => {
          const ruleSet = everyRuleEvaluated(file);
          const reference = createReferenceRouter(ruleSet, { clock: () => now });
          const matchers = ruleSet.rules.map(
            (rule) => [rule.id, createEventMatcher(ruleSet, rule)] as const,
          );
          for (const e of events) {
            const matched = new Set((await reference.route(e)).matched.map((m) => m.ruleId));
            for (const [id, matcher] of matchers) {
              const verdict = matcher(e, now);
              expect(verdict, `rule ${id}`).toBe(matched.has(id));
              if (verdict) matches++;
              else misses++;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
    // The property is only worth something when both verdicts occur.
    expect(matches).toBeGreaterThan(0);
    expect(misses).toBeGreaterThan(0);
  }, 120_000);
});
