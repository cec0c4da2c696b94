import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSuites } from '@exroute/testing';
import { TempProject } from './temp-project.js';

const RULES = `apiVersion: exroute/v1
calendars:
  uk-office:
    timezone: Europe/London
    days: [mon, tue, wed, thu, fri]
    hours: ["09:00-17:30"]
    holidays: ["2026-12-25"]
regionCalendars: { UK: uk-office }
recipients: { ops: { email: ops@example.com } }
templates: { batch: { id: EXS-BATCH, channels: [email] } }
rules:
  - id: batch-done
    description: Completed batches, in office hours, due within two hours
    when: { type: batch.completed }
    notify:
      - { to: [ops], template: batch, due: { hours: 2 }, deferUntil: businessHours }
`;

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.write('rules.yaml', RULES);
});
afterEach(() => project.remove());

async function outcomes(cases: string): Promise<[string, string][]> {
  project.write(
    'time.suite.yaml',
    `suite: time\nrules: [./rules.yaml]\ndefaults: { type: batch.completed, region: UK, data: {} }\ncases:\n${cases}`,
  );
  const result = await runSuites(project.path('time.suite.yaml'));
  return result.suites[0]!.cases.map((c) => [c.name, c.outcome]);
}

describe('notifications expectation with a frozen clock', () => {
  it('matches sendAt and dueAt as instants, and null as absent', async () => {
    expect(
      await outcomes(`  - name: Christmas Day defers to the next opening
    at: "2026-12-25T12:00:00Z"
    event: {}
    expect:
      notifications: [{ template: batch, channel: email, sendAt: "2026-12-28T09:00:00+00:00", dueAt: "2026-12-25T14:00:00Z" }]
  - name: an office morning sends now
    at: "2026-12-29T10:00:00Z"
    event: {}
    expect: { notifications: [{ sendAt: null }] }
  - name: a wrong expectation fails
    at: "2026-12-29T10:00:00Z"
    event: {}
    expect: { notifications: [{ sendAt: "2026-12-29T10:00:00Z" }] }
`),
    ).toEqual([
      ['Christmas Day defers to the next opening', 'pass'],
      ['an office morning sends now', 'pass'],
      ['a wrong expectation fails', 'fail'],
    ]);
  });

  it('reports a template the rule set lacks at its position', async () => {
    project.write(
      'bad.suite.yaml',
      `suite: bad\nrules: [./rules.yaml]\ncases:\n  - name: typo\n    event: { type: batch.completed, data: {} }\n    expect: { notifications: [{ template: batc }] }\n`,
    );
    const result = await runSuites(project.path('bad.suite.yaml'));
    expect(result.suites[0]!.cases[0]!.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['EXR_SUITE_UNKNOWN_TEMPLATE', 6],
    ]);
  });
});
