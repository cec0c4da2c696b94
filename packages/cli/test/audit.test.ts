// `exroute audit` end to end through runCli: filters over a crafted audit file, located errors
// for bad lines, --explain under the archived version after the rules changed, and usage errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter, loadRuleSet } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';
import { createDispatcher, createMemoryStore } from '@exroute/dispatch';
import { buildDecisionRecord } from '@exroute/dispatch/audit';
import { archiveRuleFiles, storeRuleArchive } from '@exroute/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './fixtures.js';
import { runInProcess } from './run-in-process.js';

const RULES_V1 = `apiVersion: exroute/v1
recipients:
  collections-uk: { email: [collections-uk@example.com] }
  compliance: { email: [compliance@example.com] }
templates:
  lapse: { id: EXS-LAPSE, channels: [email] }
rules:
  - id: lapse-to-collections
    when: { type: delivery.failed, region: [UK, IE] }
    notify: [{ to: [collections-uk], template: lapse }]
  - id: lapse-to-compliance
    when: { type: delivery.failed, data.amount: { greaterThan: 100 } }
    notify: [{ to: [compliance], template: lapse }]
`;
// The change under audit: the `in` list is narrowed, UK no longer goes to collections.
const RULES_V2 = RULES_V1.replace('region: [UK, IE]', 'region: [IE]');

let project: TempProject;
const run = (args: string[]) => runInProcess(args, { cwd: project.root });

function event(id: string, region: string, customer: string, amount: number): NormalizedEvent {
  return {
    id,
    source: 'exstream/test',
    type: 'delivery.failed',
    time: '2026-03-03T09:00:00Z',
    region,
    correlationId: `job-${region}`,
    data: { customerReference: customer, amount, note: 'not for the audit trail' },
  };
}

beforeAll(async () => {
  project = new TempProject();
  const rules = project.write('rules/rules.yaml', RULES_V1);
  const ruleSet = await loadRuleSet([rules]);
  const router = createRouter(ruleSet);
  const dispatcher = createDispatcher({ ruleSet, store: createMemoryStore() });
  const lines: string[] = [];
  const events = [
    event('e-uk', 'UK', 'CUST-1', 500),
    event('e-ie', 'IE', 'CUST-2', 50),
    event('e-de', 'DE', 'CUST-3', 20),
  ];
  for (const [i, e] of events.entries()) {
    const decision = router.route(e);
    const dispatched = await dispatcher.ingest(e, decision);
    lines.push(
      JSON.stringify(
        buildDecisionRecord({
          event: e,
          decision,
          verdicts: dispatched.verdicts,
          outgoing: dispatched.outgoing,
          at: new Date(Date.parse('2026-03-03T09:00:00Z') + i * 3_600_000),
          ruleSet,
        }),
      ),
    );
  }
  project.write('audit/audit.jsonl', `${lines.join('\n')}\n`);
  const archive = await archiveRuleFiles([rules], ruleSet.version);
  await storeRuleArchive(archive!, { directory: join(project.root, 'archive'), retentionMs: 1 });
  // The rules change after the events were audited.
  writeFileSync(rules, RULES_V2);
});
afterAll(() => project.remove());

const ids = (stdout: string): string[] =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { event: { id: string } }).event.id);

