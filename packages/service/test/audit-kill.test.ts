// The audit file sink under SIGKILL (issue #16 part 3): one `exroute serve` process on Redis with
// a small rotating audit file is killed while it works through a backlog and started again on
// the same file; afterwards every accepted event has a decision record in the file or its
// rotated files, and no line other than the last one written before the kill is damaged.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisQueue, readAuditTrail } from '../src/index.js';
import type { StreamQueue } from '../src/index.js';
import { MAPPING_PATH, RULE_PATHS, sampleRaw, waitFor } from './helpers.js';
import { hasBuiltCli, startServiceProcess } from './service-process.js';
import type { ServiceProcess } from './service-process.js';

const EVENTS = 3000;
const TOKEN = 'audit-kill-ingest-token';

describe.skipIf(!hasRedis || !hasBuiltCli)(
  `audit file survives SIGKILL ${redisSkipReason}${hasBuiltCli ? '' : ' SKIPPED: build the CLI first (pnpm build)'}`,
  () => {
    let redis: RedisServer;
    let dir: string;
    let configPath: string;
    let queue: StreamQueue;
    let instance: ServiceProcess | undefined;
    const env = { EXR_TEST_INGEST: TOKEN };

    beforeAll(async () => {
      redis = await startRedis({ appendonly: true });
      dir = await mkdtemp(join(tmpdir(), 'exroute-audit-kill-'));
      configPath = join(dir, 'exroute.service.yaml');
      await writeFile(
        configPath,
        [
          'apiVersion: exroute/service/v1',
          `rules: ${JSON.stringify(RULE_PATHS)}`,
          `mapping: ${JSON.stringify(MAPPING_PATH)}`,
          'http: { listen: "127.0.0.1:0", ingestToken: { env: EXR_TEST_INGEST }, maxBodyBytes: 4194304 }',
          `redis: { url: "${redis.url}", prefix: audit-kill }`,
          'notifications: { emulator: true }',
          'workers: { concurrency: 1, batchSize: 50, claimIdle: 1s }',
          'reload: { watch: false }',
          // Small files, so the run rotates many times, also across the kill.
          'audit: { file: { path: audit/audit.jsonl, maxBytes: 262144, maxFiles: 1000 } }',
          '',
        ].join('\n'),
      );
      queue = await openRedisQueue({
        url: redis.url,
        prefix: 'audit-kill',
        maxLength: 1_000_000,
        deadLetterMaxLength: 10_000,
      });
    }, 60_000);

    afterAll(async () => {
      instance?.child.kill('SIGKILL');
      await queue?.close();
      await redis?.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('every accepted event has a decision record after a SIGKILL mid-run', async () => {
      instance = await startServiceProcess(['--config', configPath], env, 60_000);
      const accepted = new Set<string>();
      const raws = sampleRaw(EVENTS, 23);
      for (let i = 0; i < raws.length; i += 500) {
        const response = await fetch(`${instance.url}/v1/events`, {
          method: 'POST',
          body: JSON.stringify(raws.slice(i, i + 500)),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          signal: AbortSignal.timeout(30_000),
        });
        expect(response.status).toBe(202);
        const body = (await response.json()) as { accepted: { id: string; source: string }[] };
        for (const e of body.accepted) accepted.add(`${e.source}/${e.id}`);
      }
      // Kill while the backlog is being worked through.
      await waitFor(
        async () => (await queue.status('events')).length > 0,
        10_000,
        'events on the stream',
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      instance.child.kill('SIGKILL');
      await instance.exited;
      const pendingAtKill = (await queue.status('events')).pending;
      instance = await startServiceProcess(['--config', configPath], env, 60_000);
      await waitFor(
        async () => {
          const events = await queue.status('events');
          return events.pending === 0 && events.lag === 0;
        },
        120_000,
        'the events stream drained after the restart',
      );
      instance.child.kill('SIGTERM');
      await instance.exited;
      instance = undefined;

      const audited = new Set<string>();
      const problems: string[] = [];
      let records = 0;
      for await (const result of readAuditTrail({ files: [join(dir, 'audit', 'audit.jsonl')] })) {
        if (!('record' in result)) {
          problems.push(
            `${result.diagnostic.code} ${result.diagnostic.file}:${result.diagnostic.line}`,
          );
          continue;
        }
        if (result.record.kind !== 'decision') continue;
        records++;
        audited.add(`${result.record.event.source}/${result.record.event.id}`);
      }
      const missing = [...accepted].filter((id) => !audited.has(id));
      expect(missing.slice(0, 5)).toEqual([]);
      expect(accepted.size).toBe(EVENTS);
      // A write cut by the kill can leave at most one damaged line.
      expect(problems.length).toBeLessThanOrEqual(1);
      console.log(
        `audit kill run: ${accepted.size} accepted, ${pendingAtKill} pending at the kill, ` +
          `${records} distinct decision records, ${problems.length} damaged line(s)`,
      );
    }, 300_000);
  },
);
