/** Random event sequences on a moving clock, run through dispatchers sharing one store. */
import fc from 'fast-check';
import type { StateStore } from '../../src/store/state-store.js';
import type { Outgoing, Verdict } from '../../src/types.js';
import { Bench, MIN } from './harness.js';

const RULES = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 5m, repeat: 30m, close: 24h, maxItems: 5 }
    throttle: { key: "{{ tenant }}", limit: 6, per: 10m }
  once: { dedup: { key: "{{ correlationId }}", for: 20m } }
inhibit:
  - id: batch-mutes-deliveries
    source: { type: batch.failed }
    target: { type: delivery.failed }
    equal: [correlationId]
    for: 30m
escalations:
  review:
    steps: [{ after: { hours: 1 }, to: [lead], template: overdue }]
    resolvedBy: { when: { type: lifecycle.changed }, equal: [correlationId] }
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
  - id: batch
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert, policy: once }]
  - id: review
    when: { type: content.review_requested }
    notify: [{ to: [cs], template: alert, escalate: review }]
  - id: approved
    when: { type: lifecycle.changed }
    notify: [{ to: [ops], template: alert }]
`;

/** Event types of a scenario, delivery failures most often. */
export const TYPES = [
  'delivery.failed',
  'delivery.failed',
  'delivery.failed',
  'delivery.failed',
  'batch.failed',
  'content.review_requested',
  'lifecycle.changed',
] as const;

/** One step of a scenario: an event (a repeated id is a replay) or a clock advance with a tick. */
export type Step =
  | { op: 'event'; id: number; job: number; tenant: number; type: number }
  | { op: 'advance'; ms: number };

/** Arbitrary scenarios. */
export const steps = fc.array(
  fc.oneof(
    fc.record({
      op: fc.constant('event' as const),
      id: fc.integer({ min: 0, max: 40 }),
      job: fc.integer({ min: 0, max: 3 }),
      tenant: fc.integer({ min: 0, max: 1 }),
      type: fc.integer({ min: 0, max: TYPES.length - 1 }),
    }),
    fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8 * MIN }) }),
  ),
  { maxLength: 60 },
);

/** Runs the steps; `instances` dispatchers share the store and take turns. */
export async function run(
  list: readonly Step[],
  instances: number,
  store?: StateStore,
): Promise<{ verdicts: Verdict[]; outgoing: Outgoing[] }> {
  const b = new Bench(RULES, store !== undefined ? { store } : {});
  const dispatchers = [
    b.dispatcher,
    ...Array.from({ length: instances - 1 }, () => b.newDispatcher()),
  ];
  const verdicts: Verdict[] = [];
  const outgoing: Outgoing[] = [];
  const events = new Map<number, { job: number; tenant: number; time: string; type: string }>();
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
      type: TYPES[step.type]!,
    };
    events.set(step.id, known);
    const event = b.event({
      id: `x${step.id}`,
      type: known.type,
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
