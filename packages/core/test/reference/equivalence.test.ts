/**
 * The proof of equivalence (issue 2): for random rule files, events and router clocks, the
 * compiled router and the json-rules-engine reference match exactly the same rules and build
 * the same decision. Rule files go through `parseRuleSet` (as JSON text, which is YAML 1.2), so
 * the whole pipeline is under test. See arbitraries.ts for the one input class kept out on
 * purpose: where json-rules-engine throws a TypeError, exroute answers false by design.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReferenceRouter, createRouter, parseRuleSet } from '@exroute/core';
import { event, instant, ruleFile } from './arbitraries.js';

/**
 * Loading a rule file (~15 ms) dominates a case, so each generated file routes several events:
 * 1,000 files × 1–6 events ≈ 3,500 (rule set, event) comparisons: about 12 s on an idle
 * 2-core machine, 40 s on a busy one.
 */
const RULE_FILES = 1000;

describe('compiled router ≡ json-rules-engine reference', () => {
  it('matches the same rules and decides the same for random rule sets and events', async () => {
    let eventsWithMatches = 0;
    let eventsWithoutMatches = 0;
    const property = fc.asyncProperty(
      ruleFile,
      fc.array(event, { minLength: 1, maxLength: 6 }),
      instant,
      async (file, events, now) => {
        const ruleSet = parseRuleSet(JSON.stringify(file, null, 1), { filename: 'generated.yaml' });
        const clock = (): Date => now;
        const router = createRouter(ruleSet, { clock });
        const reference = createReferenceRouter(ruleSet, { clock });
        for (const e of events) {
          const compiled = router.route(e);
          const expected = await reference.route(e);
          expect(compiled.matched).toEqual(expected.matched);
          expect(compiled).toEqual(expected);
          if (compiled.matched.length > 0) eventsWithMatches++;
          else eventsWithoutMatches++;
        }
      },
    );
    await fc.assert(property, { numRuns: RULE_FILES });
    // The generator must keep producing both outcomes, or the property proves little.
    expect(eventsWithMatches).toBeGreaterThan(500);
    expect(eventsWithoutMatches).toBeGreaterThan(500);
  }, 180_000);
});
