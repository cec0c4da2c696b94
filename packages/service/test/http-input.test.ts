// Hostile and malformed input over HTTP: a clear status and JSON error, the service stays up,
// nothing reaches the events stream; and both answers to a request mixing good and bad events.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../src/index.js';
import type { Service } from '../src/index.js';
import { ADMIN, INGEST, post, sampleRaw, testConfig } from './helpers.js';

/** Entries appended to the events stream since start (the stream itself is trimmed as it is consumed). */
async function eventsInStream(service: Service): Promise<number> {
  const counted = await service.metrics.eventsAccepted.get();
  return counted.values.reduce((sum, v) => sum + v.value, 0);
}

function errorCode(body: unknown): string | undefined {
  return (body as { error?: { code?: string } }).error?.code;
}

describe('POST /v1/events refuses bad input', () => {
  let service: Service;
  beforeAll(async () => {
    service = await createService(
      testConfig({ workers: { ...testConfig().workers, concurrency: 1 } }),
    );
  });
  afterAll(async () => {
    await service.stop();
  });

  const cases: {
    name: string;
    body: () => string;
    headers: Record<string, string>;
    status: number;
    code: string;
  }[] = [
    {
      name: 'missing token',
      body: () => JSON.stringify(sampleRaw(1)),
      headers: {},
      status: 401,
      code: 'EXR_HTTP_UNAUTHORIZED',
    },
    {
      name: 'wrong token',
      body: () => JSON.stringify(sampleRaw(1)),
      headers: { authorization: 'Bearer ingest-secret-tokeN' },
      status: 401,
      code: 'EXR_HTTP_UNAUTHORIZED',
    },
    {
      name: 'admin token on ingest',
      body: () => JSON.stringify(sampleRaw(1)),
      headers: ADMIN,
      status: 401,
      code: 'EXR_HTTP_UNAUTHORIZED',
    },
    {
      name: 'wrong content type',
      body: () => JSON.stringify(sampleRaw(1)),
      headers: { ...INGEST, 'content-type': 'text/plain' },
      status: 415,
      code: 'EXR_HTTP_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'truncated JSON',
      body: () => JSON.stringify(sampleRaw(2)).slice(0, -7),
      headers: INGEST,
      status: 400,
      code: 'EXR_HTTP_INVALID_JSON',
    },
    {
      name: 'oversized body',
      body: () => 'x'.repeat(300 * 1024),
      headers: INGEST,
      status: 413,
      code: 'EXR_HTTP_BODY_TOO_LARGE',
    },
    {
      name: 'too many events',
      body: () => JSON.stringify(Array.from({ length: 501 }, () => ({}))),
      headers: INGEST,
      status: 413,
      code: 'EXR_HTTP_TOO_MANY_EVENTS',
    },
    {
      name: '10,000-deep nesting',
      body: () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      headers: INGEST,
      status: 400,
      code: 'EXR_HTTP_INVALID_EVENTS',
    },
    {
      name: '10,000-deep object',
      body: () => `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      headers: INGEST,
      status: 400,
      code: 'EXR_HTTP_INVALID_EVENTS',
    },
    {
      name: '__proto__ key',
      body: () => {
        const raw = JSON.stringify(sampleRaw(1)[0]);
        return `${raw.slice(0, -1)},"__proto__":{"polluted":true}}`;
      },
      headers: INGEST,
      status: 400,
      code: 'EXR_HTTP_INVALID_EVENTS',
    },
    {
      name: 'empty array',
      body: () => '[]',
      headers: INGEST,
      status: 400,
      code: 'EXR_HTTP_NO_EVENTS',
    },
    {
      name: 'a number',
      body: () => '42',
      headers: INGEST,
      status: 400,
      code: 'EXR_HTTP_INVALID_EVENTS',
    },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.code}, nothing appended`, async () => {
      const before = await eventsInStream(service);
      const answer = await post(`${service.url}/v1/events`, c.body(), c.headers);
      expect(answer.status).toBe(c.status);
      expect(errorCode(answer.body)).toBe(c.code);
      expect(await eventsInStream(service)).toBe(before);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    });
  }

  it('refuses a body larger than announced as soon as the limit is passed (chunked, no length)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${service.url}/v1/events`, {
        method: 'POST',
        headers: { ...INGEST, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 5; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });

  it('answers unknown paths and wrong methods with JSON errors', async () => {
    const missing = await fetch(`${service.url}/nope`);
    expect(missing.status).toBe(404);
    expect(errorCode(await missing.json())).toBe('EXR_HTTP_NOT_FOUND');
    const wrong = await fetch(`${service.url}/v1/events`);
    expect(wrong.status).toBe(405);
  });

  it('mixed request, partialBatches reject: 400 with per-event diagnostics, nothing appended', async () => {
    const before = await eventsInStream(service);
    const [good] = sampleRaw(1, 99);
    const answer = await post(
      `${service.url}/v1/events`,
      JSON.stringify([good, { what: 'not exstream' }]),
      INGEST,
    );
    expect(answer.status).toBe(400);
    const body = answer.body as {
      accepted: unknown[];
      rejected: { index: number; diagnostics: { code: string }[] }[];
    };
    expect(body.accepted).toEqual([]);
    expect(body.rejected.map((r) => r.index)).toEqual([1]);
    expect(body.rejected[0]!.diagnostics[0]!.code).toBe('EXR_UNKNOWN_SHAPE');
    expect(await eventsInStream(service)).toBe(before);
  });
});

describe('POST /v1/events with partialBatches accept-valid', () => {
  let service: Service;
  beforeAll(async () => {
    const base = testConfig();
    service = await createService({
      ...base,
      http: { ...base.http, partialBatches: 'accept-valid' },
    });
  });
  afterAll(async () => {
    await service.stop();
  });

  it('appends the good events and lists the bad ones', async () => {
    const before = await eventsInStream(service);
    const [a, b] = sampleRaw(2, 5);
    const answer = await post(
      `${service.url}/v1/events`,
      JSON.stringify([a, { nope: 1 }, b]),
      INGEST,
    );
    expect(answer.status).toBe(400);
    const body = answer.body as {
      accepted: { index: number; entry: string }[];
      rejected: { index: number }[];
    };
    expect(body.accepted.map((x) => x.index)).toEqual([0, 2]);
    expect(body.rejected.map((x) => x.index)).toEqual([1]);
    expect(await eventsInStream(service)).toBe(before + 2);
  });
});
