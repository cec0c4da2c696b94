// tick(persist): claim → persist → confirm, on the memory store and on a real Redis store (the
// same cases for both). A persist that fails stands for a caller that died before saving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatchError } from '../../src/errors.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import type { StateStore } from '../../src/store/state-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../../src/testing/index.js';
import type { RedisServer } from '../../src/testing/index.js';
import type { Outgoing } from '../../src/types.js';
import { Bench, HOUR, MIN, T0 } from './harness.js';

const LEASE = MIN;

const GROUPED = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 15m }
escalations:
  review:
    steps: [{ after: { hours: 1 }, to: [lead], template: overdue }, { after: { hours: 3 }, to: [head], template: overdue }]
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
  - id: review
    when: { type: content.review_requested }
    notify: [{ to: [cs], template: alert, escalate: review }]
  - id: later
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert, deferUntil: businessHours }]
`;

const SATURDAY = Date.UTC(2027, 0, 2, 12, 0, 0);
const MONDAY_OPEN = Date.parse('2027-01-04T09:00:00.000Z');

/** A persist that fails like a caller dying before its write, remembering what it was given. */
function failingPersist(seen: Outgoing[][]): (out: Outgoing[]) => Promise<void> {
  return (out) => {
    seen.push(structuredClone(out));
    return Promise.reject(new Error('outbox write failed'));
  };
}

/** A persist that records what it saved. */
function recordingPersist(saved: Outgoing[]): (out: Outgoing[]) => Promise<void> {
  return (out) => {
    saved.push(...structuredClone(out));
    return Promise.resolve();
  };
}

function describePersistConfirm(name: string, storeFor: () => Promise<StateStore>): void {
  describe(`tick(persist) on the ${name} store`, { timeout: 30_000 }, () => {
    const opened: StateStore[] = [];
    async function bench(now = T0): Promise<Bench> {
      const store = await storeFor();
      opened.push(store);
      return new Bench(GROUPED, { store, now, dispatcher: { leaseMs: LEASE } });
    }
    afterAll(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    const failed = (b: Bench, i: number) =>
      b.event({ id: `f${i}`, correlationId: 'job-1', data: { ref: `r${i}`, reason: 'full' } });

    it('replays an unconfirmed flush after the lease with the same key and content; arrivals during the claim go to the next flush', async () => {
      const b = await bench();
      for (let i = 0; i < 3; i++) await b.ingest(failed(b, i));
      b.now += 2 * MIN;
      const attempts: Outgoing[][] = [];
      await expect(b.dispatcher.tick(failingPersist(attempts))).rejects.toThrow(
        'outbox write failed',
      );
      expect(attempts).toHaveLength(1);
      const [first] = attempts[0]!;
      expect(first!.eventIds).toEqual(['f0', 'f1', 'f2'].map((id) => `exstream/test/${id}`));
      // Two items arrive while the claim is open.
      for (let i = 3; i < 5; i++) await b.ingest(failed(b, i));
      const other = b.newDispatcher(b.ruleSet, { leaseMs: LEASE });
      const saved: Outgoing[] = [];
      b.now += LEASE - 1;
      expect(await other.tick(recordingPersist(saved))).toEqual([]);
      b.now += 1;
      const replay = await other.tick(recordingPersist(saved));
      expect(replay).toEqual([first]);
      expect(saved).toEqual([first]);
      // Confirmed: nothing again, on any instance, until the next window is due.
      expect(await b.dispatcher.tick(recordingPersist(saved))).toEqual([]);
      b.now = T0 + 2 * MIN + 15 * MIN - 1;
      expect(await other.tick(recordingPersist(saved))).toEqual([]);
      b.now += 1;
      const next = await b.dispatcher.tick(recordingPersist(saved));
      expect(next).toHaveLength(1);
      expect(next[0]!.key).not.toBe(first!.key);
      expect(next[0]!.eventIds).toEqual(['exstream/test/f3', 'exstream/test/f4']);
      // Every event in exactly one message key.
      const byEvent = saved.flatMap((o) => o.eventIds);
      expect(byEvent.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `exstream/test/f${i}`));
    });

    it('lets one dispatcher hold a claim at a time; a confirm after the lease, or twice, is harmless', async () => {
      const b = await bench();
      await b.ingest(failed(b, 0));
      b.now += 2 * MIN;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inPersist = new Promise<void>((resolve) => (entered = resolve));
      const slowSaved: Outgoing[] = [];
      const slow = b.dispatcher.tick(async (out) => {
        slowSaved.push(...structuredClone(out));
        entered();
        await gate;
      });
      await inPersist;
      const other = b.newDispatcher(b.ruleSet, { leaseMs: LEASE });
      const saved: Outgoing[] = [];
      // Within the lease another instance gets nothing; after it, the same message.
      expect(await other.tick(recordingPersist(saved))).toEqual([]);
      b.now += LEASE;
      expect(await other.tick(recordingPersist(saved))).toEqual(slowSaved);
      release();
      // The slow instance's confirm comes after the other's: harmless, nothing is resent.
      expect(await slow).toEqual(slowSaved);
      b.now += 2 * LEASE;
      expect(await other.tick(recordingPersist(saved))).toEqual([]);
      expect(await b.dispatcher.tick(recordingPersist(saved))).toEqual([]);
      expect(saved).toEqual(slowSaved);
    });

    it('replays an unconfirmed escalation step with the same key; later steps follow', async () => {
      const b = await bench();
      await b.ingest(
        b.event({ type: 'content.review_requested', region: 'UK', data: { ref: 'd' } }),
      );
      b.now = T0 + HOUR;
      const attempts: Outgoing[][] = [];
      await expect(b.dispatcher.tick(failingPersist(attempts))).rejects.toThrow();
      const step = attempts[0]![0]!;
      expect(step).toMatchObject({ reason: 'escalation', escalation: { step: 1 } });
      const saved: Outgoing[] = [];
      b.now += LEASE;
      expect(await b.newDispatcher().tick(recordingPersist(saved))).toEqual([step]);
      b.now = T0 + 3 * HOUR;
      const second = await b.dispatcher.tick(recordingPersist(saved));
      expect(second).toMatchObject([{ reason: 'escalation', escalation: { step: 2 } }]);
      b.now += 10 * HOUR;
      expect(await b.dispatcher.tick(recordingPersist(saved))).toEqual([]);
      expect(new Set(saved.map((o) => o.key)).size).toBe(2);
    });

    it('replays an unconfirmed deferred send with the same key', async () => {
      const b = await bench(SATURDAY);
      const r = await b.ingest(b.event({ type: 'batch.failed', region: 'UK' }));
      expect(r.verdicts[0]).toMatchObject({ kind: 'deferred' });
      const key = r.verdicts[0]!.kind === 'deferred' ? r.verdicts[0]!.key : '';
      b.now = MONDAY_OPEN;
      const attempts: Outgoing[][] = [];
      await expect(b.dispatcher.tick(failingPersist(attempts))).rejects.toThrow();
      expect(attempts[0]!.map((o) => o.key)).toEqual([key]);
      const saved: Outgoing[] = [];
      b.now += LEASE;
      expect(await b.newDispatcher().tick(recordingPersist(saved))).toEqual(attempts[0]);
      b.now += HOUR;
      expect(await b.dispatcher.tick(recordingPersist(saved))).toEqual([]);
    });

    it('a plain tick() hands out an expired claim once more and ends it (auto-confirm)', async () => {
      const b = await bench();
      await b.ingest(failed(b, 0));
      b.now += 2 * MIN;
      const attempts: Outgoing[][] = [];
      await expect(b.dispatcher.tick(failingPersist(attempts))).rejects.toThrow();
      b.now += LEASE;
      expect(await b.dispatcher.tick()).toEqual(attempts[0]);
      b.now += 2 * LEASE;
      expect(await b.dispatcher.tick()).toEqual([]);
    });

    it('ingest is safe to repeat while the event is unacknowledged: the replay hands out the same messages', async () => {
      const store = await storeFor();
      opened.push(store);
      const b = new Bench(
        `policies:
  first:
    group: { by: [correlationId], wait: 2m, interval: 15m, sendFirst: true }
