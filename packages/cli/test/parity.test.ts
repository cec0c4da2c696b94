import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@exroute/notifications/emulator';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';
import { TempProject, emulatorEnv } from './fixtures.js';
import { runInProcess } from './run-in-process.js';

// What the libraries can do, the CLI can do: normalize with a mapping file, show only matched
// rules, never send a deferred notification early, and say what --filter does to coverage.

const MAPPING = `apiVersion: exroute/v1
kind: ExstreamMapping
rules:
  - match: { communicationId: "COMM-LAPSE-*" }
    set: { documentType: policy-lapse-warning }
  - match: { domain: "jp-*" }
    set: { region: JP }
`;

// One rule needs the mapping's documentType; the other defers to office hours (09:00-17:00 UTC).
const RULES = `apiVersion: exroute/v1
calendars:
  office: { timezone: UTC, days: [mon, tue, wed, thu, fri], hours: ["09:00-17:00"] }
regionCalendars: { JP: office }
recipients:
  duty: { email: duty@example.com }
templates:
  lapse: { id: EXS-LAPSE, channels: [email] }
  digest: { id: EXS-DIGEST, channels: [email] }
rules:
  - id: lapse-warning
    description: lapse warnings go to the duty supervisor
    when: { documentType: policy-lapse-warning }
    notify: [{ to: [duty], template: lapse }]
  - id: lapse-digest
    description: a digest of lapse warnings, in office hours only
    when: { documentType: policy-lapse-warning }
    notify: [{ to: [duty], template: digest, deferUntil: businessHours }]
`;

const SUITE = `suite: lapse
rules: [../rules]
defaults: { source: exstream/test, time: "2026-11-30T10:00:00Z", type: communication.generated }
cases:
  - name: lapse warning reaches duty
    event: { documentType: policy-lapse-warning, region: JP, data: {} }
    expect: { rules: [lapse-warning, lapse-digest] }
  - name: invoice reaches nobody
    event: { documentType: invoice, data: {} }
    expect: { none: true }
`;

const RAW = JSON.stringify({
  expctr: {
    schemaVersion: '1.0',
    schemaType: 'Exstream-EmailChannel',
    tenant: 't-1',
    eventId: 'e-1',
    eventDate: '2026-03-02T07:00:07.002Z',
  },
  exstreamJob: {
    communicationId: 'COMM-LAPSE-0001',
    domain: 'jp-insurance',
    status: 'success',
    creationTime: '2026-03-02T06:54:57.184Z',
  },
});

let project: TempProject;
beforeAll(() => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES);
  project.write('mapping.yaml', MAPPING);
  project.write('raw.json', RAW);
  project.write('tests/lapse.suite.yaml', SUITE);
  project.write(
    'lapse.json',
    JSON.stringify({
      id: 'ev-1',
      source: 'exstream/test',
      type: 'communication.generated',
      time: '2099-06-06T20:00:00Z',
      documentType: 'policy-lapse-warning',
      region: 'JP',
      data: {},
    }),
  );
});
afterAll(() => project.remove());

const run = (args: string[], env?: Record<string, string>, input?: string) =>
  runInProcess(args, {
    cwd: project.root,
    ...(env !== undefined ? { env } : {}),
    ...(input !== undefined ? { input } : {}),
  });

