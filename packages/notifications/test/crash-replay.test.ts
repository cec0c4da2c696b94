// A real crash: a child process running the BUILT package is killed with SIGKILL mid-send, then
// a fresh client replays the same outbox file. Complements the in-process simulation in
// outbox.test.ts, which cannot show that the fsynced file alone is enough to recover.

import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openFileOutbox } from '@exroute/notifications';
import type { NotificationRequest } from '@exroute/notifications';
import { startEmulatorForFile } from './support/emulator-for-file.js';
import { clientFor, emailRequests, outboxLines, withTempDir } from './support/fixtures.js';

const BUILT_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('./fixtures/crash-child.mjs', import.meta.url));
/** Upper bound for any single wait on the child or the gate; generous for a loaded CI box. */
const WAIT_LIMIT_MS = 20_000;

const emulator = await startEmulatorForFile();

type ChildMessage =
  { event: 'appended'; keys: string[] } | { event: 'finished'; statuses: string[] };

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running crash-child.mjs and what it has said so far. */
interface CrashChild {
  readonly messages: ChildMessage[];
  readonly stdoutNoise: string[];
  stderr(): string;
  /** Set once the process has exited. */
  exit(): ChildExit | undefined;
  /** SIGKILL, then resolves once the process is gone. */
  kill(): Promise<ChildExit>;
  readonly pid: number | undefined;
}

function spawnCrashChild(configPath: string): CrashChild {
  const child = spawn(process.execPath, [CHILD_SCRIPT, configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: ChildMessage[] = [];
  const stdoutNoise: string[] = [];
  let stderr = '';
  let exit: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      messages.push(JSON.parse(line) as ChildMessage);
    } catch {
      stdoutNoise.push(line);
    }
  });
  return {
    pid: child.pid,
    messages,
    stdoutNoise,
    stderr: () => stderr,
    exit: () => exit,
    kill: () => {
      if (exit === undefined) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Polls `condition`; fails with what was awaited and the child's output on exit or timeout. */
async function waitFor(what: string, condition: () => boolean, child: CrashChild): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    if (condition()) return;
    const exit = child.exit();
    const details = `stdout messages: ${JSON.stringify(child.messages)}; stray stdout: ${JSON.stringify(child.stdoutNoise)}; stderr: ${child.stderr() || '(empty)'}`;
    if (exit !== undefined) {
      throw new Error(
        `crash child exited (code ${String(exit.code)}, signal ${String(exit.signal)}) before ${what}; ${details}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up after ${WAIT_LIMIT_MS} ms waiting for ${what}; ${details}`);
    }
    await delay(10);
  }
}

/**
 * A loopback stand-in for the API host that never answers the child. Without `forwardTo` it
 * swallows requests (the service never sees them); with it, each request is passed on to the
 * emulator and the emulator's answer is withheld — the service accepted, the child never learns.
 */
interface HoldingGate {
  readonly url: string;
  /** `X-MRA-SubmitId` of every request that reached the gate. */
  readonly arrived: string[];
  /** The emulator's status for each forwarded request, by submit id. */
  readonly withheld: Map<string, number>;
  readonly failures: string[];
  close(): Promise<void>;
}

