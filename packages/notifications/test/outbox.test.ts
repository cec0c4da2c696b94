import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DeliveryError, openFileOutbox } from '@exroute/notifications';
import type { FileOutbox, Outbox } from '@exroute/notifications';
import { clientFor, emailRequests, outboxLines, withTempDir } from './support/fixtures.js';
import { startEmulatorForFile } from './support/emulator-for-file.js';

const emulator = await startEmulatorForFile();

/** An outbox that records the requests durably and then "crashes" before anything is sent. */
function crashAfterAppend(inner: Outbox): Outbox {
  return {
    appendPending: async (requests) => {
      await inner.appendPending(requests);
      throw new Error('simulated crash after the outbox append');
    },
    markCompleted: (key, completion) => inner.markCompleted(key, completion),
    recovered: () => inner.recovered(),
    get pendingCount() {
      return inner.pendingCount;
    },
    flush: () => inner.flush(),
    close: () => inner.close(),
  };
}

/** An outbox that loses every completion: the process "dies" right after the server accepted. */
function crashBeforeCompletion(inner: Outbox): Outbox {
  return {
    appendPending: (requests) => inner.appendPending(requests),
    markCompleted: () =>
      Promise.reject(new Error('simulated crash before the completion was recorded')),
    recovered: () => inner.recovered(),
    get pendingCount() {
      return inner.pendingCount;
    },
    flush: () => inner.flush(),
    close: () => inner.close(),
  };
}

describe('file outbox', () => {
  it('is fsynced before the first request reaches the network', async () => {
    await withTempDir(async (dir) => {
      const outbox = await openFileOutbox(join(dir, 'outbox.jsonl'));
      const receivedWhenAppended: number[] = [];
      const observed: Outbox = {
        ...outbox,
        appendPending: async (requests) => {
          await outbox.appendPending(requests);
          receivedWhenAppended.push(emulator.received.length);
        },
        get pendingCount() {
          return outbox.pendingCount;
        },
      };
      const client = clientFor(emulator, { outbox: observed });
      const requests = emailRequests(3);
      await client.send(requests);
      expect(receivedWhenAppended).toEqual([0]);
      const lines = await outboxLines(outbox.path);
      expect(lines.filter((l) => l.op === 'pending').map((l) => l.key)).toEqual(
        requests.map((r) => r.key),
      );
      expect(
        lines
          .filter((l) => l.op === 'completed')
          .map((l) => l.key)
          .sort(),
      ).toEqual(requests.map((r) => r.key).sort());
      expect(outbox.pendingCount).toBe(0);
      await outbox.close();
    });
  });

  it('crash between outbox append and send: replay on start delivers each request once, same key', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const requests = emailRequests(5);
      const first = await openFileOutbox(path);
      const crashing = clientFor(emulator, { outbox: crashAfterAppend(first) });
      const failure = await crashing.send(requests).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DeliveryError);
      expect((failure as DeliveryError).code).toBe('EXR_DELIVERY_STORE_FAILED');
      expect(emulator.received).toHaveLength(0);
      await first.close();

      const restarted = await openFileOutbox(path);
      expect(restarted.recovered().map((r) => r.key)).toEqual(requests.map((r) => r.key));
      const client = clientFor(emulator, { outbox: restarted });
      const results = await client.replayOutbox();
      expect(results.map((r) => [r.status, r.key])).toEqual(
        requests.map((r) => ['delivered', r.key]),
      );
      expect(emulator.jobs.size).toBe(5);
      for (const request of requests)
        expect(emulator.jobBySubmitId(request.key)?.submissions).toBe(1);
      expect(restarted.recovered()).toEqual([]);
      await restarted.close();

      const third = await openFileOutbox(path);
      expect(third.recovered()).toEqual([]);
      expect(await outboxLines(path)).toEqual([]);
      await third.close();
    });
  });

  it('crash after the server accepted but before completion was recorded: replay is de-duplicated', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const requests = emailRequests(3);
      const first = await openFileOutbox(path);
      const crashing = clientFor(emulator, { outbox: crashBeforeCompletion(first) });
      await expect(crashing.send(requests)).rejects.toMatchObject({
        code: 'EXR_DELIVERY_STORE_FAILED',
      });
      await first.close();
      const jobIds = requests.map((r) => emulator.jobBySubmitId(r.key)?.jobId);
      expect(emulator.jobs.size).toBe(3);

      const restarted = await openFileOutbox(path);
      const results = await clientFor(emulator, { outbox: restarted }).replayOutbox();
      expect(results.map((r) => (r.status === 'delivered' ? r.jobId : r.reason))).toEqual(jobIds);
      expect(emulator.jobs.size).toBe(3);
      for (const request of requests)
        expect(emulator.jobBySubmitId(request.key)?.submissions).toBe(2);
      await restarted.close();
    });
  });

  it('skips a torn last line with a warning and compacts the file on open', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const [a, b] = emailRequests(2);
      const outbox = await openFileOutbox(path);
      await outbox.appendPending([a!, b!]);
      await outbox.markCompleted(a!.key, { status: 'delivered', jobId: 'j-1' });
      await outbox.close();
      await appendFile(path, '{"v":1,"op":"pend');

      const reopened = await openFileOutbox(path);
      expect(reopened.warnings.map((w) => [w.code, w.line])).toEqual([
        ['EXR_DELIVERY_OUTBOX_LINE_INVALID', 4],
      ]);
      expect(reopened.recovered().map((r) => r.key)).toEqual([b!.key]);
      expect((await outboxLines(path)).map((l) => [l.op, l.key])).toEqual([['pending', b!.key]]);
      await reopened.close();
    });
  });

  it('compacts every compactEvery completions so the file does not grow without bound', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const outbox = await openFileOutbox(path, { compactEvery: 10 });
      const client = clientFor(emulator, { outbox, maxInFlight: 4 });
      await client.send(emailRequests(95));
      const lines = await outboxLines(path);
      // After the last compaction only entries completed since then remain (fewer than 2 × 10 lines).
      expect(lines.length).toBeLessThan(20);
      expect(outbox.pendingCount).toBe(0);
      await outbox.close();
    });
  });

  it('reports an unwritable path as EXR_DELIVERY_STORE_FAILED', async () => {
    await withTempDir(async (dir) => {
      const failure = await openFileOutbox(join(dir, 'missing-dir', 'outbox.jsonl')).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(DeliveryError);
      expect((failure as DeliveryError).code).toBe('EXR_DELIVERY_STORE_FAILED');
      expect((failure as DeliveryError).diagnostics[0]!.code).toBe('EXR_DELIVERY_STORE_FAILED');
    });
  });
});

