import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '@exroute/core';
import type { NormalizedEvent, RoutingDecision, RuleSet } from '@exroute/core';

// Every folder under test/fixtures is one case: rules.yaml, event.json and expected.json, where
// expected.json is the RoutingDecision without `ruleSetVersion` (a content hash, tested on its
// own, that would make every fixture churn when hashing changes). The rules are parsed with the
// filename `rules.yaml`, and both routers run on the clock below, a Monday morning in UTC.
// Each case runs through the compiled router and, when @exroute/core exports it, through the
// json-rules-engine reference router as well.

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const CLOCK = (): Date => new Date('2026-03-02T10:15:00Z');

type ReferenceFactory = (
  ruleSet: RuleSet,
  options: { clock: () => Date },
) => { route(event: NormalizedEvent): Promise<RoutingDecision> };
const createReferenceRouter = (core as Record<string, unknown>)['createReferenceRouter'] as
  ReferenceFactory | undefined;

function read(folder: string, file: string): string {
  return readFileSync(`${FIXTURES}${folder}/${file}`, 'utf8');
}

function withoutVersion(decision: RoutingDecision): Omit<RoutingDecision, 'ruleSetVersion'> {
  const { ruleSetVersion: _version, ...rest } = decision;
  return rest;
}

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('rule fixtures', () => {
  it('has at least fifteen cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(cases)('%s', (name) => {
    const ruleSet = core.parseRuleSet(read(name, 'rules.yaml'), { filename: 'rules.yaml' });
    const event = JSON.parse(read(name, 'event.json')) as NormalizedEvent;
    const expected = JSON.parse(read(name, 'expected.json')) as unknown;

    it('compiled router', () => {
      const router = core.createRouter(ruleSet, { clock: CLOCK });
      expect(withoutVersion(router.route(event))).toEqual(expected);
      expect(withoutVersion(router.explain(event).decision)).toEqual(expected);
    });

    it.runIf(createReferenceRouter !== undefined)(
      'json-rules-engine reference router',
      async () => {
        const reference = createReferenceRouter!(ruleSet, { clock: CLOCK });
        expect(withoutVersion(await reference.route(event))).toEqual(expected);
      },
    );
  });
});