async function startHoldingGate(forwardTo?: string): Promise<HoldingGate> {
  const arrived: string[] = [];
  const withheld = new Map<string, number>();
  const failures: string[] = [];
  const server = createServer((request) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const submitId = request.headers['x-mra-submitid'];
      if (typeof submitId !== 'string') throw new Error('request without X-MRA-SubmitId');
      arrived.push(submitId);
      if (forwardTo === undefined) return;
      const answer = await fetch(new URL(request.url ?? '/', forwardTo), {
        method: 'POST',
        headers: {
          authorization: request.headers.authorization ?? '',
          'content-type': 'application/json',
          'x-mra-submitid': submitId,
        },
        body: Buffer.concat(chunks),
      });
      await answer.text();
      withheld.set(submitId, answer.status);
    })().catch((error: unknown) => {
      failures.push(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('gate has no TCP port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    arrived,
    withheld,
    failures,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Writes the child's configuration and requests into `dir`; returns the config file path. */
async function writeChildConfig(
  dir: string,
  requests: NotificationRequest[],
  baseUrl: string,
): Promise<{ configPath: string; outboxPath: string }> {
  const outboxPath = join(dir, 'outbox.jsonl');
  const requestsPath = join(dir, 'requests.json');
  const configPath = join(dir, 'child-config.json');
  await writeFile(requestsPath, JSON.stringify(requests));
  await writeFile(
    configPath,
    JSON.stringify({
      outboxPath,
      requestsPath,
      ...emulator.clientConfig,
      baseUrl,
    }),
  );
  return { configPath, outboxPath };
}

function appendedKeys(child: CrashChild): string[] {
  const message = child.messages.find((m) => m.event === 'appended');
  if (message?.event !== 'appended') throw new Error('the child never reported its outbox append');
  return message.keys;
}

function countBySubmitId(): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const record of emulator.received) {
    counts.set(record.submitId, (counts.get(record.submitId) ?? 0) + 1);
  }
  return counts;
}

beforeAll(() => {
  if (!existsSync(BUILT_ENTRY)) {
    throw new Error(
      `${BUILT_ENTRY} is missing: the crash tests run the built package in a child process. ` +
        'Build it first with `npx tsc -b packages/notifications` (`pnpm test` does this).',
    );
  }
});

describe('outbox replay after a real process crash (SIGKILL)', () => {
  it('killed after the fsynced append, before sending: replay delivers each request once, same keys', async () => {
    await withTempDir(async (dir) => {
      const requests = emailRequests(4, 'crash-before-send');
      const gate = await startHoldingGate();
      try {
        const { configPath, outboxPath } = await writeChildConfig(dir, requests, gate.url);
        const child = spawnCrashChild(configPath);
        try {
          await waitFor(
            'the "appended" marker',
            () => child.messages.some((m) => m.event === 'appended'),
            child,
          );
        } finally {
          const exit = await child.kill();
          expect(exit.signal).toBe('SIGKILL');
        }
        const childKeys = appendedKeys(child);
        expect(childKeys).toEqual(requests.map((r) => r.key));
        expect(child.messages.map((m) => m.event)).toEqual(['appended']);
        expect(emulator.received).toHaveLength(0);
        expect(gate.failures).toEqual([]);

        const lines = await outboxLines(outboxPath);
        expect(lines.filter((l) => l.op === 'pending').map((l) => l.key)).toEqual(childKeys);
        expect(lines.filter((l) => l.op === 'completed')).toEqual([]);

        const restarted = await openFileOutbox(outboxPath);
        // The killed child's lock file is still there; its process is gone, so it is taken over.
        expect(restarted.warnings.map((w) => w.code)).toEqual(['EXR_DELIVERY_OUTBOX_LOCK_STALE']);
        expect(restarted.warnings[0]!.message).toContain(`process ${child.pid},`);
        expect(restarted.recovered().map((r) => r.key)).toEqual(childKeys);
        const client = clientFor(emulator, { outbox: restarted });
        const results = await client.replayOutbox();
        await client.close();
        expect(results.map((r) => [r.status, r.key])).toEqual(
          childKeys.map((key) => ['delivered', key]),
        );

        const counts = countBySubmitId();
        expect(emulator.received).toHaveLength(childKeys.length);
        expect([...counts.keys()].sort()).toEqual([...childKeys].sort());
        expect([...counts.values()].every((n) => n === 1)).toBe(true);
        expect(emulator.jobs.size).toBe(childKeys.length);
        for (const key of childKeys) expect(emulator.jobBySubmitId(key)?.submissions).toBe(1);
        expect(restarted.recovered()).toEqual([]);
        await restarted.close();

        const third = await openFileOutbox(outboxPath);
        expect(third.recovered()).toEqual([]);
        await third.close();
      } finally {
        await gate.close();
      }
    });
  });

  it('killed after the service accepted, before the outbox recorded it: replay resends the same keys, one job each', async () => {
    await withTempDir(async (dir) => {
      const requests = emailRequests(3, 'crash-after-accept');
      const gate = await startHoldingGate(emulator.url);
      try {
        const { configPath, outboxPath } = await writeChildConfig(dir, requests, gate.url);
        const child = spawnCrashChild(configPath);
        try {
          await waitFor(
            `the emulator to accept all ${requests.length} requests (answers withheld from the child)`,
            () => gate.withheld.size === requests.length || gate.failures.length > 0,
            child,
          );
        } finally {
          const exit = await child.kill();
          expect(exit.signal).toBe('SIGKILL');
        }
        expect(gate.failures).toEqual([]);
        const childKeys = appendedKeys(child);
        expect(childKeys).toEqual(requests.map((r) => r.key));
        expect(child.messages.map((m) => m.event)).toEqual(['appended']);
        expect([...gate.withheld.entries()].sort()).toEqual(
          [...childKeys].sort().map((key) => [key, 200]),
        );
        const firstJobIds = childKeys.map((key) => emulator.jobBySubmitId(key)?.jobId);
        expect(firstJobIds.every((id) => id !== undefined)).toBe(true);
        expect(emulator.jobs.size).toBe(childKeys.length);

        const lines = await outboxLines(outboxPath);
        expect(lines.filter((l) => l.op === 'pending').map((l) => l.key)).toEqual(childKeys);
        expect(lines.filter((l) => l.op === 'completed')).toEqual([]);

        const restarted = await openFileOutbox(outboxPath);
        expect(restarted.recovered().map((r) => r.key)).toEqual(childKeys);
        const client = clientFor(emulator, { outbox: restarted });
        const results = await client.replayOutbox();
        await client.close();
        expect(results.map((r) => [r.status, r.key])).toEqual(
          childKeys.map((key) => ['delivered', key]),
        );
        expect(results.map((r) => (r.status === 'delivered' ? r.jobId : r.reason))).toEqual(
          firstJobIds,
        );

        // Sent twice under one key (the killed attempt and the replay), accepted once.
        const counts = countBySubmitId();
        expect([...counts.keys()].sort()).toEqual([...childKeys].sort());
        expect([...counts.values()].every((n) => n === 2)).toBe(true);
        expect(emulator.jobs.size).toBe(childKeys.length);
        for (const key of childKeys) expect(emulator.jobBySubmitId(key)?.submissions).toBe(2);
        expect(restarted.recovered()).toEqual([]);
        await restarted.close();
      } finally {
        await gate.close();
      }
    });
  });
});