describe('exroute audit', () => {
  it('filters by customer, correlation, recipient, rule, event and time', async () => {
    const base = ['audit', '--file', 'audit/audit.jsonl', '--format', 'json'];
    expect(ids((await run([...base, '--customer', 'CUST-2'])).stdout)).toEqual(['e-ie']);
    expect(ids((await run([...base, '--correlation', 'job-UK'])).stdout)).toEqual(['e-uk']);
    expect(ids((await run([...base, '--recipient', 'collections-uk'])).stdout)).toEqual([
      'e-uk',
      'e-ie',
    ]);
    expect(ids((await run([...base, '--rule', 'lapse-to-compliance'])).stdout)).toEqual(['e-uk']);
    expect(ids((await run([...base, '--event', 'exstream/test/e-de'])).stdout)).toEqual(['e-de']);
    expect(
      ids(
        (await run([...base, '--since', '2026-03-03T10:00:00Z', '--until', '2026-03-03T11:00:00Z']))
          .stdout,
      ),
    ).toEqual(['e-ie']);
    const table = await run(['audit', '--file', 'audit/audit.jsonl', '--customer', 'CUST-1']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('lapse-to-collections@rules.yaml:8');
    expect(table.stdout).toContain('1 record(s)');
    expect(table.stdout).not.toContain('not for the audit trail');
  });

  it('lists bad lines at file:line and exits 1, still printing the good ones', async () => {
    const good = readFileSync(join(project.root, 'audit/audit.jsonl'), 'utf8').split('\n')[0]!;
    project.write(
      'bad/audit.jsonl',
      `${good}\n${good.slice(0, 40)}\n{"__proto__":{"x":1}}\n${'x'.repeat(10)}\n`,
    );
    const result = await run(['audit', '--file', 'bad/audit.jsonl', '--format', 'json']);
    expect(result.code).toBe(1);
    expect(ids(result.stdout)).toEqual(['e-uk']);
    const codes = [...result.stderr.matchAll(/audit\.jsonl:(\d+):1 {2}(EXR_[A-Z_]+)/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(codes).toEqual([
      '2 EXR_AUDIT_INVALID_JSON',
      '3 EXR_AUDIT_FORBIDDEN_KEY',
      '4 EXR_AUDIT_INVALID_JSON',
    ]);
  });

  it('--explain uses the archived version, whose answer differs from the current rules', async () => {
    const old = await run([
      'audit',
      '--file',
      'audit/audit.jsonl',
      '--archive',
      'archive',
      '--explain',
      'e-uk',
      '--format',
      'json',
    ]);
    expect(old.code).toBe(0);
    const explained = JSON.parse(old.stdout.trim()) as {
      agrees: boolean;
      explanation: { decision: { matched: { ruleId: string }[] } };
    };
    expect(explained.agrees).toBe(true);
    expect(explained.explanation.decision.matched.map((m) => m.ruleId)).toEqual([
      'lapse-to-collections',
      'lapse-to-compliance',
    ]);
    // The current rules say otherwise: UK is no longer routed to collections.
    writeFileSync(
      join(project.root, 'e-uk.json'),
      JSON.stringify(event('e-uk', 'UK', 'CUST-1', 500)),
    );
    const current = await run(['explain', '--rules', 'rules', 'e-uk.json', '--format', 'json']);
    const now = JSON.parse(current.stdout) as { decision: { matched: { ruleId: string }[] } };
    expect(now.decision.matched.map((m) => m.ruleId)).toEqual(['lapse-to-compliance']);
    const text = await run([
      'audit',
      '--file',
      'audit/audit.jsonl',
      '--archive',
      'archive',
      '--explain',
      'e-uk',
    ]);
    expect(text.stdout).toMatch(/rule-set version sha256:[0-9a-f]{16} \(from .*archive/);
  });

  it('says so with a stable code when the version is not available', async () => {
    const result = await run(['audit', '--file', 'audit/audit.jsonl', '--explain', 'e-uk']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('EXR_AUDIT_VERSION_UNAVAILABLE');
    expect(result.stdout).toBe('');
    const unknown = await run([
      'audit',
      '--file',
      'audit/audit.jsonl',
      '--explain',
      'nope',
      '--archive',
      'archive',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('EXR_AUDIT_EVENT_NOT_FOUND');
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await run(['audit'])).code).toBe(2);
    expect((await run(['audit', '--file', 'audit/audit.jsonl', '--since', 'yesterday'])).code).toBe(
      2,
    );
    expect((await run(['audit', '--file', 'audit/audit.jsonl', '--kind', 'everything'])).code).toBe(
      2,
    );
    const missing = await run(['audit', '--file', 'nowhere.jsonl']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('EXR_AUDIT_UNREADABLE');
  });
});
