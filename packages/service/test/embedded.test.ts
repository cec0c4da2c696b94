import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../src/index.js';
import type { Service } from '../src/index.js';
import { expectedKeys, INGEST, post, sampleRaw, testConfig, waitFor } from './helpers.js';

describe('embedded service (in-process queue, emulator)', () => {
  let service: Service;
  beforeAll(async () => {
    service = await createService(testConfig());
  });
  afterAll(async () => {
    await service.stop();
  });

  it('routes posted raw events to the emulator, each expected key exactly once', async () => {
    const raws = sampleRaw(300);
    const expected = await expectedKeys(raws);
    expect(expected.size).toBeGreaterThan(0);
    const half = raws.length / 2;
    const asArray = await post(
      `${service.url}/v1/events`,
      JSON.stringify(raws.slice(0, half)),
      INGEST,
    );
    expect(asArray.status).toBe(202);
    const lines = raws
      .slice(half)
      .map((r) => JSON.stringify(r))
      .join('\n');
    const asLines = await post(`${service.url}/v1/events`, lines, {
      ...INGEST,
      'content-type': 'application/x-ndjson',
    });
    expect(asLines.status).toBe(202);
    expect((asLines.body as { accepted: unknown[] }).accepted).toHaveLength(raws.length - half);
    const emulator = service.emulator!;
    await waitFor(() => emulator.stats().accepted >= expected.size, 20_000, 'every expected job');
    for (const key of expected) expect(emulator.jobBySubmitId(key)?.submissions).toBe(1);
    expect(emulator.stats().accepted).toBe(expected.size);
  });

  it('reports readiness, version and metrics', async () => {
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { ruleSetVersion: string; consumerGroup: boolean };
    expect(body.ruleSetVersion).toBe(service.ruleSetVersion());
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/exroute_events_accepted_total\{via="http"\} 300/);
    expect(metrics).toContain(`exroute_rule_set_info{version="${service.ruleSetVersion()}"} 1`);
    expect(metrics).toMatch(/exroute_deliveries_total\{outcome="delivered"\} [1-9]/);
  });
});
