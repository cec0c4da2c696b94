import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './fixtures.js';
import { runExroute } from './run-exroute.js';

// exroute matrix and lint's review checks through the built binary (issue 16 part 4).

const RULES = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE]
recipients:
  legal: { members: [alice] }
  alice: { email: alice@example.com }
templates:
  review: { id: EXS-REVIEW, channels: [email] }
rules:
  - id: legal-emea
    description: Legal letters in EMEA go to the lawyers
    owner: compliance@example.com
    reviewBy: "2026-06-30"
    when: { type: content.review_requested, documentType: legal-correspondence, region: { within: EMEA } }
    notify: [{ to: [legal], template: review }]
`;

let project: TempProject;
const run = (args: string[]) => runExroute(args, { cwd: project.root });

beforeAll(() => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES);
  project.write('bad/rules.yaml', RULES.replace('"2026-06-30"', '"2026-06-31"'));
});
afterAll(() => project.remove());

describe('exroute matrix and lint review checks', { timeout: 120_000 }, () => {
  it('prints the matrix as CSV and Markdown with exact cells', async () => {
    const [csv, markdown] = await Promise.all([
      run(['matrix', 'rules', '--format', 'csv', '--at', '2026-11-30T10:00:00Z']),
      run(['matrix', 'rules', '--at', '2026-11-30T10:00:00Z']),
    ]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n').slice(0, 4)).toEqual([
      'documentType,region,eventType,template,templateId,channel,recipients,addresses,rules,policy',
      'legal-correspondence,DE,content.review_requested,review,EXS-REVIEW,email,alice,alice@example.com,legal-emea,',
      'legal-correspondence,UK,content.review_requested,review,EXS-REVIEW,email,alice,alice@example.com,legal-emea,',
      'legal-correspondence,(other),,,,,,,,',
    ]);
    expect(csv.stdout.split('\r\n')).toHaveLength(1 + 3 * 4 + 1);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain(
      '| legal-correspondence | UK | content.review_requested | review | email | alice | legal-emea |',
    );
  });

  it('exits 2 for bad matrix flags and invalid rules, with the rule error located', async () => {
    const [format, type, invalid, none] = await Promise.all([
      run(['matrix', 'rules', '--format', 'xlsx']),
      run(['matrix', 'rules', '--type', 'Not A Type']),
      run(['matrix', 'bad']),
      run(['matrix']),
    ]);
    for (const result of [format, type, invalid, none]) expect(result.code).toBe(2);
    expect(invalid.stderr).toMatch(/bad\/rules\.yaml:13:15 {2}EXR_INVALID_DATE/);
  });

  it('lint warns past reviewBy as of --at and errors on --require fields', async () => {
    const [before, after, strict, required, badField, badDate, noSuchDay] = await Promise.all([
      run(['lint', 'rules', '--at', '2026-06-30', '--max-warnings', '0']),
      run(['lint', 'rules', '--at', '2026-07-01', '--max-warnings', '0']),
      run(['lint', 'rules', '--at', '2026-01-01', '--require', 'owner']),
      run(['lint', 'rules', '--at', '2026-01-01', '--require', 'owner,approvedBy,ticket']),
      run(['lint', 'rules', '--require', 'owner,__proto__']),
      run(['lint', 'rules', '--at', 'tomorrow']),
      run(['lint', 'rules', '--at', '2026-02-30']),
    ]);
    expect(before.code).toBe(0);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/rules\/rules\.yaml:10:5 {2}EXR_LINT_REVIEW_OVERDUE/);
    expect(strict.code).toBe(0);
    expect(required.code).toBe(1);
    expect(required.stdout.match(/EXR_LINT_MISSING_REVIEW_FIELD/g)).toHaveLength(2);
    expect(badField.code).toBe(2);
    expect(badField.stderr).toContain("'__proto__' is none of them");
    expect(badDate.code).toBe(2);
    // A day the calendar does not have is refused, not rolled over into March.
    expect(noSuchDay.code).toBe(2);
    expect(noSuchDay.stderr).toContain("got '2026-02-30'");
  });
});
