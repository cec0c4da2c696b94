import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openFileOutbox } from '@exroute/notifications';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import { clientFor, emailRequests, withTempDir } from './support/fixtures.js';

let emulator: NotificationsEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 2 });
});
afterAll(async () => {
  await emulator.close();
});

describe('1,000 requests while the emulator is down for a while', () => {
  it('all are delivered once it recovers, with the concurrency cap held and bounded state', async () => {
    await withTempDir(async (dir) => {
      const outbox = await openFileOutbox(join(dir, 'outbox.jsonl'), { compactEvery: 100 });
      const cap = 16;
      const client = clientFor(emulator, {
        outbox,
        maxInFlight: cap,
        maxAttempts: 1_000,
        backoff: { baseMs: 5, capMs: 50 },
      });
      const requests = emailRequests(1_000);
      emulator.script.down(400);
      const results = await client.send(requests);

      expect(results).toHaveLength(1_000);
      expect(results.every((r, i) => r.status === 'delivered' && r.key === requests[i]!.key)).toBe(
        true,
      );
      // Every request got through once: one job per key, no key submitted twice.
      expect(emulator.jobs.size).toBe(1_000);
      expect([...emulator.jobs.values()].every((job) => job.submissions === 1)).toBe(true);
      // Some requests were actually held back by the outage and retried.
      expect(results.some((r) => r.status === 'delivered' && r.attempts > 1)).toBe(true);

      const stats = client.stats();
      expect(stats.maxInFlightObserved).toBeLessThanOrEqual(cap);
      expect(emulator.stats().maxConcurrent).toBeLessThanOrEqual(cap);
      expect(emulator.stats().maxConcurrent).toBeGreaterThan(1);
      // Nothing is left behind: no attempt in flight, no waiter, no unfinished outbox entry.
      expect(stats).toMatchObject({ inFlight: 0, waiting: 0, delivered: 1_000, deadLettered: 0 });
      expect(outbox.pendingCount).toBe(0);
      const lines = (await readFile(outbox.path, 'utf8')).split('\n').filter((l) => l !== '');
      expect(lines.length).toBeLessThan(200);
      await outbox.close();
    });
  });
});