rules:
  - id: now
    when: { type: delivery.failed }
    notify: [{ to: [ops], template: alert }, { to: [cs], template: digest, policy: first }]
`,
        { store },
      );
      const event = failed(b, 0);
      const first = await b.ingest(event);
      expect(first.outgoing.map((o) => o.reason)).toEqual(['immediate', 'immediate']);
      // The caller died before saving them; its event is handed out again a little later.
      b.now += 30_000;
      const again = await b.ingest(event, b.newDispatcher());
      expect(again).toEqual(first);
    });

    it('refuses a persist that is not a function', async () => {
      const b = await bench();
      const bad = b.dispatcher.tick('XADD' as unknown as () => Promise<void>).then(
        () => undefined,
        (error: unknown) => error,
      );
      const error = await bad;
      expect(error).toBeInstanceOf(DispatchError);
      expect((error as DispatchError).code).toBe('EXR_DISPATCH_INVALID_INPUT');
    });
  });
}

describePersistConfirm('memory', () => Promise.resolve(createMemoryStore()));

let server: RedisServer | undefined;
let prefix = 0;

describe.skipIf(!hasRedis)(`Redis ${redisSkipReason}`, () => {
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.close();
  });
  describePersistConfirm('redis', () =>
    createRedisStore({ url: server!.url, prefix: `persist${++prefix}` }),
  );
});
