// Hot reload: an invalid rule change on disk keeps the old version serving and says why
// (log, /readyz, metric); a valid one is picked up without a restart.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService } from '../src/index.js';
import type { Service } from '../src/index.js';
import { testConfig, waitFor } from './helpers.js';

const RULES = (template: string): string => `apiVersion: exroute/v1
metadata: { name: reload-test, owner: ops@example.com }
recipients:
  ops: { email: [ops@example.com] }
templates:
  ${template}:
    id: EXS-FAILED
    channels: [email]
    subject: "Delivery failed"
rules:
  - id: failed-to-ops
    when: { type: delivery.failed }
    notify:
      - to: [ops]
        template: ${template}
`;

describe('hot reload from disk', () => {
  let dir: string;
  let service: Service;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exroute-reload-'));
    await writeFile(join(dir, 'rules.yaml'), RULES('failed'));
    const { mapping: _mapping, ...base } = testConfig();
    void _mapping;
    service = await createService(
      { ...base, rules: [dir], reload: { watch: true, debounceMs: 100 }, logLevel: 'info' },
      { logDestination: { write: (line: string) => void logs.push(line) } },
    );
  });
  afterAll(async () => {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the old version on an invalid change and reports every diagnostic', async () => {
    const before = service.ruleSetVersion();
    await writeFile(
      join(dir, 'rules.yaml'),
      RULES('failed').replace('template: failed', 'template: nonexistent'),
    );
    await waitFor(
      async () => {
        const ready = (await (await fetch(`${service.url}/readyz`)).json()) as {
          lastReloadRejected?: unknown;
        };
        return ready.lastReloadRejected !== undefined;
      },
      10_000,
      'the rejected reload',
    );
    expect(service.ruleSetVersion()).toBe(before);
    const ready = (await (await fetch(`${service.url}/readyz`)).json()) as {
      ruleSetVersion: string;
      lastReloadRejected: { diagnostics: { code: string; line: number }[] };
    };
    expect(ready.ruleSetVersion).toBe(before);
    expect(ready.lastReloadRejected.diagnostics[0]).toMatchObject({
      code: 'EXR_UNKNOWN_TEMPLATE',
      line: 15,
    });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/exroute_rule_reloads_total\{outcome="rejected"\} [1-9]/);
    expect(metrics).toMatch(/exroute_rule_reload_errors [1-9]/);
    const rejection = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => String(l['msg']).startsWith('rule reload rejected'));
    expect(rejection?.['ruleSetVersion']).toBe(before);
    expect(String((rejection?.['diagnostics'] as string[])[0])).toContain('EXR_UNKNOWN_TEMPLATE');
  });

  it('applies a valid change without a restart', async () => {
    const before = service.ruleSetVersion();
    await writeFile(join(dir, 'rules.yaml'), RULES('failed-v2'));
    await waitFor(() => service.ruleSetVersion() !== before, 10_000, 'the new version');
    const ready = (await (await fetch(`${service.url}/readyz`)).json()) as {
      ruleSetVersion: string;
      lastReloadRejected?: unknown;
    };
    expect(ready.ruleSetVersion).toBe(service.ruleSetVersion());
    expect(ready.lastReloadRejected).toBeUndefined();
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain(`exroute_rule_set_info{version="${service.ruleSetVersion()}"} 1`);
    expect(metrics).not.toContain(`exroute_rule_set_info{version="${before}"}`);
    expect(await service.reload()).toMatchObject({ outcome: 'unchanged' });
  });
});
