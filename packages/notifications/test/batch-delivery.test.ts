// BatchDelivery (the one-shot run behind `exroute route --send`) against the real emulator over
// HTTP: batches go out, requests not yet due are held back and returned, and a fresh run replays
// what the outbox still holds.

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { BatchDelivery, openFileOutbox } from '@exroute/notifications';
import { startEmulatorForFile } from './support/emulator-for-file.js';
import { emailRequests, withTempDir } from './support/fixtures.js';

const emulator = await startEmulatorForFile();
const client = () => ({
  ...emulator.clientConfig,
  backoff: { baseMs: 5, capMs: 40 },
  attemptTimeoutMs: 2_000,
});

describe('BatchDelivery', () => {
  it('sends in batches, holds back requests not yet due, and counts the outcomes', async () => {
    const undelivered: string[] = [];
    const delivery = await BatchDelivery.open({
      client: client(),
      batchSize: 2,
      onUndelivered: (d) => undelivered.push(d.code),
    });
    const [later, ...now] = emailRequests(5);
    const future = { ...later!, sendAt: '2999-01-01T00:00:00.000Z' };
    expect(await delivery.add(now.slice(0, 2))).toEqual([]);
    // The first batch of two is sent as soon as it is full.
    expect(emulator.received.length).toBe(2);
    expect(await delivery.add([future, ...now.slice(2)])).toEqual([future]);
    expect(await delivery.finish()).toBe(0);
    expect([delivery.delivered, delivery.failed, delivery.deferred]).toEqual([4, 0, 1]);
    expect(emulator.received.length).toBe(4);
    expect(undelivered).toEqual([]);
  }, 20_000);

  it('replays what an earlier run left in the outbox before anything new', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const outbox = await openFileOutbox(path);
      await outbox.appendPending(emailRequests(3, 'left'));
      await outbox.close();
      const delivery = await BatchDelivery.open({ client: client(), outbox: path });
      expect(delivery.delivered).toBe(3);
      expect(await delivery.finish()).toBe(0);
      expect(emulator.received.length).toBe(3);
    });
  }, 20_000);
});
