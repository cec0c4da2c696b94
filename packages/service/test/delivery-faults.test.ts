// Notifications failing on real Redis: down for 10 s (503, 429 with Retry-After) with nothing
// lost and the concurrency cap held; a request it refuses for good is dead-lettered, and
// `exroute dead-letters` lists, shows and replays it with the same key.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { hasRedis, redisSkipReason, startRedis } from '@exroute/dispatch/testing';
import type { RedisServer } from '@exroute/dispatch/testing';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import { runCli } from '@exroute/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, listDeadLetters } from '../src/index.js';
import type { Service, ServiceConfig } from '../src/index.js';
import { expectedKeys, INGEST, post, sampleRaw, testConfig, waitFor } from './helpers.js';

const MAX_IN_FLIGHT = 3;

describe.skipIf(!hasRedis)(`delivery faults on Redis ${redisSkipReason}`, () => {
  let redis: RedisServer;
  let emulator: NotificationsEmulator;
  const services: Service[] = [];
  let config: ServiceConfig;

  beforeAll(async () => {
    redis = await startRedis();
    emulator = await startEmulator({ latencyMs: 15 });
    const endpoint = emulator.clientConfig;
    config = testConfig({
      redis: { url: redis.url, prefix: 'faults' },
      notifications: {
        emulator: false,
        baseUrl: endpoint.baseUrl,
        authUrl: endpoint.authUrl,
        tenant: endpoint.tenant,
        clientId: endpoint.clientId,
        clientSecret: endpoint.clientSecret,
      },
      delivery: { maxInFlight: MAX_IN_FLIGHT, attemptsPerDelivery: 3 },
    });
    services.push(await createService(config, { instance: 'a' }));
    services.push(await createService(config, { instance: 'b' }));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await emulator?.close();
    await redis?.close();
  });

  it('Notifications down for 10 s: nothing lost, delivery resumes, the cap holds', async () => {
    const raws = sampleRaw(400, 21);
    const expected = await expectedKeys(raws);
    emulator.reset();
    emulator.script.respond(
      { status: 429, retryAfter: 1 },
      { status: 429, retryAfter: 1 },
      { status: 503, retryAfter: 1 },
    );
    emulator.script.down(10_000, 503);
    const started = Date.now();
    for (let i = 0; i < raws.length; i += 100) {
      const target = services[(i / 100) % services.length]!;
      const answer = await post(
        `${target.url}/v1/events`,
        JSON.stringify(raws.slice(i, i + 100)),
        INGEST,
      );
      expect(answer.status).toBe(202);
    }
    await waitFor(
      () => emulator.stats().accepted >= expected.size,
      60_000,
      'every key after the outage',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
    for (const key of expected) expect(emulator.jobBySubmitId(key), key).toBeDefined();
    expect(emulator.stats().accepted).toBe(expected.size);
    expect(emulator.stats().maxConcurrent).toBeLessThanOrEqual(MAX_IN_FLIGHT * services.length);
    expect(emulator.received.some((r) => r.outcome === 503)).toBe(true);
    expect(emulator.received.some((r) => r.outcome === 429)).toBe(true);
    expect(await listDeadLetters(services[0]!.queue)).toHaveLength(0);
  }, 90_000);

  it('a refused request is dead-lettered with its reason and replayed with the same key', async () => {
    const raws = sampleRaw(40, 33);
    const expected = await expectedKeys(raws);
    emulator.reset();
    emulator.script.respond({ status: 400, body: { message: 'refused on purpose' } });
    const answer = await post(`${services[0]!.url}/v1/events`, JSON.stringify(raws), INGEST);
    expect(answer.status).toBe(202);
    await waitFor(
      async () => (await listDeadLetters(services[0]!.queue)).length === 1,
      20_000,
      'one dead letter',
    );
    await waitFor(() => emulator.stats().accepted >= expected.size - 1, 20_000, 'the other keys');
    const [dead] = await listDeadLetters(services[0]!.queue);
    expect(dead).toMatchObject({ stream: 'outgoing', reason: 'EXR_DELIVERY_REJECTED' });
    const key = dead!.fields['key']!;
    expect(expected.has(key)).toBe(true);
    expect(emulator.jobBySubmitId(key)).toBeUndefined();

    const dir = await mkdtemp(join(tmpdir(), 'exroute-dl-'));
    try {
      const configPath = join(dir, 'svc.yaml');
      await writeFile(
        configPath,
        `apiVersion: exroute/service/v1\nrules: [x]\nredis: { url: '${redis.url}', prefix: faults }\n`,
      );
      const run = async (...argv: string[]) => {
        const out = new PassThrough();
        let text = '';
        out.on('data', (chunk: Buffer) => (text += chunk.toString()));
        const code = await runCli(argv, {
          stdout: out,
          stderr: out,
          stdin: new PassThrough(),
          env: {},
          cwd: dir,
        });
        return { code, text };
      };
      const listed = await run('dead-letters', 'list', '--config', configPath, '--format', 'json');
      expect(listed.code).toBe(0);
      expect((JSON.parse(listed.text) as { id: string }[]).map((r) => r.id)).toEqual([dead!.id]);
      const shown = await run('dead-letters', 'show', dead!.id, '--config', configPath);
      expect(shown.code).toBe(0);
      expect((JSON.parse(shown.text) as { reason: string }).reason).toBe('EXR_DELIVERY_REJECTED');
      expect((await run('dead-letters', 'show', '0-1', '--config', configPath)).code).toBe(2);
      expect((await run('dead-letters', 'replay', dead!.id, '--config', configPath)).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await waitFor(() => emulator.jobBySubmitId(key) !== undefined, 20_000, 'the replayed key');
    expect(emulator.stats().accepted).toBe(expected.size);
    expect(await listDeadLetters(services[0]!.queue)).toHaveLength(0);
  }, 60_000);
});
