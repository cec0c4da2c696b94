// The admin API's HTTP contract: its own token, audit lines with who and why, validation.
// The policies themselves belong to @exroute/dispatch; until it is wired in, a small in-test
// dispatcher with in-memory silences stands in behind the same DispatchPort interface.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImmediateDispatcher, createService } from '../src/index.js';
import type { DispatchPort, Service, Silence } from '../src/index.js';
import { ADMIN, INGEST, post, testConfig } from './helpers.js';

function silencingDispatcher(): DispatchPort {
  const base = createImmediateDispatcher();
  const silences = new Map<string, Silence>();
  const acked = new Set<string>();
  return {
    ...base,
    supportsPolicies: true,
    acknowledge: (key) =>
      Promise.resolve(key === 'esc-1' && !acked.has(key) && acked.add(key) !== undefined),
    silence: (s) => {
      const silence: Silence = {
        id: `s${silences.size + 1}`,
        startsAt: s.startsAt ?? new Date().toISOString(),
        ...s,
      };
      silences.set(silence.id, silence);
      return Promise.resolve(silence);
    },
    expireSilence: (id) => Promise.resolve(silences.delete(id)),
    listSilences: () => Promise.resolve([...silences.values()]),
  };
}

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
      dispatcherFor: () => silencingDispatcher(),
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

  it('is off without an admin token, and 501 without policies', async () => {
    const off = await call(`${plain.url}/v1/silences`, 'GET', undefined, ADMIN);
    expect(off.status).toBe(403);
    expect((off.body['error'] as { code: string }).code).toBe('EXR_HTTP_ADMIN_DISABLED');
    const base = testConfig();
    const immediate = await createService(base);
    try {
      const answer = await call(`${immediate.url}/v1/silences`, 'GET', undefined, ADMIN);
      expect(answer.status).toBe(501);
      expect((answer.body['error'] as { code: string }).code).toBe('EXR_HTTP_NOT_SUPPORTED');
    } finally {
      await immediate.stop();
    }
  });

  it('creates, lists and expires silences, logging who and why', async () => {
    const created = await call(
      `${service.url}/v1/silences`,
      'POST',
      {
        when: { type: 'delivery.failed' },
        endsAt: '2030-01-01T00:00:00Z',
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

  it('acknowledges an escalation once, with who and why', async () => {
    const first = await call(
      `${service.url}/v1/escalations/esc-1/ack`,
      'POST',
      { by: 'carol@example.com', reason: 'called the customer' },
      ADMIN,
    );
    expect(first.status).toBe(200);
    const again = await call(
      `${service.url}/v1/escalations/esc-1/ack`,
      'POST',
      { by: 'carol@example.com', reason: 'twice' },
      ADMIN,
    );
    expect(again.status).toBe(404);
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
      body: '{"__proto__":{"polluted":1},"when":{},"endsAt":"2030-01-01T00:00:00Z","createdBy":"a","comment":"b"}',
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
