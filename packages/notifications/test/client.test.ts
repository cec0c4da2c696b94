import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { openFileDeadLetterSink, readDeadLetters } from '@exroute/notifications';
import type { DeadLetteredResult, DeliveryEvent } from '@exroute/notifications';
import { startEmulator } from '@exroute/notifications/emulator';
import { clientFor, emailRequests, withTempDir } from './support/fixtures.js';
import { startEmulatorForFile } from './support/emulator-for-file.js';

const emulator = await startEmulatorForFile();

describe('send: retries', () => {
  it('503 then 200: one job, two attempts with the same key', async () => {
    const client = clientFor(emulator);
    const [request] = emailRequests(1);
    emulator.script.respond(503);
    const [result] = await client.send([request!]);
    expect(result).toMatchObject({ status: 'delivered', key: request!.key, attempts: 2 });
    expect(emulator.received.map((r) => [r.outcome, r.submitId])).toEqual([
      [503, request!.key],
      [200, request!.key],
    ]);
    expect(emulator.jobs.size).toBe(1);
    expect(emulator.jobBySubmitId(request!.key)?.submissions).toBe(1);
    expect(result).toMatchObject({ jobId: emulator.jobBySubmitId(request!.key)!.jobId });
    const sentBody = emulator.received[1]!.body as { options: { message_id: string } };
    expect(sentBody.options.message_id).toBe(request!.key);
  });

  it('429 with Retry-After in seconds waits exactly that long instead of the backoff', async () => {
    const waits: number[] = [];
    const client = clientFor(emulator, {
      random: () => 0.5,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    emulator.script.respond({ status: 429, retryAfter: 3 }, 503);
    const [result] = await client.send(emailRequests(1));
    expect(result!.status).toBe('delivered');
    // Retry-After: 3 → 3000 ms; the following 503 has none → full jitter: 0.5 * min(40, 5 * 2) = 5.
    expect(waits).toEqual([3000, 5]);
    expect(emulator.received.map((r) => r.outcome)).toEqual([429, 503, 200]);
  });

  it('429 with an HTTP-date Retry-After waits until that date', async () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    const waits: number[] = [];
    const client = clientFor(emulator, {
      now: () => now,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    emulator.script.respond({ status: 429, retryAfter: 'Mon, 02 Mar 2026 10:00:09 GMT' });
    const [result] = await client.send(emailRequests(1));
    expect(result!.status).toBe('delivered');
    expect(waits).toEqual([9000]);
  });

  it('caps a huge Retry-After at maxRetryAfterMs', async () => {
    const waits: number[] = [];
    const client = clientFor(emulator, {
      maxRetryAfterMs: 2500,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    emulator.script.respond({ status: 503, retryAfter: 86_400 });
    await client.send(emailRequests(1));
    expect(waits).toEqual([2500]);
  });

  it('a connection reset after the body was read is retried and the emulator counts one job', async () => {
    const client = clientFor(emulator);
    const [request] = emailRequests(1);
    emulator.script.resetAfterBody(1);
    const [result] = await client.send([request!]);
    expect(result).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(emulator.received.map((r) => r.outcome)).toEqual(['reset', 200]);
    expect(emulator.jobs.size).toBe(1);
    const job = emulator.jobBySubmitId(request!.key)!;
    expect(job.submissions).toBe(2);
    expect(result).toMatchObject({ jobId: job.jobId });
  });

  it('a timed-out attempt is retried with the same key and still yields one job', async () => {
    const client = clientFor(emulator, { attemptTimeoutMs: 100 });
    emulator.script.delay(400);
    const [request] = emailRequests(1);
    const [result] = await client.send([request!]);
    expect(result).toMatchObject({ status: 'delivered' });
    expect(result!.status === 'delivered' && result!.attempts).toBe(2);
    // The slow first request still completes on the server later: same key, same job.
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(emulator.jobs.size).toBe(1);
  });

  it('gives up after maxAttempts retryable failures and dead-letters every attempt', async () => {
    await withTempDir(async (dir) => {
      const sink = await openFileDeadLetterSink(join(dir, 'dead.jsonl'));
      const client = clientFor(emulator, { maxAttempts: 3, deadLetters: sink });
      emulator.script.respond(500, 502, { status: 503, body: { error: { code: 'MAINTENANCE' } } });
      const [result] = await client.send(emailRequests(1));
      await sink.close();
      expect(result).toMatchObject({
        status: 'dead-lettered',
        reason: 'EXR_DELIVERY_RETRIES_EXHAUSTED',
        attempts: 3,
        lastStatus: 503,
      });
      const [letter] = await readDeadLetters(sink.path);
      expect(letter!.attempts.map((a) => a.status)).toEqual([500, 502, 503]);
      expect(JSON.parse(letter!.lastBody!)).toEqual({ error: { code: 'MAINTENANCE' } });
      expect(emulator.jobs.size).toBe(0);
    });
  });
});

describe('send: never retried', () => {
  it('400 goes to the dead-letter file with request, attempt, status and body — sent once', async () => {
    await withTempDir(async (dir) => {
      const sink = await openFileDeadLetterSink(join(dir, 'dead.jsonl'));
      const client = clientFor(emulator, { deadLetters: sink });
      const [request] = emailRequests(1);
      const broken = { ...request!, body: { ...request!.body, destinations: [] } };
      const [result] = await client.send([broken]);
      await sink.close();
      expect(result).toMatchObject({
        status: 'dead-lettered',
        reason: 'EXR_DELIVERY_REJECTED',
        attempts: 1,
        lastStatus: 400,
      });
      expect(emulator.received).toHaveLength(1);
      const letters = await readDeadLetters(sink.path);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        key: broken.key,
        reason: 'EXR_DELIVERY_REJECTED',
        lastStatus: 400,
        request: broken,
      });
      expect(JSON.parse(letters[0]!.lastBody!)).toMatchObject({
        error: { code: 'INVALID_REQUEST', details: [{ pointer: '/destinations' }] },
      });
    });
  });

  it.each([
    [403, 'EXR_DELIVERY_REJECTED'],
    [404, 'EXR_DELIVERY_REJECTED'],
    [422, 'EXR_DELIVERY_REJECTED'],
    [308, 'EXR_DELIVERY_REDIRECT_REFUSED'],
  ])('%d is dead-lettered as %s after one attempt', async (status, reason) => {
    const client = clientFor(emulator);
    emulator.script.respond({ status, headers: { location: `${emulator.url}/elsewhere` } });
    const [result] = await client.send(emailRequests(1));
    expect(result).toMatchObject({
      status: 'dead-lettered',
      reason,
      attempts: 1,
      lastStatus: status,
    });
    expect(emulator.received).toHaveLength(1);
  });

  it('409 with a conflicting body is dead-lettered; 409 carrying a job id counts as delivered', async () => {
    const client = clientFor(emulator);
    const [first, second] = emailRequests(2);
    await client.send([first!]);
    const conflicting = { ...second!, key: first!.key };
    const [conflict] = await client.send([conflicting]);
    expect(conflict).toMatchObject({
      status: 'dead-lettered',
      reason: 'EXR_DELIVERY_CONFLICT',
      attempts: 1,
      lastStatus: 409,
    });
    emulator.script.respond({ status: 409, body: { job_id: 'emu-previous' } });
    const [duplicate] = await client.send([second!]);
    expect(duplicate).toMatchObject({ status: 'delivered', jobId: 'emu-previous', attempts: 1 });
  });

  it('an empty 409 (still in progress) is retried', async () => {
    const client = clientFor(emulator);
    emulator.script.respond(409);
    const [result] = await client.send(emailRequests(1));
    expect(result).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('2xx without job_id is dead-lettered as a bad response, not resent', async () => {
    const client = clientFor(emulator);
    emulator.script.respond({ status: 200, body: { ok: true } });
    const [result] = await client.send(emailRequests(1));
    expect(result).toMatchObject({
      status: 'dead-lettered',
      reason: 'EXR_DELIVERY_BAD_RESPONSE',
      attempts: 1,
    });
  });

  it('reads response bodies only up to maxResponseBytes', async () => {
    const client = clientFor(emulator, { maxResponseBytes: 256 });
    emulator.script.respond({ status: 400, body: 'x'.repeat(200_000) });
    const [result] = await client.send(emailRequests(1));
    expect((result as DeadLetteredResult).lastBody).toHaveLength(256);
  });
});

describe('send: tokens', () => {
  it('fetches one token for many requests', async () => {
    const client = clientFor(emulator, { maxInFlight: 8 });
    const results = await client.send(emailRequests(40));
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    expect(client.stats().tokenFetches).toBe(1);
  });

  it('token expiry mid-run: refreshed once on 401, nothing lost', async () => {
    const client = clientFor(emulator, { maxInFlight: 4 });
    const before = emulator.stats().tokensIssued;
    emulator.script.expireTokensAfter(10);
    const requests = emailRequests(50);
    const results = await client.send(requests);
    expect(results.map((r) => r.status)).toEqual(requests.map(() => 'delivered'));
    expect(emulator.jobs.size).toBe(50);
    expect([...emulator.jobs.values()].every((job) => job.submissions === 1)).toBe(true);
    expect(emulator.received.some((r) => r.outcome === 401)).toBe(true);
    expect(emulator.stats().tokensIssued - before).toBe(client.stats().tokenFetches);
    expect(client.stats().tokenFetches).toBe(2);
  });

  it('refreshes a token before it expires, without a 401', async () => {
    const shortLived = await startEmulator({ tokenTtlSeconds: 1 });
    try {
      const client = clientFor(shortLived, { tokenRefreshSkewMs: 60_000 });
      await client.send(emailRequests(1, 'a'));
      await new Promise((resolve) => setTimeout(resolve, 600));
      await client.send(emailRequests(1, 'b'));
      expect(client.stats().tokenFetches).toBe(2);
      expect(shortLived.received.map((r) => r.outcome)).toEqual([200, 200]);
    } finally {
      await shortLived.close();
    }
  });

  it('a second 401 after a fresh token is dead-lettered as unauthorized', async () => {
    const client = clientFor(emulator);
    emulator.script.respond(401, 401);
    const [result] = await client.send(emailRequests(1));
    expect(result).toMatchObject({
      status: 'dead-lettered',
      reason: 'EXR_DELIVERY_UNAUTHORIZED',
      attempts: 2,
    });
  });

  it('a token endpoint 503 is retried like any transient failure', async () => {
    const client = clientFor(emulator);
    emulator.script.tokenRespond(503);
    const [result] = await client.send(emailRequests(1));
    expect(result).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(client.stats().tokenFetches).toBe(2);
  });
});

describe('secrets', () => {
  it('never appear in results, dead letters, events or errors', async () => {
    const secret = 'S3cr3t-value-never-to-be-seen';
    const guarded = await startEmulator({ clientSecret: secret });
    try {
      await withTempDir(async (dir) => {
        const sink = await openFileDeadLetterSink(join(dir, 'dead.jsonl'));
        const events: DeliveryEvent[] = [];
        const onEvent = (event: DeliveryEvent) => events.push(event);
        const good = clientFor(guarded, { deadLetters: sink, onEvent, maxAttempts: 2 });
        guarded.script.respond(503, 400);
        guarded.script.resetAfterBody(1);
        const goodResults = await good.send(emailRequests(3));
        guarded.script.expireTokens();
        goodResults.push(...(await good.send(emailRequests(1, 'later'))));
        const wrong = clientFor(guarded, {
          clientSecret: `${secret}-wrong`,
          deadLetters: sink,
          onEvent,
        });
        const wrongResults = await wrong.send(emailRequests(1, 'wrong'));
        await sink.close();
        expect(wrongResults[0]).toMatchObject({
          status: 'dead-lettered',
          reason: 'EXR_DELIVERY_AUTH_FAILED',
        });

        const errors: unknown[] = [];
        try {
          clientFor(guarded, {
            clientSecret: secret,
            baseUrl: `http://user:${secret}@127.0.0.1:1`,
          });
        } catch (error) {
          errors.push(error);
        }
        expect(errors).toHaveLength(1);

        const everything = [
          JSON.stringify(goodResults),
          JSON.stringify(wrongResults),
          JSON.stringify(events),
          await readFile(sink.path, 'utf8'),
          ...errors.map((e) => `${String(e)} ${JSON.stringify(e)} ${(e as Error).stack ?? ''}`),
        ].join('\n');
        const basic = Buffer.from(`${guarded.clientId}:${secret}`).toString('base64');
        expect(everything).not.toContain(secret);
        expect(everything).not.toContain(basic);
        expect(guarded.issuedTokens.length).toBeGreaterThan(0);
        for (const token of guarded.issuedTokens) expect(everything).not.toContain(token);
      });
    } finally {
      await guarded.close();
    }
  });
});
