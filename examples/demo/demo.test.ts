import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Runs `node examples/demo/demo.mjs` exactly as `pnpm demo` does (built packages, a real
// emulator on 127.0.0.1) and checks that the numbers it reports add up.

const DEMO = fileURLToPath(new URL('./demo.mjs', import.meta.url));
const MIXED = fileURLToPath(new URL('./fixtures/mixed-events.jsonl', import.meta.url));

interface Named {
  name: string;
  count: number;
}
interface DemoSummary {
  clock: string;
  rules: { count: number; version: string };
  events: {
    read: number;
    normalized: number;
    rejected: number;
    rejectedByCode: Named[];
    byType: Named[];
    routedToNobody: number;
  };
  notifications: {
    total: number;
    byTemplateAndChannel: { templateId: string; channel: string; notifications: number }[];
    byTeam: Named[];
    deferredToBusinessHours: number;
  };
  delivery: {
    requests: number;
    delivered: number;
    deadLettered: number;
    failedAttemptsByReason: Named[];
    deadLettersByReason: Named[];
    deadLetterFileEntries: number;
    acceptedByEmulator: number;
  };
  timing: { totalMs: number; eventsPerSecond: number };
}

async function runDemo(...args: string[]): Promise<{ stdout: string }> {
  return promisify(execFile)(process.execPath, [DEMO, ...args], { maxBuffer: 16 * 1024 * 1024 });
}

async function demoSummary(...args: string[]): Promise<DemoSummary> {
  const { stdout } = await runDemo('--json', ...args);
  return JSON.parse(stdout) as DemoSummary;
}

// Each case spawns the demo; allow for a busy CI machine.
const DEMO_TIMEOUT_MS = 120_000;

const total = (entries: Named[]) => entries.reduce((sum, entry) => sum + entry.count, 0);

function expectConsistent(summary: DemoSummary): void {
  const { events, notifications, delivery } = summary;
  expect(events.read).toBe(events.normalized + events.rejected);
  expect(total(events.byType)).toBe(events.normalized);
  expect(total(events.rejectedByCode)).toBe(events.rejected);
  expect(events.routedToNobody).toBeLessThanOrEqual(events.normalized);
  expect(notifications.byTemplateAndChannel.reduce((sum, row) => sum + row.notifications, 0)).toBe(
    notifications.total,
  );
  expect(delivery.delivered + delivery.deadLettered).toBe(delivery.requests);
  expect(delivery.deadLetterFileEntries).toBe(delivery.deadLettered);
  expect(total(delivery.deadLettersByReason)).toBe(delivery.deadLettered);
  // The emulator de-duplicates on X-MRA-SubmitId: one job per delivered request, no more.
  expect(delivery.acceptedByEmulator).toBe(delivery.delivered);
}

describe('pnpm demo', () => {
  it(
    'routes the sample Exstream events and its numbers add up',
    async () => {
      const summary = await demoSummary();
      expect(summary.rules.version).toMatch(/^sha256:[0-9a-f]{16}$/);
      expect(summary.events.read).toBeGreaterThan(0);
      expect(summary.events.normalized).toBeGreaterThan(0);
      expect(summary.delivery.requests).toBeGreaterThan(0);
      // The emulator is scripted to reject exactly one request permanently.
      expect(summary.delivery.deadLettersByReason).toEqual([
        { name: 'EXR_DELIVERY_REJECTED', count: 1 },
      ]);
      expectConsistent(summary);
    },
    DEMO_TIMEOUT_MS,
  );

  it(
    'routes on a fixed clock by default, so its figures do not depend on the time of day',
    async () => {
      const [byDefault, saturday] = await Promise.all([
        demoSummary(),
        demoSummary('--at', '2026-03-07T12:00:00Z'),
      ]);
      expect(byDefault.clock).toBe('2026-03-02T07:30:00.000Z');
      expect(saturday.clock).toBe('2026-03-07T12:00:00.000Z');
      // Offices are closed on Saturday: the router saw the clock, so more notifications wait.
      expect(saturday.notifications.deferredToBusinessHours).toBeGreaterThan(
        byDefault.notifications.deferredToBusinessHours,
      );
      await expect(runDemo('--at', 'yesterday')).rejects.toMatchObject({ code: 2 });
    },
    DEMO_TIMEOUT_MS,
  );

  it(
    'reports exact counts for a known mix of good and bad lines',
    async () => {
      const summary = await demoSummary('--events', MIXED);
      expectConsistent(summary);
      expect(summary.events.read).toBe(9);
      expect(summary.events.normalized).toBe(7);
      expect(summary.events.rejectedByCode).toEqual([
        { name: 'EXR_INVALID_JSON', count: 1 },
        { name: 'EXR_UNKNOWN_SHAPE', count: 1 },
      ]);
      expect(summary.events.byType.map((entry) => entry.name).sort()).toEqual([
        'batch.completed',
        'batch.failed',
        'communication.generated',
        'content.review_requested',
        'delivery.failed',
        'lifecycle.changed',
        'service.alert',
      ]);
      expect(summary.events.routedToNobody).toBe(0);
      expect(summary.delivery.failedAttemptsByReason).toEqual([
        { name: 'HTTP 503', count: 2 },
        { name: 'HTTP 400', count: 1 },
        { name: 'HTTP 429', count: 1 },
      ]);
      expect(summary.delivery.deadLettered).toBe(1);
    },
    DEMO_TIMEOUT_MS,
  );

  it(
    'prints a readable summary and exits 0',
    async () => {
      const { stdout } = await runDemo('--events', MIXED);
      expect(stdout).toMatch(/^Events +9 read/m);
      expect(stdout).toMatch(/^Dead letters 1/m);
      expect(stdout).toMatch(/events\/s end to end/);
    },
    DEMO_TIMEOUT_MS,
  );
});
