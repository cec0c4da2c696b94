// Many store instances (one connection each, as separate dispatchers would have) racing on one
// Redis: concurrent adds and concurrent ticks. Checks the guarantees at the store level: every
// item in exactly one flush, no window flushed twice, counts add up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupTiming, StateStore } from '../src/store/state-store.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';

const T0 = Date.UTC(2027, 0, 4, 9, 0, 0);
const MIN = 60_000;

describe.skipIf(!hasRedis)(`Redis store under racing instances ${redisSkipReason}`, () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.close();
  });

  it('4 instances, 20,000 items for 200 groups, ticks racing: each item in exactly one flush', async () => {
    const instances: StateStore[] = await Promise.all(
      [0, 1, 2, 3].map(() => createRedisStore({ url: server.url, prefix: 'race' })),
    );
    try {
      const timing: GroupTiming = {
        waitMs: 2 * MIN,
        intervalMs: 5 * MIN,
        closeMs: 24 * 60 * MIN,
        maxItems: 150,
        sendFirst: false,
      };
      const total = 20_000;
      let clock = T0;
      let issued = 0;
      const opened = new Map<string, Set<string>>(); // group@openedAt → event ids
      const flushed = new Map<string, string[]>(); // group@openedAt → event ids, in flush order
      const windows = new Set<string>(); // group@openedAt#seq
      const duplicateWindows: string[] = [];
      let adding = true;

      const addLoop = async (store: StateStore): Promise<void> => {
        while (issued < total) {
          const i = issued++;
          clock += 100;
          const eventId = `evt-${i}`;
          const groupKey = `g${i % 200}`;
          const r = await store.addGroupItem({
            groupKey,
            now: clock,
            timing,
            header: groupKey,
            item: { eventId, at: clock, line: '', dropped: 0, inhibitScopes: [] },
          });
          expect(r.outcome).not.toBe('duplicate');
          const id = `${groupKey}@${r.openedAt}`;
          const set = opened.get(id) ?? new Set<string>();
          set.add(eventId);
          opened.set(id, set);
        }
      };
      const tickOnce = async (store: StateStore, now: number): Promise<number> => {
        const entries = await store.claimDue({ now, limit: 64, leaseMs: MIN });
        await Promise.all(
          entries.map(async (entry) => {
            const r = await store.flushGroup({ groupKey: entry.key, now });
            if (r.kind !== 'flush') return;
            const id = `${entry.key}@${r.openedAt}`;
            const window = `${id}#${r.seq}`;
            if (windows.has(window)) duplicateWindows.push(window);
            windows.add(window);
            flushed.set(id, [...(flushed.get(id) ?? []), ...r.items.map((i) => i.eventId)]);
          }),
        );
        return entries.length;
      };
      const tickLoop = async (store: StateStore): Promise<void> => {
        while (adding) {
          await tickOnce(store, clock);
          await new Promise((resolve) => setImmediate(resolve));
        }
      };

      const ticking = instances.map(tickLoop);
      // 16 concurrent callers per instance.
      await Promise.all(
        instances.flatMap((store) => Array.from({ length: 16 }, () => addLoop(store))),
      );
      adding = false;
      await Promise.all(ticking);
      // Everything left is due an hour later; all four tick together until nothing is claimed.
      clock += 60 * MIN;
      for (let round = 0; round < 50; round++) {
        const claimed = await Promise.all(instances.map((store) => tickOnce(store, clock)));
        if (claimed.every((n) => n === 0)) break;
      }

      expect(duplicateWindows).toEqual([]);
      const allFlushed = [...flushed.values()].flat();
      expect(allFlushed).toHaveLength(total);
      expect(new Set(allFlushed).size).toBe(total);
      for (const [id, events] of opened) {
        expect([...(flushed.get(id) ?? [])].sort()).toEqual([...events].sort());
      }
      // More than one window per group: the ticks really raced the adds.
      expect(windows.size).toBeGreaterThan(200);
    } finally {
      await Promise.all(instances.map((store) => store.close()));
    }
  }, 180_000);
});
