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

/**
 * One step of a scenario: an event (a repeated id is a replay), a clock advance with a tick, or
 * (with `persist`) a crash: the next tick's persist fails, as if its instance died before saving.
 */
export type Step =
  | { op: 'event'; id: number; job: number; tenant: number; type: number }
  | { op: 'advance'; ms: number }
  | { op: 'crash' };

/** One arbitrary event or clock advance. */
const step = fc.oneof(
  fc.record({
    op: fc.constant('event' as const),
    id: fc.integer({ min: 0, max: 40 }),
    job: fc.integer({ min: 0, max: 3 }),
    tenant: fc.integer({ min: 0, max: 1 }),
    type: fc.integer({ min: 0, max: TYPES.length - 1 }),
  }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8 * MIN }) }),
);

/** Arbitrary scenarios. */
export const steps = fc.array(step, { maxLength: 60 });

/** Arbitrary scenarios in which some ticks crash between claim and persist. */
export const crashSteps = fc.array(
  fc.oneof(
    { arbitrary: step, weight: 6 },
    { arbitrary: fc.constant({ op: 'crash' as const }), weight: 1 },
  ),
  { maxLength: 60 },
);

/** Runs the steps; `instances` dispatchers share the store and take turns. */
export async function run(
  list: readonly Step[],
  instances: number,
  store?: StateStore,
  options: { persist?: boolean } = {},
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
  let crashNext = false;
  const advance = async (ms: number): Promise<void> => {
    if (options.persist !== true) {
      outgoing.push(...(await b.advance(ms, next())));
      return;
    }
    b.now += ms;
    const crash = crashNext;
    crashNext = false;
    await next()
      .tick((out) => {
        if (crash) return Promise.reject(new Error('crashed before persisting'));
        outgoing.push(...out);
        return Promise.resolve();
      })
      .catch((error: unknown) => {
        if (!crash) throw error;
      });
  };
  for (const step of list) {
    if (step.op === 'crash') {
      crashNext = true;
      continue;
    }
    if (step.op === 'advance') {
      await advance(step.ms);
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
  // Drain: claims left by crashes replay after their lease, and what waited behind them follows.
  for (let i = 0; i < 4; i++) await advance(2 * 60 * MIN);
  return { verdicts, outgoing };
}
