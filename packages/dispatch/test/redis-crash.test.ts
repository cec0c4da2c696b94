// A real crash: a dispatcher in a child process (the BUILT packages) stores events in a group on
// Redis, claims the group's due entry as its tick would, and is SIGKILLed before flushing.
// Another instance must flush every event once, after the dead instance's lease, and a replay
// of the same events must give the same verdicts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/store/redis-store.js';
import type { StateStore } from '../src/store/state-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';
import type { Verdict } from '../src/types.js';
import { Bench, HEAD, MIN, T0 } from './dispatcher/harness.js';

const BUILT_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/crash-dispatcher.mjs', import.meta.url));
const WAIT_LIMIT_MS = 20_000;

const GROUPED = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 15m }
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
`;

type ChildMessage =
  { event: 'stored'; verdicts: Verdict[] } | { event: 'claimed'; claimed: unknown[] };

describe.skipIf(!hasRedis)(
  `a dispatcher killed between storing and flushing ${redisSkipReason}`,
  () => {
    let server: RedisServer;
    let dir: string;
    const stores: StateStore[] = [];
    beforeAll(async () => {
      server = await startRedis();
      dir = mkdtempSync(join(tmpdir(), 'exroute-crash-'));
    });
    afterAll(async () => {
      for (const store of stores) await store.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('SIGKILL after the claim: another instance flushes every event once after the lease; replays give the same keys', async () => {
      if (!existsSync(BUILT_ENTRY)) {
        throw new Error(
          `${BUILT_ENTRY} is missing: this test runs the built package in a child process; run \`pnpm run build\` first (pnpm test does)`,
        );
      }
      const rulesFile = join(dir, 'rules.yaml');
      writeFileSync(rulesFile, HEAD + GROUPED);
      const count = 25;
      const child = spawn(
        process.execPath,
        [CHILD, server.url, 'crash', rulesFile, String(T0), String(count)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal)),
      );
      const messages: ChildMessage[] = [];
      createInterface({ input: child.stdout }).on('line', (line) =>
        messages.push(JSON.parse(line) as ChildMessage),
      );
      const deadline = Date.now() + WAIT_LIMIT_MS;
      while (!messages.some((m) => m.event === 'claimed')) {
        if (child.exitCode !== null || Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`crash child never claimed; stderr: ${stderr || '(empty)'}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const stored = messages.find((m) => m.event === 'stored');
      const claimed = messages.find((m) => m.event === 'claimed');
      expect(stored?.event === 'stored' && stored.verdicts.every((v) => v.kind === 'grouped')).toBe(
        true,
      );
      expect(claimed?.event === 'claimed' && claimed.claimed).toHaveLength(1);

      // The surviving instance: its own process state, the same Redis and prefix.
      const store = await createRedisStore({ url: server.url, prefix: 'crash' });
      stores.push(store);
      const b = new Bench(GROUPED, { store, now: T0 + 2 * MIN });
      // The dead instance's lease (1 minute) still holds: nothing is flushed early or twice.
      expect(await b.dispatcher.tick()).toEqual([]);
      // Replaying the same events (an at-least-once producer) gives the same verdicts, no new items.
      const replayed: Verdict[] = [];
      for (let i = 0; i < count; i++) {
        const event = b.event({
          id: `k${i}`,
          source: 'exstream/crash',
          correlationId: 'job-1',
          time: new Date(T0).toISOString(),
          data: { ref: `r${i}`, reason: 'full' },
        });
        const r = await b.ingest(event);
        expect(r.outgoing).toEqual([]);
        replayed.push(...r.verdicts);
      }
      expect(stored?.event === 'stored' ? stored.verdicts : []).toEqual(replayed);
      // After the lease, the group is flushed once with every event.
      const out = await b.advance(MIN);
      expect(out).toHaveLength(1);
      expect(out[0]!.eventIds).toEqual(
        Array.from({ length: count }, (_, i) => `exstream/crash/k${i}`),
      );
      expect(out[0]!.digest?.count).toBe(count);
      // A second surviving instance ticking later finds nothing left to send.
      const other = await createRedisStore({ url: server.url, prefix: 'crash' });
      stores.push(other);
      const c = new Bench(GROUPED, { store: other, now: b.now + 10 * MIN });
      expect(await c.dispatcher.tick()).toEqual([]);
    }, 60_000);
  },
);