describe('--mapping', () => {
  it('route normalizes raw payloads with the mapping file, as the demo does', async () => {
    const plain = await run(['route', '--rules', 'rules', '--normalize', 'raw.json']);
    const mapped = await run([
      'route',
      '--rules',
      'rules',
      '--mapping',
      'mapping.yaml',
      'raw.json',
    ]);
    expect(plain.code).toBe(0);
    expect(mapped.code).toBe(0);
    expect(JSON.parse(plain.stdout).matched).toEqual([]);
    expect(
      (JSON.parse(mapped.stdout) as { matched: { ruleId: string }[] }).matched.map((m) => m.ruleId),
    ).toEqual(['lapse-warning', 'lapse-digest']);
  });

  it('explain uses it too', async () => {
    const result = await run([
      'explain',
      '--rules',
      'rules',
      '--mapping',
      'mapping.yaml',
      '--format',
      'json',
      'raw.json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).decision.matched).toHaveLength(2);
  });

  it('an unreadable or invalid mapping file is a located error with exit 2', async () => {
    project.write('bad-mapping.yaml', 'apiVersion: exroute/v1\nkind: ExstreamMapping\nrules: 7\n');
    const missing = await run(['route', '--rules', 'rules', '--mapping', 'nope.yaml', 'raw.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('EXR_MAPPING_UNREADABLE');
    const bad = await run([
      'explain',
      '--rules',
      'rules',
      '--mapping',
      'bad-mapping.yaml',
      'raw.json',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bad-mapping\.yaml:3:\d+ {2}EXR_MAPPING_/m);
  });
});

describe('explain --matched-only', () => {
  it('lists only the matched rules and counts the others', async () => {
    project.write(
      'invoice.json',
      JSON.stringify({
        id: 'i',
        source: 's',
        type: 'communication.generated',
        time: '2026-11-30T10:00:00Z',
        documentType: 'policy-lapse-warning',
        data: {},
      }),
    );
    const full = await run(['explain', '--rules', 'rules', 'invoice.json']);
    expect(full.code).toBe(0);
    const only = await run([
      'explain',
      '--rules',
      'rules',
      '--matched-only',
      '--format',
      'json',
      'lapse.json',
    ]);
    expect(full.stdout).toContain('lapse-digest');
    expect(only.code).toBe(0);
    expect(
      (JSON.parse(only.stdout) as { rules: { outcome: string }[] }).rules.map((r) => r.outcome),
    ).toEqual(['matched', 'matched']);
    project.write(
      'rules/other.yaml',
      'apiVersion: exroute/v1\nrules:\n  - id: never\n    description: d\n    when: { type: never.happens }\n    notify: [{ to: [duty], template: lapse }]\n',
    );
    try {
      const text = await run(['explain', '--rules', 'rules', '--matched-only', 'lapse.json']);
      expect(text.stdout).not.toContain(' never ');
      expect(text.stdout).toContain('(1 other rule(s) did not match');
    } finally {
      rmSync(join(project.root, 'rules/other.yaml'));
    }
  });
});

describe('route --send and deferred notifications', () => {
  let emulator: NotificationsEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it('sends what is due now and holds back, reports and counts what is deferred', async () => {
    const env = emulatorEnv(emulator);
    // 20:00 UTC on a Saturday in 2099: the office is closed, so the digest waits for Monday.
    const result = await run(
      ['route', '--rules', 'rules', '--at', '2099-06-06T20:00:00Z', '--send', 'lapse.json'],
      env,
    );
    expect(
      (JSON.parse(result.stdout) as { notifications: { sendAt?: string }[] }).notifications.map(
        (n) => n.sendAt,
      ),
    ).toEqual([undefined, '2099-06-08T09:00:00.000Z']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /lapse\.json:1:1 {2}EXR_CLI_SEND_DEFERRED {2}.*digest.*2099-06-08T09:00:00.000Z/,
    );
    expect(result.stderr).toContain('1 requests delivered, 0 not delivered, 1 deferred (not sent)');
    expect(emulator.stats().accepted).toBe(1);
    expect(JSON.stringify(emulator.received)).not.toContain('EXS-DIGEST');
  });
});

describe('test --filter with coverage', () => {
  it('says that coverage counts only the selected cases', async () => {
    const all = await run(['test', 'tests', '--min-coverage', '100']);
    const filtered = await run(['test', 'tests', '--filter', 'invoice', '--min-coverage', '100']);
    expect(all.code).toBe(0);
    expect(all.stdout).not.toContain('counted over only');
    expect(filtered.code).toBe(1);
    expect(filtered.stdout).toContain(
      "counted over only the 1 case(s) whose name contains 'invoice'",
    );
  });
});
