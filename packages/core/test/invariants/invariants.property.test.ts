import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReferenceRouter, createRouter, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';

// Random rule sets over a small vocabulary (so rules, invariants and events overlap often):
// whatever the rules, priorities and `stop`s say, every event an invariant's `for` matches gets
// a decision that reaches every required recipient as the invariant says.

const TYPES = ['batch.failed', 'content.review_requested'] as const;
const REGIONS = ['UK', 'DE', 'US'] as const;
const PEOPLE = ['p0', 'p1', 'p2', 'p3'] as const;
const TEMPLATES = ['t0', 't1'] as const;

const matcher = fc.record(
  { type: fc.constantFrom(...TYPES), region: fc.constantFrom(...REGIONS) },
  { requiredKeys: [] },
);

const rule = fc.record({
  when: matcher,
  priority: fc.integer({ min: 0, max: 3 }),
  stop: fc.boolean(),
  to: fc.subarray([...PEOPLE, 'team'], { minLength: 1 }),
  template: fc.constantFrom(...TEMPLATES),
  channels: fc.subarray(['email', 'sms'], { minLength: 1 }),
});

const invariant = fc.record({
  for: matcher,
  recipients: fc.subarray([...PEOPLE, 'team'], { minLength: 1 }),
  channels: fc.subarray(['email', 'sms'], { minLength: 1 }),
  template: fc.option(fc.constantFrom(...TEMPLATES), { nil: undefined }),
});

const event = fc.record({ type: fc.constantFrom(...TYPES), region: fc.constantFrom(...REGIONS) });

type Matcher = { type?: string; region?: string };

function flow(value: Matcher): string {
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} }`;
}

function ruleFile(rules: RuleShape[], invariants: InvariantShape[]): string {
  const lines = [
    'apiVersion: exroute/v1',
    'recipients:',
    ...PEOPLE.map((p) => `  ${p}: { email: ${p}@example.com, sms: "+4470000000${p.slice(1)}" }`),
    '  team: { members: [p2, p3] }',
    'templates:',
    ...TEMPLATES.map(
      (t) => `  ${t}: { id: ${t.toUpperCase()}, channels: [email, sms], subject: "{{ type }}" }`,
    ),
    rules.length === 0 ? 'rules: []' : 'rules:',
    ...rules.flatMap((r, i) => [
      `  - id: r${i}`,
      `    priority: ${r.priority}`,
      `    when: ${flow(r.when)}`,
      `    notify: [{ to: [${r.to.join(', ')}], template: ${r.template}, channels: [${r.channels.join(', ')}] }]`,
      `    stop: ${r.stop}`,
    ]),
    ...(invariants.length === 0 ? [] : ['invariants:']),
    ...invariants.flatMap((inv, i) => [
      `  - id: inv${i}`,
      `    for: ${flow(inv.for)}`,
      `    require: { recipients: [${inv.recipients.join(', ')}], channels: [${inv.channels.join(', ')}]${inv.template === undefined ? '' : `, template: ${inv.template}`} }`,
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

interface RuleShape {
  when: Matcher;
  priority: number;
  stop: boolean;
  to: string[];
  template: string;
  channels: string[];
}
interface InvariantShape {
  for: Matcher;
  recipients: string[];
  channels: string[];
  template: string | undefined;
}

function addresses(key: string, channel: string): string[] {
  const people = key === 'team' ? ['p2', 'p3'] : [key];
  return people.map((p) => (channel === 'email' ? `${p}@example.com` : `+4470000000${p.slice(1)}`));
}

const clock = () => new Date('2026-03-03T10:00:00Z');

describe('invariants: property', () => {
  it('an invariant’s required recipients are in every decision whose event matches `for`', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rule, { maxLength: 6 }),
        fc.array(invariant, { minLength: 1, maxLength: 3 }),
        fc.array(event, { minLength: 1, maxLength: 6 }),
        async (rules, invariants, events) => {
          const ruleSet = parseRuleSet(ruleFile(rules, invariants));
          const router = createRouter(ruleSet, { clock });
          const reference = createReferenceRouter(ruleSet, { clock });
          for (const [n, fields] of events.entries()) {
            const e: NormalizedEvent = {
              id: `e${n}`,
              source: 's',
              time: '2026-03-03T10:00:00Z',
              data: {},
              ...fields,
            };
            const decision = router.route(e);
            expect(await reference.route(e)).toEqual(decision);
            const applies = invariants
              .map((inv, i) => ({ inv, id: `inv${i}` }))
              .filter(({ inv }) =>
                Object.entries(inv.for).every(([k, v]) => fields[k as keyof typeof fields] === v),
              );
            if (applies.length === 0) expect(decision).not.toHaveProperty('invariants');
            else expect(decision.invariants).toEqual(applies.map((a) => a.id));
            for (const { inv, id } of applies) {
              for (const channel of inv.channels) {
                const candidates = decision.notifications.filter(
                  (x) =>
                    x.channel === channel &&
                    (inv.template === undefined || x.template === inv.template),
                );
                // With a template the notification must exist; without, every one on the channel is copied.
                if (inv.template !== undefined) expect(candidates).toHaveLength(1);
                for (const notification of candidates) {
                  const reached = new Set(notification.recipients.map((r) => r.address));
                  for (const key of inv.recipients) {
                    for (const address of addresses(key, channel))
                      expect(reached).toContain(address);
                  }
                  expect(notification.requiredBy).toContain(id);
                }
              }
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
