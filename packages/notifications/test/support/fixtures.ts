import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedEvent, RoutedNotification, RoutingDecision } from '@exroute/core';
import { createNotificationsClient, toNotificationRequests } from '@exroute/notifications';
import type {
  NotificationRequest,
  NotificationsClient,
  NotificationsClientConfig,
  OutboxLine,
} from '@exroute/notifications';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';

export function sampleEvent(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    id: 'evt-1',
    source: 'exstream/acme-prod',
    type: 'delivery.failed',
    time: '2026-03-02T10:00:00Z',
    correlationId: 'job-4711',
    documentType: 'invoice',
    region: 'UK',
    data: {},
    ...overrides,
  };
}

export function emailNotification(overrides: Partial<RoutedNotification> = {}): RoutedNotification {
  return {
    template: 'delivery-failed',
    templateId: 'EXS-DELIVERY-FAILED',
    channel: 'email',
    recipients: [
      { key: 'ops-uk', address: 'ops-uk@example.com' },
      { key: 'alice', address: 'alice@example.com', via: ['legal'] },
    ],
    subject: 'Delivery failed for job-4711',
    params: { document: 'invoice', region: 'UK' },
    severity: 'high',
    ruleIds: ['delivery-failed-uk'],
    ...overrides,
  };
}

export function sampleDecision(
  notifications: RoutedNotification[] = [emailNotification()],
): RoutingDecision {
  return {
    eventId: 'evt-1',
    ruleSetVersion: 'sha256:0123456789abcdef',
    matched: [{ ruleId: 'delivery-failed-uk', file: 'rules/uk.yaml', line: 12 }],
    notifications,
  };
}

/** `count` distinct email requests, one per event id, built by the real mapper. */
export function emailRequests(count: number, prefix = 'evt'): NotificationRequest[] {
  const requests: NotificationRequest[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = sampleEvent({ id: `${prefix}-${i}` });
    requests.push(...toNotificationRequests(sampleDecision(), event).requests);
  }
  return requests;
}

/** A client aimed at the emulator, with fast backoff so retries do not slow the suite. */
export function clientFor(
  emulator: NotificationsEmulator,
  overrides: Partial<NotificationsClientConfig> = {},
): NotificationsClient {
  return createNotificationsClient({
    ...emulator.clientConfig,
    backoff: { baseMs: 5, capMs: 40 },
    attemptTimeoutMs: 2_000,
    ...overrides,
  });
}

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'exroute-notifications-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every line of the outbox file at `path`, parsed, in file order. */
export async function outboxLines(path: string): Promise<OutboxLine[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutboxLine);
}
