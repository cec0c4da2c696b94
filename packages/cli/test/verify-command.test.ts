import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './fixtures.js';
import { runInProcess } from './run-in-process.js';

const DEFAULT_RULES = fileURLToPath(new URL('../../../rules', import.meta.url));

const RULES = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE, FR]
recipients:
  compliance-officers: { members: [carol] }
  carol: { email: carol@example.com }
  legal: { email: legal@example.com }
templates:
  regulated-review: { id: EXS-REG, channels: [email] }
  quick-note: { id: EXS-NOTE, channels: [email] }
rules:
  - id: regulated-review-compliance
    when: { type: content.review_requested, documentType: policy-change }
    notify: [{ to: [compliance-officers], template: regulated-review }]
SEED
invariants:
  - id: regulated-review-reaches-compliance
    for: { type: content.review_requested, documentType: policy-change }
    require: { recipients: [compliance-officers], channels: [email], template: regulated-review }
`;

const SHADOW = `  - id: fr-fast-track
    priority: 100
    when: { type: content.review_requested, region: FR }
    notify: [{ to: [legal], template: quick-note }]
    stop: true`;

let project: TempProject;
beforeAll(() => {
  project = new TempProject();
  project.write('kept/rules.yaml', RULES.replace('SEED', ''));
  project.write('broken/rules.yaml', RULES.replace('SEED', SHADOW));
});
afterAll(() => project.remove());

const run = (args: string[]) => runInProcess(args, { cwd: project.root });

describe('exroute verify', { timeout: 60_000 }, () => {
  it('exits 0 and says every invariant is kept when the rules comply', async () => {
    const result = await run(['verify', 'kept']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^✓ regulated-review-reaches-compliance {2}kept\/rules\.yaml:17 /m,
    );
    expect(result.stdout).toMatch(/Invariants: 1 kept, 0 broken/);
  });

  it('exits 1 with the counter-example and the stop rule responsible', async () => {
    const result = await run(['verify', 'broken']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^✗ regulated-review-reaches-compliance {2}broken\/rules\.yaml:21 /m,
    );
    expect(result.stdout).toContain('"region":"FR"');
    expect(result.stdout).toContain(
      'missing: regulated-review on email to carol (no rule sent it)',
    );
    expect(result.stdout).toContain(
      'stopped by: fr-fast-track (broken/rules.yaml:15) has stop: true',
    );
  });

  it('prints the report as JSON', async () => {
    const result = await run(['verify', 'broken', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      violated: number;
      invariants: { invariantId: string; counterExample?: { stoppedBy?: { ruleId: string } } }[];
    };
    expect(report.violated).toBe(1);
    expect(report.invariants[0]!.counterExample?.stoppedBy?.ruleId).toBe('fr-fast-track');
  });

  it('finds no broken invariant in the default rules', async () => {
    const result = await run(['verify', DEFAULT_RULES]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Invariants: \d+ kept, 0 broken/);
  });

  it('rejects a bad --max-events and missing paths as usage errors (exit 2)', async () => {
    for (const args of [
      ['verify', 'kept', '--max-events', '0'],
      ['verify', 'kept', '--max-events', 'x'],
      ['verify'],
    ]) {
      const result = await run(args);
      expect(result.code).toBe(2);
    }
    expect((await run(['verify', 'nope'])).code).toBe(2);
  });
});
