// An instance killed between the dispatcher's claim of a digest flush and the XADD of that flush
// to the outgoing stream (test entry point fixtures/crash-on-persist-service.mjs SIGKILLs itself
// inside persist). Another `exroute serve` instance must deliver that digest after the claim's
// lease (claimIdle), with the same key and every event, and the Notifications emulator must
// record the key exactly once.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Outgoing } from '@exroute/dispatch';
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisQueue, wireKey } from '../src/index.js';
import type { StreamQueue } from '../src/index.js';
import { waitFor } from './helpers.js';
import { hasBuiltCli, startServiceProcess } from './service-process.js';
import type { ServiceProcess } from './service-process.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/crash-on-persist-service.mjs', import.meta.url));
const BUILT_SERVICE = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const EVENTS = 20;

const RULES = `apiVersion: exroute/v1
recipients:
  cs: { email: cs@example.com }
templates:
  digest:
    id: EXS-DELIVERY-FAILED-DIGEST
    channels: [email]
    subject: "Delivery failures"
    digest: { line: "{{ data.ref }}", maxLines: 50 }
policies:
  failures:
    group: { by: [correlationId], wait: 1s, interval: 1m }
rules:
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
`;

describe.skipIf(!hasRedis || !hasBuiltCli || !existsSync(BUILT_SERVICE))(
  `an instance killed between the claim of a digest and its XADD ${redisSkipReason}${hasBuiltCli ? '' : ' SKIPPED: build first (pnpm build)'}`,
  () => {
    let redis: RedisServer;
    let emulator: NotificationsEmulator;
    let dir: string;
    let configPath: string;
    let queue: StreamQueue;
    let survivor: ServiceProcess | undefined;
    const env = { EXR_TEST_NOTIF_SECRET: '' };

    beforeAll(async () => {
      redis = await startRedis();
      emulator = await startEmulator();
      env.EXR_TEST_NOTIF_SECRET = emulator.clientSecret;
      dir = await mkdtemp(join(tmpdir(), 'exroute-tick-crash-'));
      await writeFile(join(dir, 'rules.yaml'), RULES);
      configPath = join(dir, 'exroute.service.yaml');
      await writeFile(
        configPath,
        [
          'apiVersion: exroute/service/v1',
          `rules: [${JSON.stringify(join(dir, 'rules.yaml'))}]`,
          'http:',
          '  listen: 127.0.0.1:0',
          'redis:',
          `  url: ${redis.url}`,
          '  prefix: tickcrash',
          'notifications:',
          `  baseUrl: ${emulator.url}`,
          `  authUrl: ${emulator.authUrl}`,
          `  tenant: ${emulator.tenant}`,
          `  clientId: ${emulator.clientId}`,
          '  clientSecret: { env: EXR_TEST_NOTIF_SECRET }',
          'workers: { concurrency: 1, batchSize: 100, claimIdle: 2s, tickInterval: 200ms }',
          'reload: { watch: false }',
          'shutdown: { grace: 2s }',
          'log: { level: info }',
          '',
        ].join('\n'),
      );
      queue = await openRedisQueue({
        url: redis.url,
        prefix: 'tickcrash',
        maxLength: 100_000,
        deadLetterMaxLength: 1_000,
      });
    }, 60_000);

    afterAll(async () => {
      survivor?.child.kill('SIGKILL');
      await queue?.close();
      await emulator?.close();
      await redis?.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('another instance delivers the digest after the lease, with the same key, recorded once', async () => {
      const child = spawn(process.execPath, [FIXTURE, configPath], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      let claimed: Outgoing[] | undefined;
      createInterface({ input: child.stdout }).on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { fixture?: { event: string; outgoing: Outgoing[] } };
          if (parsed.fixture?.event === 'claimed') claimed = parsed.fixture.outgoing;
        } catch {
          // a log line that is not JSON
        }
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal)),
      );
      const killer = setTimeout(() => child.kill('SIGTERM'), 45_000);
      // Producers that write to Redis directly: normalized events on the events stream.
      await queue.ensureGroups();
      await queue.append(
        'events',
        Array.from({ length: EVENTS }, (_, i) => ({
          event: JSON.stringify({
            id: `ev-${i}`,
            source: 'exstream/crash',
            type: 'delivery.failed',
            time: new Date().toISOString(),
            correlationId: 'job-1',
            data: { ref: `customer-${i}` },
          }),
          pk: 'job-1',
        })),
      );
      const signal = await exited;
      clearTimeout(killer);
      expect(signal, stderr).toBe('SIGKILL');
      expect(claimed, `the fixture never claimed a flush; stderr: ${stderr}`).toHaveLength(1);
      const flush = claimed![0]!;
      expect(flush.eventIds).toHaveLength(EVENTS);
      // Killed before the XADD: the outgoing stream does not have it, nothing was delivered.
      expect(await queue.range('outgoing', '-', 100)).toEqual([]);
      expect(emulator.stats().accepted).toBe(0);

      survivor = await startServiceProcess(['--config', configPath], env, 60_000);
      const key = wireKey(flush.key);
      await waitFor(
        () => emulator.jobBySubmitId(key) !== undefined,
        30_000,
        'the digest delivered',
      );
      const outgoing = await queue.range('outgoing', '-', 100);
      expect(outgoing.map((e) => e.fields['key'])).toEqual([flush.key]);
      // Same key, same content as what the dead instance had claimed.
      expect(JSON.parse(outgoing[0]!.fields['outgoing']!)).toEqual(flush);
      // No second digest: give the survivor a few more ticks, then count.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(emulator.jobBySubmitId(key)?.submissions).toBe(1);
      expect(emulator.stats().accepted).toBe(1);
      expect((await queue.status('events')).pending).toBe(0);
      console.log(
        `tick crash: ${EVENTS} events digested, flush ${flush.key} claimed by the killed instance, delivered once by the survivor`,
      );
    }, 120_000);
  },
);
