import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Outgoing, Verdict } from '../../src/types.js';
import { Bench, MIN } from './harness.js';

const RULES = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 5m, repeat: 30m, close: 24h, maxItems: 5 }
    throttle: { key: "{{ tenant }}", limit: 6, per: 10m }
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
`;

type Step =
  { op: 'event'; id: number; job: number; tenant: number } | { op: 'advance'; ms: number };

const steps = fc.array(
  fc.oneof(
    fc.record({
      op: fc.constant('event' as const),
      id: fc.integer({ min: 0, max: 40 }),
      job: fc.integer({ min: 0, max: 3 }),
      tenant: fc.integer({ min: 0, max: 1 }),
    }),
    fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8 * MIN }) }),
  ),
  { maxLength: 60 },
);

/** Runs the steps; `instances` dispatchers share the store and take turns. */
async function run(list: readonly Step[], instances: number) {
  const b = new Bench(RULES);
  const dispatchers = [
    b.dispatcher,
    ...Array.from({ length: instances - 1 }, () => b.newDispatcher()),
  ];
  const verdicts: Verdict[] = [];
  const outgoing: Outgoing[] = [];
  const events = new Map<number, { job: number; tenant: number; time: string }>();
  let turn = 0;
  const next = () => dispatchers[turn++ % dispatchers.length]!;
  for (const step of list) {
    if (step.op === 'advance') {
      outgoing.push(...(await b.advance(step.ms, next())));
      continue;
    }
    // The same id is a replay of the same event (same fields, same time).
    const known = events.get(step.id) ?? {
      job: step.job,
      tenant: step.tenant,
      time: new Date(b.now).toISOString(),
    };
    events.set(step.id, known);
    const event = b.event({
      id: `x${step.id}`,
      correlationId: `job${known.job}`,
      tenant: `t${known.tenant}`,
      time: known.time,
      data: { ref: `r${step.id}` },
    });
    const r = await b.ingest(event, next());
    verdicts.push(...r.verdicts);
    outgoing.push(...r.outgoing);
  }
  outgoing.push(...(await b.advance(2 * 60 * MIN, next())));
  return { verdicts, outgoing };
}

describe('dispatcher properties', () => {
  it('every grouped event is in exactly one flush; no flush reports more items than were ingested', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (list) => {
        const { verdicts, outgoing } = await run(list, 1);
        const grouped = new Set(verdicts.filter((v) => v.kind === 'grouped').map((v) => v.eventId));
        const flushed = outgoing
          .filter((o) => o.reason === 'group-flush')
          .flatMap((o) => o.eventIds);
        expect(flushed.length).toBe(new Set(flushed).size);
        expect(new Set(flushed)).toEqual(grouped);
        for (const o of outgoing) {
          if (o.digest !== undefined) expect(o.digest.count).toBe(o.eventIds.length);
          if (o.reason === 'group-flush') expect(o.digest!.count).toBeLessThanOrEqual(grouped.size);
        }
        const throttled = new Set(
          verdicts.filter((v) => v.kind === 'throttled').map((v) => v.eventId),
        );
        const reported = outgoing.reduce((n, o) => n + (o.digest?.dropped ?? 0), 0);
        expect(reported).toBeLessThanOrEqual(throttled.size);
        expect(new Set(outgoing.map((o) => o.key)).size).toBe(outgoing.length);
      }),
      { numRuns: 80 },
    );
  });

  it('the outcome does not depend on how many instances share the store', async () => {
    await fc.assert(
      fc.asyncProperty(steps, fc.integer({ min: 2, max: 4 }), async (list, instances) => {
        const one = await run(list, 1);
        const many = await run(list, instances);
        expect(many.verdicts).toEqual(one.verdicts);
        expect(many.outgoing).toEqual(one.outgoing);
      }),
      { numRuns: 50 },
    );
  });
});
