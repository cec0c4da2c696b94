// The crash test of issue 14: three `exroute serve` processes on one Redis (AOF on), raw events
// posted over HTTP by concurrent clients, one instance SIGKILLed mid-run and restarted, Redis
// restarted once. At the end every accepted event is accounted for and every expected outgoing
// key reached the Notifications emulator, which recorded each exactly once, and every accepted
// event has a decision record in the audit stream (written before its entry was acknowledged).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditRedis, openRedisQueue, readAuditTrail } from '../src/index.js';
import type { StreamQueue } from '../src/index.js';
import { expectedKeys, MAPPING_PATH, RULE_PATHS, sampleRaw, waitFor } from './helpers.js';
import { hasBuiltCli, startServiceProcess } from './service-process.js';
import type { ServiceProcess } from './service-process.js';

// The 20,000 events (about 12 s on an idle 2-core machine); EXROUTE_FAULT_EVENTS sets
// another count, e.g. a smaller one on a machine shared with other work.
const EVENTS = Number(process.env['EXROUTE_FAULT_EVENTS'] ?? 20_000);
const BATCH = 100;
const CLIENTS = 8;
const INGEST_TOKEN = 'fault-test-ingest-token';

describe.skipIf(!hasRedis || !hasBuiltCli)(
  `three instances, SIGKILL and a Redis restart ${redisSkipReason}${hasBuiltCli ? '' : ' SKIPPED: build the CLI first (pnpm build)'}`,
  () => {
    let redis: RedisServer;
    let emulator: NotificationsEmulator;
    let dir: string;
    let configPath: string;
    let queue: StreamQueue;
    const instances: ServiceProcess[] = [];
    const env = { EXR_TEST_INGEST: INGEST_TOKEN, EXR_TEST_NOTIF_SECRET: '' };

    beforeAll(async () => {
      redis = await startRedis({ appendonly: true });
      emulator = await startEmulator();
      env.EXR_TEST_NOTIF_SECRET = emulator.clientSecret;
      dir = await mkdtemp(join(tmpdir(), 'exroute-fault-'));
      configPath = join(dir, 'exroute.service.yaml');
      await writeFile(
        configPath,
        [
          'apiVersion: exroute/service/v1',
          `rules: ${JSON.stringify(RULE_PATHS)}`,
          `mapping: ${JSON.stringify(MAPPING_PATH)}`,
          'http:',
          '  listen: 127.0.0.1:0',
          '  ingestToken: { env: EXR_TEST_INGEST }',
          '  maxBodyBytes: 4194304',
          'redis:',
          `  url: ${redis.url}`,
          '  prefix: fault',
          'notifications:',
          `  baseUrl: ${emulator.url}`,
          `  authUrl: ${emulator.authUrl}`,
          `  tenant: ${emulator.tenant}`,
          `  clientId: ${emulator.clientId}`,
          '  clientSecret: { env: EXR_TEST_NOTIF_SECRET }',
          '  maxInFlight: 8',
          'workers: { concurrency: 2, batchSize: 100, claimIdle: 2s, deliveryAttempts: 50 }',
          'reload: { watch: false }',
          'audit: { redis: {} }',
          'shutdown: { grace: 5s }',
          '',
        ].join('\n'),
      );
      for (let i = 0; i < 3; i++)
        instances.push(await startServiceProcess(['--config', configPath], env, 60_000));
      queue = await openRedisQueue({
        url: redis.url,
        prefix: 'fault',
        maxLength: 10_000_000,
        deadLetterMaxLength: 10_000,
      });
    }, 200_000);

    afterAll(async () => {
      for (const instance of instances) instance.child.kill('SIGKILL');
      await queue?.close();
      await emulator?.close();
      await redis?.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('accounts for every accepted event and delivers each expected key exactly once', async () => {
      const raws = sampleRaw(EVENTS, 11);
      const expected = await expectedKeys(raws);
      const batches: string[] = [];
      for (let i = 0; i < raws.length; i += BATCH)
        batches.push(JSON.stringify(raws.slice(i, i + BATCH)));
      let next = 0;
      let accepted = 0;
      const acceptedIds = new Set<string>();
      let retries = 0;
      let posted = 0;
      const alive = (): ServiceProcess[] =>
        instances.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
      const client = async (n: number): Promise<void> => {
        for (let b = next++; b < batches.length; b = next++) {
          for (let attempt = 0; ; attempt++) {
            const targets = alive();
            const target = targets[(b + attempt + n) % targets.length]!;
            try {
              const response = await fetch(`${target.url}/v1/events`, {
                method: 'POST',
                body: batches[b]!,
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${INGEST_TOKEN}`,
                },
                signal: AbortSignal.timeout(15_000),
              });
              const body = (await response.json()) as {
                accepted?: { id: string; source: string }[];
              };
              if (response.status === 202) {
                accepted += body.accepted?.length ?? 0;
                for (const e of body.accepted ?? []) acceptedIds.add(`${e.source}/${e.id}`);
                posted++;
                break;
              }
              expect(response.status).toBeGreaterThanOrEqual(500);
            } catch {
              // connection refused (killed instance) or reset: try another instance
            }
            retries++;
            if (attempt > 200) throw new Error('a batch could not be posted');
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      };
      const faults = (async () => {
        await waitFor(() => posted >= batches.length * 0.3, 150_000, '30% posted');
        instances[0]!.child.kill('SIGKILL');
        await instances[0]!.exited;
        await new Promise((resolve) => setTimeout(resolve, 500));
        instances[0] = await startServiceProcess(['--config', configPath], env, 90_000);
        await waitFor(() => posted >= batches.length * 0.6, 150_000, '60% posted');
        await redis.restart();
      })();
      await Promise.all([...Array.from({ length: CLIENTS }, (_, n) => client(n)), faults]);

      await waitFor(
        async () => {
          if (emulator.stats().accepted < expected.size) return false;
          const events = await queue.status('events');
          const outgoing = await queue.status('outgoing');
          return (
            events.pending === 0 && events.lag === 0 && outgoing.pending === 0 && outgoing.lag === 0
          );
        },
        180_000,
        'every expected key delivered and both streams drained',
      );
      const deadLetters = await queue.range('dead-letters', '-', 100);
      let duplicates = 0;
      for (const key of expected) {
        const job = emulator.jobBySubmitId(key);
        expect(job, key).toBeDefined();
        duplicates += job!.submissions - 1;
      }
      // Each key is one job: a repeated submission (after a crash) was recognised, not re-created.
      expect(emulator.stats().accepted).toBe(expected.size);
      expect(accepted).toBeGreaterThanOrEqual(raws.length);
      expect(deadLetters).toHaveLength(0);
      // The audit trail survived the SIGKILL: every accepted event has a decision record.
      const audit = await openAuditRedis(redis.url, undefined);
      const audited = new Set<string>();
      let auditProblems = 0;
      let decisionRecords = 0;
      try {
        for await (const result of readAuditTrail({
          redis: { connection: audit, prefix: 'fault' },
        })) {
          if (!('record' in result)) auditProblems++;
          else if (result.record.kind === 'decision') {
            decisionRecords++;
            audited.add(`${result.record.event.source}/${result.record.event.id}`);
          }
        }
      } finally {
        audit.destroy();
      }
      const unaudited = [...acceptedIds].filter((id) => !audited.has(id));
      expect(unaudited.slice(0, 5)).toEqual([]);
      expect(auditProblems).toBe(0);
      console.log(
        `fault run: ${raws.length} events, ${accepted} accepted (${retries} request retries), ` +
          `${expected.size} expected keys, ${emulator.stats().accepted} jobs at the emulator, ` +
          `${duplicates} duplicate submissions de-duplicated by key, ${deadLetters.length} dead letters, ` +
          `${decisionRecords} distinct decision records for ${acceptedIds.size} distinct accepted events`,
      );
    }, 600_000);
  },
);
