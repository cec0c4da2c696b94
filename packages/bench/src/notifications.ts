/**
 * The @exroute/notifications benchmark: requests per second delivered to the loopback emulator
 * by `createNotificationsClient` — without and with the fsynced file outbox — next to a baseline
 * measured in the same run: bare keep-alive node:http POSTs of the same bodies (no token
 * handling, retries, result records or outbox).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedEvent, RoutingDecision } from '@exroute/core';
import {
  createNotificationsClient,
  openFileOutbox,
  toNotificationRequests,
} from '@exroute/notifications';
import type { NotificationRequest } from '@exroute/notifications';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';

/** How much to send; the defaults are the documented full run. */
export interface NotificationsBenchOptions {
  /** Requests per cell; default 3,000. */
  requests?: number;
  /** Requests in flight; default 1, 8 (the client default) and 32. */
  concurrency?: readonly number[];
  /** Where the table goes; default `console.log`. */
  print?: (line: string) => void;
}

/** One row of the table. */
export interface NotificationsBenchRow {
  concurrency: number;
  /** Bare node:http POSTs per second (the baseline). */
  rawHttp: number;
  /** `client.send` without an outbox. */
  client: number;
  /** `client.send` with the JSON Lines outbox (one fsync per batch, compaction every 1,000). */
  clientWithOutbox: number;
  /** Whether every client request ended `delivered`, each as exactly one emulator job. */
  allDelivered: boolean;
}

/** Runs the delivery benchmark and prints a Markdown table with ratios against bare HTTP. */
export async function runNotificationsBench(
  options: NotificationsBenchOptions = {},
): Promise<NotificationsBenchRow[]> {
  const print = options.print ?? console.log;
  const total = options.requests ?? 3_000;
  const levels = options.concurrency ?? [1, 8, 32];
  const emulator = await startEmulator();
  const dir = await mkdtemp(join(tmpdir(), 'exroute-bench-notifications-'));
  const rows: NotificationsBenchRow[] = [];
  let batch = 0;
  try {
    for (const concurrency of levels) {
      const next = (): NotificationRequest[] => buildRequests(total, `b${(batch += 1)}`);
      const rawHttp = await measureRawHttp(emulator, next(), concurrency);
      emulator.reset();
      const plain = await measureClient(emulator, next(), concurrency);
      emulator.reset();
      const outboxPath = join(dir, `outbox-${concurrency}.jsonl`);
      const withOutbox = await measureClient(emulator, next(), concurrency, outboxPath);
      emulator.reset();
      rows.push({
        concurrency,
        rawHttp,
        client: plain.perSecond,
        clientWithOutbox: withOutbox.perSecond,
        allDelivered: plain.allDelivered && withOutbox.allDelivered,
      });
    }
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
  print('');
  print(
    `## @exroute/notifications — requests/s to the loopback emulator (${total} requests per cell)`,
  );
  print('');
  print(
    '| in flight | bare node:http | client | ratio | client + outbox | ratio | all delivered once |',
  );
  print('|---:|---:|---:|---:|---:|---:|:---:|');
  for (const row of rows) {
    print(
      `| ${row.concurrency} | ${fmt(row.rawHttp)} | ${fmt(row.client)} | ${ratio(row.client, row.rawHttp)} | ${fmt(row.clientWithOutbox)} | ${ratio(row.clientWithOutbox, row.rawHttp)} | ${row.allDelivered ? 'yes' : 'NO'} |`,
    );
  }
  return rows;
}

async function measureClient(
  emulator: NotificationsEmulator,
  requests: NotificationRequest[],
  concurrency: number,
  outboxPath?: string,
): Promise<{ perSecond: number; allDelivered: boolean }> {
  const outbox = outboxPath !== undefined ? await openFileOutbox(outboxPath) : undefined;
  const client = createNotificationsClient({
    ...emulator.clientConfig,
    maxInFlight: concurrency,
    ...(outbox !== undefined ? { outbox } : {}),
  });
  // Warm-up: token fetch and connection set-up are not what is measured.
  await client.send(buildRequests(concurrency, `warm-${concurrency}-${outboxPath ?? 'plain'}`));
  const jobsBefore = emulator.jobs.size;
  const started = performance.now();
  const results = await client.send(requests);
  const elapsed = performance.now() - started;
  await client.close();
  await outbox?.close();
  const allDelivered =
    results.every((r) => r.status === 'delivered') &&
    emulator.jobs.size - jobsBefore === requests.length;
  return { perSecond: (requests.length / elapsed) * 1000, allDelivered };
}

async function measureRawHttp(
  emulator: NotificationsEmulator,
  requests: NotificationRequest[],
  concurrency: number,
): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const token = await fetchToken(emulator, agent);
  const url = new URL(emulator.url);
  const post = (request: NotificationRequest): Promise<void> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(request.body);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: request.path,
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-mra-submitid': request.key,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next] as NotificationRequest;
        next += 1;
        await post(request);
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  return (requests.length / elapsed) * 1000;
}

function fetchToken(emulator: NotificationsEmulator, agent: Agent): Promise<string> {
  const url = new URL(`${emulator.authUrl}/tenants/${emulator.tenant}/oauth2/token`);
  const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64');
  const body = 'grant_type=client_credentials';
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            access_token: string;
          };
          resolve(json.access_token);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Realistic requests: two email recipients, three params, one per synthetic event. */
function buildRequests(count: number, prefix: string): NotificationRequest[] {
  const requests: NotificationRequest[] = [];
  for (let i = 0; i < count; i += 1) {
    const event: NormalizedEvent = {
      id: `${prefix}-${i}`,
      source: 'exstream/bench',
      type: 'delivery.failed',
      time: '2026-03-02T10:15:00Z',
      correlationId: `job-${i}`,
      data: {},
    };
    const decision: RoutingDecision = {
      eventId: event.id,
      ruleSetVersion: 'sha256:bench000000000000',
      matched: [{ ruleId: 'bench', file: 'bench.yaml', line: 1 }],
      notifications: [
        {
          template: 'delivery-failed',
          templateId: 'EXS-DELIVERY-FAILED',
          channel: 'email',
          recipients: [
            { key: 'ops', address: 'ops@example.com' },
            { key: 'alice', address: 'alice@example.com' },
          ],
          subject: `Delivery failed for job-${i}`,
          params: { document: 'invoice', region: 'UK', job: `job-${i}` },
          ruleIds: ['bench'],
        },
      ],
    };
    requests.push(...toNotificationRequests(decision, event).requests);
  }
  return requests;
}

function fmt(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}×`;
}
