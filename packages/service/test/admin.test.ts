// The admin API: its own token, audit lines with who and why, validation; silences and
// escalations are the real @exroute/dispatch dispatcher's (memory store in embedded mode).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Silence } from '@exroute/dispatch';
import { createService } from '../src/index.js';
import type { Service } from '../src/index.js';
import { ADMIN, INGEST, post, sampleRaw, testConfig, waitFor } from './helpers.js';

async function call(url: string, method: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('admin API', () => {
  let service: Service;
  let plain: Service;
  const logs: Record<string, unknown>[] = [];
  beforeAll(async () => {
    service = await createService(testConfig({ logLevel: 'info' }), {
      logDestination: {
        write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>),
      },
    });
    const base = testConfig();
    const { adminToken: _a, ...http } = base.http;
    void _a;
    plain = await createService({ ...base, http });
  });
  afterAll(async () => {
    await service.stop();
    await plain.stop();
  });

  it('needs the admin token, not the ingest token', async () => {
    expect((await call(`${service.url}/v1/silences`, 'GET', undefined, {})).status).toBe(401);
    expect((await call(`${service.url}/v1/silences`, 'GET', undefined, INGEST)).status).toBe(401);
    expect((await call(`${service.url}/v1/silences`, 'GET', undefined, ADMIN)).status).toBe(200);
    expect((await post(`${service.url}/v1/events`, '{}', ADMIN)).status).toBe(401);
  });

  it('is off without an admin token', async () => {
    const off = await call(`${plain.url}/v1/silences`, 'GET', undefined, ADMIN);
    expect(off.status).toBe(403);
    expect((off.body['error'] as { code: string }).code).toBe('EXR_HTTP_ADMIN_DISABLED');
  });

  it('creates, lists and expires silences, logging who and why', async () => {
    const created = await call(
      `${service.url}/v1/silences`,
      'POST',
      {
        when: { type: 'delivery.failed' },
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
        createdBy: 'alice@example.com',
        comment: 'maintenance window 42',
      },
      ADMIN,
    );
    expect(created.status).toBe(201);
    const id = String(created.body['id']);
    const listed = await call(`${service.url}/v1/silences`, 'GET', undefined, ADMIN);
    expect((listed.body['silences'] as Silence[]).map((s) => s.id)).toEqual([id]);
    const expired = await call(
      `${service.url}/v1/silences/${id}`,
      'DELETE',
      { by: 'bob@example.com', reason: 'window over' },
      ADMIN,
    );
    expect(expired.status).toBe(200);
    expect(
      (
        await call(
          `${service.url}/v1/silences/${id}`,
          'DELETE',
          { by: 'bob@example.com', reason: 'again' },
          ADMIN,
        )
      ).status,
    ).toBe(404);
    const audit = logs.filter((l) => l['audit'] === true);
    expect(audit.map((l) => [l['action'], l['by'], l['reason']])).toEqual([
      ['silence.create', 'alice@example.com', 'maintenance window 42'],
      ['silence.expire', 'bob@example.com', 'window over'],
      ['silence.expire', 'bob@example.com', 'again'],
    ]);
    for (const line of audit) expect(line['ruleSetVersion']).toBe(service.ruleSetVersion());
  });

  it('answers 404 for an escalation that is not open, and still logs who and why', async () => {
    const answer = await call(
      `${service.url}/v1/escalations/${encodeURIComponent('no/such-escalation')}/ack`,
      'POST',
      { by: 'carol@example.com', reason: 'called the customer' },
      ADMIN,
    );
    expect(answer.status).toBe(404);
    const audit = logs.find((l) => l['action'] === 'escalation.ack');
    expect(audit).toMatchObject({
      by: 'carol@example.com',
      reason: 'called the customer',
      escalationKey: 'no/such-escalation',
      found: false,
    });
  });

  it('a silence mutes matching notifications (verdict silenced)', async () => {
    const created = await call(
      `${service.url}/v1/silences`,
      'POST',
      {
        when: { type: 'delivery.failed' },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'dave@example.com',
        comment: 'known outage',
      },
      ADMIN,
    );
    expect(created.status).toBe(201);
    const raws = sampleRaw(300, 8);
    expect((await post(`${service.url}/v1/events`, JSON.stringify(raws), INGEST)).status).toBe(202);
    await waitFor(
      async () => {
        const text = await service.metrics.registry.getSingleMetricAsString(
          'exroute_dispatch_verdicts_total',
        );
        return /kind="silenced"\} [1-9]/.test(text);
      },
      20_000,
      'a silenced verdict',
    );
    const bad = await call(
      `${service.url}/v1/silences`,
      'POST',
      { when: { type: 'x' }, endsAt: 'tomorrow', createdBy: 'd', comment: 'e' },
      ADMIN,
    );
    expect(bad.status).toBe(400);
    expect((bad.body['error'] as { code: string }).code).toBe('EXR_DISPATCH_INVALID_SILENCE');
  });

  it('refuses admin calls without who and why, or with a bad body', async () => {
    const noWho = await call(
      `${service.url}/v1/escalations/esc-2/ack`,
      'POST',
      { reason: 'x' },
      ADMIN,
    );
    expect(noWho.status).toBe(400);
    const noWhen = await call(
      `${service.url}/v1/silences`,
      'POST',
      { endsAt: 'x', createdBy: 'a', comment: 'b' },
      ADMIN,
    );
    expect(noWhen.status).toBe(400);
    const proto = await fetch(`${service.url}/v1/silences`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: '{"__proto__":{"polluted":1},"when":{},"endsAt":"2099-01-01T00:00:00Z","createdBy":"a","comment":"b"}',
    });
    expect(proto.status).toBe(400);
    expect(((await proto.json()) as { error: { code: string } }).error.code).toBe(
      'EXR_HTTP_FORBIDDEN_KEY',
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const text = await fetch(`${service.url}/v1/silences`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
    const huge = await fetch(`${service.url}/v1/silences`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'x'.repeat(100_000) }),
    });
    expect(huge.status).toBe(413);
  });
});
