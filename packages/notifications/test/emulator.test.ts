import { describe, expect, it } from 'vitest';
import { startEmulator } from '@exroute/notifications/emulator';
import { emailRequests } from './support/fixtures.js';
import { startEmulatorForFile } from './support/emulator-for-file.js';

const emulator = await startEmulatorForFile();

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function token(): Promise<string> {
  const response = await fetch(`${emulator.authUrl}/tenants/${emulator.tenant}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: basic(emulator.clientId, emulator.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(response.status).toBe(200);
  const json = (await response.json()) as {
    access_token: string;
    token_type: string;
    expires_in: number;
  };
  expect(json.token_type).toBe('Bearer');
  expect(json.expires_in).toBe(3600);
  return json.access_token;
}

async function submit(
  body: unknown,
  headers: Record<string, string> = {},
  path = '/mra/v1/outbound/emails',
) {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await token()}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('emulator', () => {
  it.each([
    [basic('exroute-demo-client', 'wrong'), 'grant_type=client_credentials', 401, 'exroute-demo'],
    [
      basic('exroute-demo-client', 'exroute-demo-secret'),
      'grant_type=password',
      400,
      'exroute-demo',
    ],
    [
      basic('exroute-demo-client', 'exroute-demo-secret'),
      'grant_type=client_credentials',
      401,
      'other-tenant',
    ],
    ['', 'grant_type=client_credentials', 401, 'exroute-demo'],
  ])('token endpoint: %s / %s → %d', async (authorization, body, status, tenant) => {
    const response = await fetch(`${emulator.authUrl}/tenants/${tenant}/oauth2/token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(response.status).toBe(status);
  });

  it('validates bodies and answers 400 with JSON pointers', async () => {
    const { status, json } = await submit({
      destinations: [{ ref: 'a', email: 'nope', inserts: [{ id: 1 }] }],
      body: [{ name: 'x.txt', type: 'text', data: '***' }],
      options: { message_id: 'x'.repeat(81) },
    });
    expect(status).toBe(400);
    const details = (json['error'] as { details: { pointer: string }[] }).details.map(
      (d) => d.pointer,
    );
    expect(details).toEqual([
      '/destinations/0/email',
      '/destinations/0/inserts/0',
      '/options/message_id',
      '/body/0/data',
    ]);
    expect(emulator.jobs.size).toBe(0);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const { status, json } = await submit('{oops');
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { code: 'INVALID_JSON' } });
  });

  it('de-duplicates on X-MRA-SubmitId and refuses a different body under the same id', async () => {
    const [a, b] = emailRequests(2);
    const first = await submit(a!.body, { 'x-mra-submitid': 'k-1' });
    const again = await submit(a!.body, { 'x-mra-submitid': 'k-1' });
    const other = await submit(b!.body, { 'x-mra-submitid': 'k-1' });
    expect(first.status).toBe(200);
    expect(again).toEqual({ status: 200, json: { job_id: first.json['job_id'] } });
    expect(other.status).toBe(409);
    expect(other.json).toMatchObject({ error: { code: 'SUBMIT_ID_CONFLICT' } });
    expect(emulator.jobs.size).toBe(1);
    expect(emulator.jobBySubmitId('k-1')?.submissions).toBe(2);
  });

  it('creates separate jobs when no submit id is given', async () => {
    const [a] = emailRequests(1);
    await submit(a!.body);
    await submit(a!.body);
    expect(emulator.jobs.size).toBe(2);
  });

  it('rejects requests without a valid token with 401', async () => {
    const [a] = emailRequests(1);
    const response = await fetch(`${emulator.url}/mra/v1/outbound/emails`, {
      method: 'POST',
      headers: { authorization: 'Bearer forged', 'content-type': 'application/json' },
      body: JSON.stringify(a!.body),
    });
    expect(response.status).toBe(401);
    expect(emulator.received.map((r) => r.outcome)).toEqual([401]);
  });

  it('answers 413 to an oversized body and 404 to unknown routes', async () => {
    const small = await startEmulator({ maxBodyBytes: 100 });
    try {
      const big = await fetch(`${small.url}/mra/v1/outbound/emails`, {
        method: 'POST',
        body: 'x'.repeat(1000),
      });
      expect(big.status).toBe(413);
      const unknown = await fetch(`${small.url}/mra/v1/outbound/pigeons`, {
        method: 'POST',
        body: '{}',
      });
      expect(unknown.status).toBe(404);
    } finally {
      await small.close();
    }
  });

  it('down in 503 mode answers 503 until the outage ends', async () => {
    const [a] = emailRequests(1);
    emulator.script.down(10_000, 503);
    expect((await submit(a!.body)).status).toBe(503);
    emulator.reset();
    expect((await submit(a!.body)).status).toBe(200);
  });

  it('reports job status for accepted jobs', async () => {
    const [a] = emailRequests(1);
    const { json } = await submit(a!.body);
    const response = await fetch(
      `${emulator.url}/mra/v1/outbound/emails/status?job_id=${String(json['job_id'])}`,
      {
        headers: { authorization: `Bearer ${await token()}` },
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      job_id: json['job_id'],
      job_state: ['Complete', 'Posted'],
    });
  });
});
