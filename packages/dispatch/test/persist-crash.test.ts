// A real crash between claim and persist: a dispatcher in a child process (the BUILT packages,
// test entry point fixtures/persist-crash-dispatcher.mjs) claims a group flush, an escalation
// step and a deferred send with tick(persist), and SIGKILLs itself inside persist — before
// saving anything, or after posting to the receiver but before confirming. Another instance
// must hand out the same keys with the same content after the lease, and a de-duplicating
// receiver (a real HTTP server on loopback) must record each key exactly once.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/store/redis-store.js';
import type { StateStore } from '../src/store/state-store.js';
import { hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';
import type { Outgoing } from '../src/types.js';
import { Bench, HEAD, MIN } from './dispatcher/harness.js';

const BUILT_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/persist-crash-dispatcher.mjs', import.meta.url));
const WAIT_LIMIT_MS = 45_000;
/** The child's lease (its createDispatcher leaseMs). */
const LEASE = 60_000;

const RULES = `policies:
  failures:
    group: { by: [correlationId], wait: 2m, interval: 15m }
escalations:
  review:
    steps: [{ after: { hours: 1 }, to: [lead], template: overdue }]
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

/** Saturday noon: the deferred send waits for Monday 09:00 in the UK calendar. */
const START = Date.UTC(2027, 0, 2, 12, 0, 0);
const MONDAY_OPEN = Date.UTC(2027, 0, 4, 9, 0, 0);

/** A receiver that de-duplicates by Idempotency-Key, as Notifications does. */
interface Receiver {
  readonly url: string;
  /** The first body recorded per key. */
  readonly recorded: Map<string, string>;
  /** Every POST per key, duplicates included. */
  readonly posts: Map<string, number>;
  /** Keys posted again with a different body (Idempotency-Key draft: 422). */
  readonly conflicts: string[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const recorded = new Map<string, string>();
  const posts = new Map<string, number>();
  const conflicts: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') {
        response.writeHead(400).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      posts.set(key, (posts.get(key) ?? 0) + 1);
      const first = recorded.get(key);
      if (first === undefined) recorded.set(key, body);
      else if (first !== body) {
        conflicts.push(key);
        response.writeHead(422).end();
        return;
      }
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/messages`,
    recorded,
    posts,
    conflicts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type ChildMessage =
  | { event: 'stored'; verdicts: unknown[] }
  | { event: 'persisting'; outgoing: Outgoing[] }
  | { event: 'persisted' }
  | { event: 'confirmed' };

async function crashChild(
  args: string[],
): Promise<{ signal: NodeJS.Signals | null; messages: ChildMessage[]; stderr: string }> {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const messages: ChildMessage[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => messages.push(JSON.parse(line) as ChildMessage));
  // A child that never reaches persist is stopped with SIGTERM, so it cannot pass for the crash.
  const timer = setTimeout(() => child.kill('SIGTERM'), WAIT_LIMIT_MS);
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('close', (_code, sig) => resolve(sig)),
  );
  clearTimeout(timer);
  return { signal, messages, stderr };
}

describe.skipIf(!hasRedis)(
  `a dispatcher killed between claim and persist ${redisSkipReason}`,
  () => {
    let server: RedisServer;
    let dir: string;
    let rulesFile: string;
    const stores: StateStore[] = [];
    beforeAll(async () => {
      server = await startRedis();
      dir = mkdtempSync(join(tmpdir(), 'exroute-persist-crash-'));
      rulesFile = join(dir, 'rules.yaml');
      writeFileSync(rulesFile, HEAD + RULES);
    });
    afterAll(async () => {
      for (const store of stores) await store.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const mode of ['before', 'after'] as const) {
      it(`SIGKILL ${mode} persisting: another instance delivers the same keys after the lease, each recorded once`, async () => {
        if (!existsSync(BUILT_ENTRY)) {
          throw new Error(
            `${BUILT_ENTRY} is missing: this test runs the built package in a child process; run \`pnpm run build\` first (pnpm test does)`,
          );
        }
        const receiver = await startReceiver();
        try {
          const prefix = `persist-crash-${mode}`;
          const count = 25;
          const crashed = await crashChild([
            server.url,
            prefix,
            rulesFile,
            String(START),
            String(MONDAY_OPEN),
            String(count),
            mode,
            receiver.url,
          ]);
          expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
          expect(crashed.messages.some((m) => m.event === 'confirmed')).toBe(false);
          const persisting = crashed.messages.find((m) => m.event === 'persisting');
          const claimed = persisting?.event === 'persisting' ? persisting.outgoing : [];
          expect(claimed.map((o) => o.reason).sort()).toEqual([
            'deferred',
            'escalation',
            'group-flush',
          ]);
          expect(claimed.find((o) => o.reason === 'group-flush')?.digest?.count).toBe(count);
          expect(receiver.posts.size).toBe(mode === 'after' ? 3 : 0);

          // The surviving instance: its own process state and connection, the same Redis prefix.
          const store = await createRedisStore({ url: server.url, prefix });
          stores.push(store);
          const b = new Bench(RULES, { store, now: MONDAY_OPEN, dispatcher: { leaseMs: LEASE } });
          const deliver = async (out: Outgoing[]): Promise<void> => {
            for (const message of out) {
              const response = await fetch(receiver.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'idempotency-key': message.key },
                body: JSON.stringify(message),
              });
              if (response.status !== 202) throw new Error(`receiver answered ${response.status}`);
            }
          };
          // The dead instance's lease still holds: nothing is handed out early.
          b.now = MONDAY_OPEN + LEASE - 1;
          expect(await b.dispatcher.tick(deliver)).toEqual([]);
          b.now = MONDAY_OPEN + LEASE;
          const replayed = await b.dispatcher.tick(deliver);
          // Same keys, same content as what the dead instance had in hand.
          const byKey = (list: Outgoing[]) => [...list].sort((x, y) => (x.key < y.key ? -1 : 1));
          expect(byKey(replayed)).toEqual(byKey(claimed));
          // Confirmed now: nothing more from any instance.
          const other = await createRedisStore({ url: server.url, prefix });
          stores.push(other);
          const c = new Bench(RULES, { store: other, now: b.now + 10 * MIN });
          expect(await c.dispatcher.tick(deliver)).toEqual([]);

          expect(receiver.conflicts).toEqual([]);
          expect([...receiver.recorded.keys()].sort()).toEqual(claimed.map((o) => o.key).sort());
          for (const key of receiver.recorded.keys()) {
            expect(receiver.posts.get(key)).toBe(mode === 'after' ? 2 : 1);
          }
          console.log(
            `persist crash (${mode}): ${claimed.length} claimed messages, ${receiver.recorded.size} keys recorded once, ${[...receiver.posts.values()].reduce((a, n) => a + n, 0)} posts`,
          );
        } finally {
          await receiver.close();
        }
      }, 120_000);
    }
  },
);
