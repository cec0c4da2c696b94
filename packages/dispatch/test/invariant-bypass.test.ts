// Invariants in dispatch: a notification an invariant requires is never inhibited, silenced,
// deduplicated or throttled, and grouped only when every invariant requiring it allows it. Run on
// the memory store and on a real redis-server (skipped when none is installed), same assertions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/store/memory-store.js';
import { createRedisStore } from '../src/store/redis-store.js';
import type { StateStore } from '../src/store/state-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';
import { Bench, HOUR, MIN } from './dispatcher/harness.js';

const RULES = (group: boolean) => `policies:
  strict:
    group: { by: [correlationId], wait: 5m }
    dedup: { key: "{{ correlationId }}", for: 1h }
    throttle: { key: "{{ tenant }}", limit: 1, per: 1h }
inhibit:
  - id: failed-batch-mutes-deliveries
    source: { type: batch.failed }
    target: { type: delivery.failed }
    equal: [correlationId]
    for: 6h
rules:
  - id: batch
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert }]
  - id: failed
    when: { type: delivery.failed }
    notify:
      - { to: [cs], template: digest, policy: strict }
      - { to: [lead], template: overdue, policy: strict }
invariants:
  - id: regulated-failures-reach-cs
    for: { type: delivery.failed, documentType: policy-change }
    require: { recipients: [cs], channels: [email], template: digest }
    group: ${group}
`;

type StoreFactory = () => Promise<StateStore>;

let server: RedisServer | undefined;
let prefixes = 0;
const opened: StateStore[] = [];

const factories: [string, StoreFactory, boolean][] = [
  ['memory', () => Promise.resolve(createMemoryStore()), false],
  [
    `redis ${redisSkipReason}`,
    async () => {
      const store = await createRedisStore({
        url: server!.url,
        prefix: `invariant-bypass-${process.pid}-${++prefixes}`,
      });
      opened.push(store);
      return store;
    },
    !hasRedis,
  ],
];

beforeAll(async () => {
  if (hasRedis) server = await startRedis();
}, 30_000);
afterAll(async () => {
  for (const store of opened.splice(0)) await store.close();
  await server?.close();
}, 30_000);

describe.each(factories)(
  'required notifications bypass policies: %s store',
  (_name, factory, skip) => {
    const bench = async (group = false) => new Bench(RULES(group), { store: await factory() });
    const regulated = { documentType: 'policy-change', correlationId: 'job-1', tenant: 't' };

    it.skipIf(skip)(
      'an inhibited event still sends what the invariant requires, and says why',
      { timeout: 20_000 },
      async () => {
        const b = await bench();
        await b.ingest(b.event({ type: 'batch.failed', correlationId: 'job-1' }));
        const { verdicts, outgoing } = await b.ingest(b.event(regulated));
        expect(verdicts.map((v) => [v.template, v.kind])).toEqual([
          ['digest', 'sent'],
          ['overdue', 'inhibited'],
        ]);
        expect(verdicts[0]).toMatchObject({ requiredBy: ['regulated-failures-reach-cs'] });
        expect(verdicts[0]!.reason).toContain(
          "required by invariant 'regulated-failures-reach-cs'",
        );
        expect(verdicts[1]).not.toHaveProperty('requiredBy');
        expect(outgoing.map((o) => [o.template, o.requiredBy])).toEqual([
          ['digest', ['regulated-failures-reach-cs']],
        ]);
      },
    );

    it.skipIf(skip)('a silence does not mute it', { timeout: 20_000 }, async () => {
      const b = await bench();
      await b.dispatcher.silence({
        when: { type: 'delivery.failed' },
        endsAt: new Date(b.now + HOUR).toISOString(),
        createdBy: 'test',
        comment: 'maintenance',
      });
      const { verdicts } = await b.ingest(b.event(regulated));
      expect(verdicts.map((v) => [v.template, v.kind])).toEqual([
        ['digest', 'sent'],
        ['overdue', 'silenced'],
      ]);
    });

    it.skipIf(skip)(
      'dedup and throttle never drop it, event after event',
      { timeout: 20_000 },
      async () => {
        const b = await bench();
        const kinds: string[][] = [];
        for (let i = 0; i < 4; i++) {
          const { verdicts } = await b.ingest(b.event(regulated));
          kinds.push(verdicts.map((v) => `${v.template}:${v.kind}`));
          b.now += MIN;
        }
        // The rule-only notification is grouped, then deduplicated; the required one always goes.
        expect(kinds).toEqual([
          ['digest:sent', 'overdue:grouped'],
          ['digest:sent', 'overdue:deduplicated'],
          ['digest:sent', 'overdue:deduplicated'],
          ['digest:sent', 'overdue:deduplicated'],
        ]);
      },
    );

    it.skipIf(skip)(
      'without `group: true` it is not grouped; with it, it is grouped and its flush is never inhibited',
      { timeout: 20_000 },
      async () => {
        const b = await bench(true);
        const first = await b.ingest(b.event(regulated));
        expect(first.verdicts[0]).toMatchObject({
          kind: 'grouped',
          requiredBy: ['regulated-failures-reach-cs'],
        });
        expect(first.verdicts[0]!.reason).toContain('grouping allowed');
        // An inhibit source arrives before the flush: the required item is still delivered.
        b.now += MIN;
        await b.ingest(b.event({ type: 'batch.failed', correlationId: 'job-1' }));
        const flushed = await b.run(10 * MIN);
        const digests = flushed.filter((o) => o.template === 'digest');
        expect(digests).toHaveLength(1);
        expect(digests[0]!.eventIds).toHaveLength(1);
      },
    );

    it.skipIf(skip)(
      'a notification not required by any invariant goes through every stage as before',
      { timeout: 20_000 },
      async () => {
        const b = await bench();
        const { verdicts } = await b.ingest(b.event({ correlationId: 'job-9', tenant: 't' }));
        expect(verdicts.map((v) => [v.template, v.kind])).toEqual([
          ['digest', 'grouped'],
          ['overdue', 'grouped'],
        ]);
        expect(verdicts.every((v) => v.reason === undefined && v.requiredBy === undefined)).toBe(
          true,
        );
      },
    );
  },
);