describe('outbox lock', () => {
  it('refuses a second opener while the first holds the outbox, and frees it on close', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const first = await openFileOutbox(path);
      const lock = JSON.parse(await readFile(`${path}.lock`, 'utf8')) as Record<string, unknown>;
      expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
      const refused = await openFileOutbox(path).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DeliveryError);
      expect((refused as DeliveryError).code).toBe('EXR_DELIVERY_OUTBOX_LOCKED');
      expect((refused as DeliveryError).message).toContain(`process ${process.pid} on`);
      await first.close();
      expect(await readdir(dir)).toEqual(['outbox.jsonl']);
      const second = await openFileOutbox(path);
      expect(second.warnings).toEqual([]);
      await second.close();
    });
  });

  it('takes over the lock of a process that no longer runs, with a warning', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      // A real process id that is certainly gone: a child that has already exited.
      const gone = spawnSync(process.execPath, ['-e', '0']).pid;
      const lock = {
        pid: gone,
        host: hostname(),
        at: '2026-11-28T00:00:00.000Z',
        token: randomUUID(),
      };
      await writeFile(`${path}.lock`, JSON.stringify(lock));
      const outbox = await openFileOutbox(path);
      expect(outbox.warnings.map((w) => [w.code, w.severity])).toEqual([
        ['EXR_DELIVERY_OUTBOX_LOCK_STALE', 'warning'],
      ]);
      await outbox.close();
      expect(await readdir(dir)).toEqual(['outbox.jsonl']);
    });
  });

  it('takes over a lock with its own pid from before it started (a restarted container)', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const lock = {
        pid: process.pid,
        host: hostname(),
        at: '2020-01-01T00:00:00.000Z',
        token: randomUUID(),
      };
      await writeFile(`${path}.lock`, JSON.stringify(lock));
      const outbox = await openFileOutbox(path);
      expect(outbox.warnings.map((w) => w.code)).toEqual(['EXR_DELIVERY_OUTBOX_LOCK_STALE']);
      await outbox.close();
    });
  });

  /** Two openers at once, ten rounds; `before` prepares each round. Exactly one gets in each time. */
  async function raceTwoOpeners(
    before: (path: string) => Promise<void>,
    check: (winner: FileOutbox, refused: unknown[]) => void,
  ): Promise<void> {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      for (let round = 0; round < 10; round++) {
        await before(path);
        const results = await Promise.allSettled([openFileOutbox(path), openFileOutbox(path)]);
        const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const refused = results.flatMap((r): unknown[] =>
          r.status === 'rejected' ? [r.reason] : [],
        );
        expect(opened).toHaveLength(1);
        check(opened[0]!, refused);
        await opened[0]!.close();
        expect(await readdir(dir)).toEqual(['outbox.jsonl']);
      }
    });
  }

  const staleLock = (token: string) =>
    JSON.stringify({
      pid: spawnSync(process.execPath, ['-e', '0']).pid,
      host: hostname(),
      at: '2026-11-28T00:00:00.000Z',
      token,
    });

  // The winner took the lock over, or slipped in while the other had just removed it.
  const onlyStaleWarnings = (winner: FileOutbox): void => {
    expect(winner.warnings.every((w) => w.code === 'EXR_DELIVERY_OUTBOX_LOCK_STALE')).toBe(true);
  };

  it('lets exactly one of two simultaneous openers in', async () => {
    await raceTwoOpeners(
      () => Promise.resolve(),
      (_winner, refused) => {
        expect(refused.map((e) => (e as DeliveryError).code)).toEqual([
          'EXR_DELIVERY_OUTBOX_LOCKED',
        ]);
      },
    );
  });

  it('lets exactly one of two simultaneous takeovers of a stale lock win', async () => {
    await raceTwoOpeners(
      (path) => writeFile(`${path}.lock`, staleLock(randomUUID())),
      onlyStaleWarnings,
    );
  });

  it('clears a takeover left half-done by a crash, and only one of two contenders wins', async () => {
    await raceTwoOpeners(async (path) => {
      const lockToken = randomUUID();
      await writeFile(`${path}.lock`, staleLock(lockToken));
      // The contender that crashed while holding the takeover guard of that lock.
      await writeFile(`${path}.lock.takeover-${lockToken}`, staleLock(randomUUID()));
    }, onlyStaleWarnings);
  });

  it('treats a lock whose token is not a UUID as unreadable, hence held', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const gone = spawnSync(process.execPath, ['-e', '0']).pid;
      const lock = { pid: gone, host: hostname(), at: '2026-11-28T00:00:00.000Z', token: '../x' };
      await writeFile(`${path}.lock`, JSON.stringify(lock));
      await expect(openFileOutbox(path)).rejects.toMatchObject({
        code: 'EXR_DELIVERY_OUTBOX_LOCKED',
      });
    });
  });

  it('does not remove a lock that is no longer its own', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      const outbox = await openFileOutbox(path);
      // Someone deleted our lock and another process took the outbox meanwhile.
      const theirs = JSON.stringify({
        pid: 1,
        host: `not-${hostname()}`,
        at: 'x',
        token: randomUUID(),
      });
      await writeFile(`${path}.lock`, theirs);
      await outbox.close();
      expect(await readFile(`${path}.lock`, 'utf8')).toBe(theirs);
    });
  });

  it('treats a lock from another host, or one it cannot read, as held', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'outbox.jsonl');
      for (const text of [
        JSON.stringify({
          pid: 1,
          host: `not-${hostname()}`,
          at: '2026-11-28T00:00:00.000Z',
          token: randomUUID(),
        }),
        '{"pid":',
      ]) {
        await writeFile(`${path}.lock`, text);
        await expect(openFileOutbox(path)).rejects.toMatchObject({
          code: 'EXR_DELIVERY_OUTBOX_LOCKED',
        });
      }
    });
  });

  it('reports a directory it cannot write as a store failure', async () => {
    await withTempDir(async (dir) => {
      await expect(openFileOutbox(join(dir, 'missing', 'outbox.jsonl'))).rejects.toMatchObject({
        code: 'EXR_DELIVERY_STORE_FAILED',
      });
    });
  });
});
