// Acknowledging a real open escalation through the admin API, end to end: events posted over
// HTTP open two escalations of the default rules (legal-review-overdue); one is acknowledged with
// the admin token, the other is not. The dispatcher runs on a clock the test moves (the service's
// `dispatcherFor` hook), so the first step falls due without waiting days: the un-acknowledged
// twin sends its step to the emulator, the acknowledged one does not.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, createMemoryStore } from '@exroute/dispatch';
import type { Dispatcher, Outgoing, Verdict } from '@exroute/dispatch';
import { createService } from '../src/index.js';
import type { Service } from '../src/index.js';
import { wireKey } from '../src/workers/outgoing-request.js';
import { ADMIN, INGEST, post, testConfig, waitFor } from './helpers.js';

const scenario = readFileSync(
  fileURLToPath(new URL('../../../examples/demo/policy-scenario.jsonl', import.meta.url)),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Record<string, unknown>);
/** Two legal reviews (UK and FR) the default rules route with `escalate: legal-review-overdue`. */
const reviews = ['policy-demo-019', 'policy-demo-020'].map((id) => {
  const raw = scenario.find((r) => r['id'] === id);
  if (raw === undefined) throw new Error(`the demo scenario lost ${id}`);
  return raw;
});

async function call(url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('acknowledging a real open escalation over the admin API', () => {
  // Monday 2 March 2026, after both reviews were requested; moved forward by the test.
  let now = Date.parse('2026-03-02T08:00:00Z');
  const store = createMemoryStore();
  const verdicts = new Map<string, Verdict[]>();
  const ticked: Outgoing[] = [];
  let ticks = 0;
  const logs: Record<string, unknown>[] = [];
  let service: Service;

  beforeAll(async () => {
    service = await createService(
      testConfig({
        logLevel: 'info',
        workers: { ...testConfig().workers, tickIntervalMs: 50 },
      }),
      {
        logDestination: {
          write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>),
        },
        // The real dispatcher on a clock the test controls; calls pass through unchanged and
        // are only recorded (verdicts to find the escalation keys, tick output to see steps).
        dispatcherFor: (ruleSet) => {
          const real = createDispatcher({ ruleSet, store, clock: () => new Date(now) });
          const recording: Dispatcher = Object.create(real) as Dispatcher;
          recording.ingest = async (event, decision) => {
            const result = await real.ingest(event, decision);
            verdicts.set(event.id, result.verdicts);
            return result;
          };
          // The service persists due messages through `persist` before they are confirmed.
          recording.tick = async (persist) => {
            const out = await real.tick(persist);
            ticked.push(...out);
            ticks++;
            return out;
          };
          return recording;
        },
      },
    );
  }, 30_000);
  afterAll(async () => {
    await service.stop();
    await store.close();
  });

  it('stops the acknowledged escalation only, says so on a second acknowledge, and logs who and why', async () => {
    const ingest = await post(`${service.url}/v1/events`, JSON.stringify(reviews), INGEST);
    expect(ingest.status).toBe(202);
    await waitFor(() => verdicts.size === 2, 20_000, 'both reviews dispatched');
    const keyOf = (id: string): string => {
      const keys = verdicts.get(id)?.flatMap((v) => v.escalations ?? []) ?? [];
      expect(keys, `escalations of ${id}`).toHaveLength(1);
      return keys[0]!;
    };
    const acked = keyOf('policy-demo-019');
    const twin = keyOf('policy-demo-020');
    expect(acked).not.toBe(twin);
    const scopeOf = (key: string): string => key.slice(0, key.lastIndexOf(':'));
    const state = (key: string) => store.getEscalation({ scope: scopeOf(key), key });
    expect((await state(acked))?.status).toBe('open');
    expect((await state(twin))?.status).toBe('open');
    const firstStepDue = Math.max(
      (await state(acked))!.stepDueAt[0]!,
      (await state(twin))!.stepDueAt[0]!,
    );
    expect(firstStepDue).toBeGreaterThan(now);

    const ackUrl = `${service.url}/v1/escalations/${encodeURIComponent(acked)}/ack`;
    const who = { by: 'alice@example.com', reason: 'review approved by phone, ticket 812' };
    const refused = await call(ackUrl, who, INGEST);
    expect(refused.status).toBe(401);
    expect((await state(acked))?.status).toBe('open');
    const first = await call(ackUrl, who, ADMIN);
    expect(first).toEqual({ status: 200, body: { acknowledged: acked } });
    expect(await state(acked)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'alice@example.com',
    });

    // The first step falls due for both; only the twin may send it.
    now = firstStepDue + 60_000;
    const twinStep = (): Outgoing | undefined =>
      ticked.find((o) => o.escalation?.key === twin && o.escalation.step === 1);
    await waitFor(() => twinStep() !== undefined, 20_000, "the twin's first escalation step");
    const delivered = wireKey(twinStep()!.key);
    await waitFor(
      () => service.emulator?.jobBySubmitId(delivered) !== undefined,
      20_000,
      "the twin's step at the emulator",
    );
    // A few more ticks past the due time: the acknowledged escalation still sends nothing.
    const after = ticks;
    await waitFor(() => ticks >= after + 3, 10_000, 'three more ticks');
    expect(ticked.filter((o) => o.escalation?.key === acked)).toEqual([]);
    expect((await state(twin))?.stepsSent).toBe(1);
    expect((await state(acked))?.stepsSent).toBe(0);

    const second = await call(ackUrl, { by: 'bob@example.com', reason: 'closing it too' }, ADMIN);
    expect(second.status).toBe(409);
    expect((second.body['error'] as { code: string }).code).toBe('EXR_ESCALATION_ALREADY_STOPPED');
    expect((await state(acked))?.acknowledgedBy).toBe('alice@example.com');

    const audit = logs.filter((l) => l['audit'] === true && l['action'] === 'escalation.ack');
    expect(audit.map((l) => [l['by'], l['reason'], l['escalationKey'], l['outcome']])).toEqual([
      ['alice@example.com', 'review approved by phone, ticket 812', acked, 'acknowledged'],
      ['bob@example.com', 'closing it too', acked, 'already-stopped'],
    ]);
    for (const line of audit) expect(line['ruleSetVersion']).toBe(service.ruleSetVersion());
  }, 60_000);
});
