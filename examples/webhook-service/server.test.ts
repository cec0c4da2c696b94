import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Spawns the service exactly as a user would (built packages, real HTTP on 127.0.0.1) and points
// it at an emulator owned by this test, so the test can see what reached "Notifications".

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));

function trackingEvent(eventId: string, manifest: Record<string, unknown>, schemaType: string) {
  return {
    expctr: {
      schemaVersion: '1.0',
      schemaType,
      schemaSource: 'orchestration',
      tenant: 'acme-prod',
      eventId,
      eventDate: '2026-11-30T10:15:00Z',
    },
    exstreamJob: {
      campaignId: 'CAMP-2026-Q4',
      communicationId: 'COMM-OVERDUE-UK',
      contentType: 'application/pdf',
      creationTime: '2026-11-30T10:14:58Z',
      domain: 'uk-retail',
      status: 'success',
    },
    user: manifest,
  };
}

const overdueReminder = trackingEvent(
  'webhook-test-0001',
  {
    CustomerId: 'C-000812',
    DocumentType: 'overdue-payment-reminder',
    Region: 'UK',
    Priority: 'high',
  },
  'Exstream-Generated',
);
const failedLapseEmail = trackingEvent(
  'webhook-test-0002',
  {
    CustomerId: 'C-004512',
    DocumentType: 'policy-lapse-warning',
    Region: 'UK',
    CustomerEmail: 'customer@example.net',
  },
  'Exstream-Email-Failed',
);

interface Service {
  child: ChildProcessWithoutNullStreams;
  url: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startService(emulator: NotificationsEmulator): Promise<Service> {
  const child = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      EXROUTE_NOTIFICATIONS_URL: emulator.url,
      EXROUTE_AUTH_URL: emulator.authUrl,
      EXROUTE_TENANT: emulator.tenant,
      EXROUTE_CLIENT_ID: emulator.clientId,
      EXROUTE_CLIENT_SECRET: emulator.clientSecret,
    },
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match) resolve({ child, url: match[1]!, exit });
    });
    void exit.then(({ code }) => reject(new Error(`service exited with ${code}: ${stderr}`)));
  });
}

async function postEvents(url: string, body: unknown) {
  const response = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('webhook service example', () => {
  let emulator: NotificationsEmulator;
  let service: Service;

  beforeAll(async () => {
    emulator = await startEmulator();
    service = await startService(emulator);
  });

  afterAll(async () => {
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
    await emulator.close();
  });

  it('reports health with the rule-set version', async () => {
    const response = await fetch(`${service.url}/healthz`);
    const body = (await response.json()) as {
      status: string;
      ruleSetVersion: string;
      rules: number;
    };
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.ruleSetVersion).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(body.rules).toBeGreaterThan(40);
  });

  it('normalizes, routes and delivers posted events to Notifications', async () => {
    const { status, body } = await postEvents(service.url, [overdueReminder, failedLapseEmail]);
    expect(status).toBe(200);
    expect(body.events).toBe(2);
    expect(body.requests).toBeGreaterThan(0);
    expect(body.delivered).toBe(body.requests);
    expect(body.deadLettered).toBe(0);
    expect(emulator.jobs.size).toBe(body.requests);
    const destinations = [...emulator.jobs.values()].map((job) => JSON.stringify(job.body));
    expect(destinations.some((text) => text.includes('collections-uk@example.com'))).toBe(true);
    expect(destinations.some((text) => text.includes('back-office@example.com'))).toBe(true);
  });

  it('delivers a re-sent event once: the idempotency key is stable', async () => {
    const jobsBefore = emulator.jobs.size;
    const { status, body } = await postEvents(service.url, overdueReminder);
    expect(status).toBe(200);
    expect(body.delivered).toBeGreaterThan(0);
    expect(emulator.jobs.size).toBe(jobsBefore);
  });

  it('rejects a batch with an event it cannot normalize, and sends nothing', async () => {
    const receivedBefore = emulator.received.length;
    const { status, body } = await postEvents(service.url, [overdueReminder, { hello: 'world' }]);
    expect(status).toBe(400);
    const rejected = body.rejected as { index: number; diagnostics: { code: string }[] }[];
    expect(rejected.map((r) => r.index)).toEqual([1]);
    expect(rejected[0]!.diagnostics.length).toBeGreaterThan(0);
    expect(emulator.received.length).toBe(receivedBefore);
  });

  it('answers malformed JSON with 400 EXR_INVALID_JSON', async () => {
    const response = await fetch(`${service.url}/events`, { method: 'POST', body: '{"expctr":' });
    const body = (await response.json()) as { error: { code: string } };
    expect(response.status).toBe(400);
    expect(body.error.code).toBe('EXR_INVALID_JSON');
  });

  it('stops cleanly on SIGTERM', async () => {
    service.child.kill('SIGTERM');
    const { code, signal } = await service.exit;
    expect(signal).toBeNull();
    expect(code).toBe(0);
  });
});

describe('webhook service example with invalid rules', () => {
  it('refuses to start, printing every diagnostic, with exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exroute-webhook-'));
    try {
      const rules = join(dir, 'rules.yaml');
      await writeFile(
        rules,
        'apiVersion: exroute/v1\nrules:\n  - id: r\n    notify: [{ to: [nobody], template: none }]\n',
      );
      const failure = await promisify(execFile)(process.execPath, [SERVER], {
        env: { ...process.env, PORT: '0', EXROUTE_RULES: rules },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure.code).toBe(2);
      expect(failure.stderr).toContain('EXR_UNKNOWN_RECIPIENT');
      expect(failure.stderr).toContain('EXR_UNKNOWN_TEMPLATE');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
