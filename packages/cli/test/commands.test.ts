import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAILING_SUITE,
  LEGAL_EVENT,
  PASSING_SUITE,
  RAW_CLOUDEVENT,
  RULES,
  TempProject,
} from './fixtures.js';
import { runInProcess } from './run-in-process.js';

const ESC = '\u001b[';
let project: TempProject;

beforeAll(() => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES);
  project.write('passing/review.suite.yaml', PASSING_SUITE);
  project.write('failing/wrong.suite.yaml', FAILING_SUITE);
  project.write('event.json', JSON.stringify(LEGAL_EVENT));
});
afterAll(() => project.remove());

// Every command, end to end through runCli in this process: the same parser, commands and
// output as the binary without a Node start per run. binary.e2e.test.ts spawns the real binary
// for what only a process shows (its environment, exit code, pipes).
const run = (args: string[], input?: string, env?: Record<string, string>) =>
  runInProcess(args, {
    cwd: project.root,
    ...(input !== undefined ? { input } : {}),
    ...(env ? { env } : {}),
  });

/** `file:line:column  CODE` pairs printed by a command. */
function diagnosticLines(
  text: string,
): { file: string; line: number; column: number; code: string }[] {
  return [...text.matchAll(/^\s*(\S+):(\d+):(\d+) {2}(EXR_[A-Z_]+) {2}/gm)].map((m) => ({
    file: m[1]!,
    line: Number(m[2]),
    column: Number(m[3]),
    code: m[4]!,
  }));
}

describe('exroute (global)', () => {
  it('prints help for every command with exit 0', async () => {
    const commands = ['validate', 'test', 'route', 'explain', 'lint', 'graph'];
    const results = await Promise.all(commands.map((command) => run([command, '--help'])));
    for (const [index, command] of commands.entries()) {
      const result = results[index]!;
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: exroute ${command} `));
      expect(result.stdout).toContain('Exit codes');
    }
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: exroute <command>/);
  });

  it('exits 2 on an unknown command, an unknown flag or a bad flag value', async () => {
    const [unknownCommand, noCommand, unknownFlag, badReporter, badCoverage, noRules] =
      await Promise.all([
        run(['frobnicate']),
        run([]),
        run(['validate', '--frobnicate', 'rules']),
        run(['test', '--reporter', 'xml']),
        run(['test', '--min-coverage', '101']),
        run(['explain', 'event.json']),
      ]);
    for (const result of [
      unknownCommand,
      noCommand,
      unknownFlag,
      badReporter,
      badCoverage,
      noRules,
    ]) {
      expect(result.code).toBe(2);
    }
    expect(unknownFlag.stderr).toContain('--frobnicate');
  });
});

describe('exroute validate', () => {
  it('exits 0 with a zero count for valid rules', async () => {
    const result = await run(['validate', 'rules']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Found 0 errors and 0 warnings in 1 file\./);
  });

  it('prints file:line:column  CODE for each problem, then the count, and exits 1', async () => {
    project.write(
      'bad/rules.yaml',
      `apiVersion: exroute/v1\nrules:\n  - id: r\n    description: d\n    notify: [{ to: [ghost], template: t }]\n`,
    );
    const result = await run(['validate', 'bad']);
    expect(result.code).toBe(1);
    const lines = diagnosticLines(result.stdout);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.file === join('bad', 'rules.yaml') && l.line === 5)).toBe(true);
    expect(result.stdout).toMatch(
      new RegExp(`Found ${lines.length} errors and 0 warnings in 1 file\\.`),
    );
    expect(result.stdout).not.toContain(ESC);
  });

  it('prints JSON with --format json', async () => {
    const result = await run(['validate', 'bad', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      errors: number;
      diagnostics: { code: string; line: number }[];
    };
    expect(report.errors).toBe(report.diagnostics.length);
    expect(report.diagnostics.every((d) => d.line === 5)).toBe(true);
  });

  it('exits 2 for a path that does not exist', async () => {
    const result = await run(['validate', 'nowhere']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('EXR_FILE_NOT_FOUND');
  });
});

describe('exroute test', () => {
  it('exits 0 when every case passes', async () => {
    const result = await run(['test', 'passing']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Cases: 1 passed, 0 failed, 0 errors/);
  });

  it('exits 1 on a failure and shows the expectation position and the trace', async () => {
    const result = await run(['test', 'failing']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Cases: 0 passed, 1 failed, 0 errors/);
    expect(result.stdout).toContain(`${join('failing', 'wrong.suite.yaml')}:6:22`);
    expect(result.stdout).toContain('expect.rules');
    expect(result.stdout).toMatch(/✓ legal-review/);
    expect(result.stdout).toMatch(/✗ service-alerts/);
  });

  it('exits 2 when a suite is invalid, with the position of the problem', async () => {
    project.write(
      'invalid/x.suite.yaml',
      'suite: x\nrules: [../rules]\ncases:\n  - name: a\n    evnt: {}\n    expect: { none: true }\n',
    );
    const result = await run(['test', 'invalid']);
    expect(result.code).toBe(2);
    expect(diagnosticLines(result.stdout).map((d) => [d.code, d.line, d.column])).toEqual([
      ['EXR_SUITE_MISSING_FIELD', 4, 5],
      ['EXR_SUITE_UNKNOWN_FIELD', 5, 5],
    ]);
  });

  it('finds every *.suite.yaml under the working directory by default', async () => {
    const result = await runInProcess(['test', '--reporter', 'json'], {
      cwd: join(project.root, 'passing'),
    });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { summary: { cases: number } }).summary.cases).toBe(1);
    const none = await runInProcess(['test'], { cwd: join(project.root, 'rules') });
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('EXR_SUITE_NONE_FOUND');
  });

  it('writes JUnit XML to --output and a summary to stdout', async () => {
    const result = await run([
      'test',
      'passing',
      'failing',
      '--reporter',
      'junit',
      '--output',
      'report.xml',
    ]);
    expect(result.code).toBe(1);
    const xml = readFileSync(join(project.root, 'report.xml'), 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml).toMatch(/<testsuites name="exroute" tests="2" failures="1" errors="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(result.stdout).toMatch(/Cases: 1 passed, 1 failed, 0 errors/);
  });

  it('reports coverage and enforces --min-coverage', async () => {
    const covered = await run(['test', 'passing', '--coverage']);
    expect(covered.code).toBe(0);
    expect(covered.stdout).toMatch(/Coverage: 1\/2 rules matched, 50%/);
    expect(covered.stdout).toMatch(/never exercised {2}service-alerts {2}rules\/rules\.yaml:15/);
    expect((await run(['test', 'passing', '--min-coverage', '50'])).code).toBe(0);
    expect((await run(['test', 'passing', '--min-coverage', '51'])).code).toBe(1);
  });

  it('prints the JSON result with --format json', async () => {
    const result = await run(['test', 'failing', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { suites: { cases: { outcome: string }[] }[] };
    expect(report.suites[0]?.cases[0]?.outcome).toBe('fail');
  });
});

describe('exroute route', () => {
  const good = JSON.stringify(LEGAL_EVENT);
  const lines = [
    good,
    '{"id": ',
    '',
    JSON.stringify({ ...LEGAL_EVENT, id: 'evt-2', priority: 'urgent' }),
    '[1, 2]',
    JSON.stringify({ ...LEGAL_EVENT, id: 'evt-3', type: 'delivery.completed' }),
  ].join('\n');

  it('prints one decision per good line and reports bad lines by number', async () => {
    project.write('events.jsonl', `${lines}\n`);
    const result = await run(['route', '--rules', 'rules', 'events.jsonl']);
    expect(result.code).toBe(1);
    const decisions = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { eventId: string; matched: unknown[] });
    expect(decisions.map((d) => [d.eventId, d.matched.length])).toEqual([
      ['evt-1', 1],
      ['evt-3', 0],
    ]);
    expect(diagnosticLines(result.stderr).map((d) => [d.file, d.line])).toEqual([
      ['events.jsonl', 2],
      ['events.jsonl', 4],
      ['events.jsonl', 5],
    ]);
    expect(result.stderr).toContain('EXR_CLI_INVALID_JSON');
    expect(result.stderr).toContain('EXR_CLI_NOT_AN_EVENT');
    expect(result.stderr).toMatch(/routed 2 events from 6 lines; 3 bad lines/);
  });

  it('reads stdin with - and exits 0 when every line routes', async () => {
    const result = await run(
      ['route', '--rules', 'rules', '-', '--at', '2026-12-01T00:00:00Z'],
      `${good}\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/routed 1 events from 1 lines; 0 bad lines/);
  });

  it('normalizes raw Exstream payloads with --normalize', async () => {
    const result = await run(
      ['route', '--rules', 'rules', '--normalize'],
      `${RAW_CLOUDEVENT}\n{"nothing": true}\n`,
    );
    expect(result.code).toBe(1);
    const decision = JSON.parse(result.stdout.trim()) as { matched: { ruleId: string }[] };
    expect(decision.matched.map((m) => m.ruleId)).toEqual(['service-alerts']);
    expect(diagnosticLines(result.stderr).map((d) => [d.line, d.code])).toEqual([
      [2, 'EXR_UNKNOWN_SHAPE'],
    ]);
  });

  it('exits 2 for invalid rules, without reading events', async () => {
    const result = await run(['route', '--rules', 'bad', '-'], `${good}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(diagnosticLines(result.stderr).length).toBeGreaterThan(0);
  });

  // Delivery with settings from the environment runs against the real binary
  // (binary.e2e.test.ts); here, what a missing setting gets.
  describe('--send', () => {
    it('exits 2 with the missing settings named, not echoed', async () => {
      const result = await run(['route', '--rules', 'rules', '--send', '-'], `${good}\n`, {
        EXROUTE_CLIENT_SECRET: 'sekrit-value-123',
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('EXR_DELIVERY_');
      expect(result.stderr).not.toContain('sekrit-value-123');
    });
  });
});

describe('exroute explain', () => {
  it('prints a trace of every rule', async () => {
    const result = await run(['explain', '--rules', 'rules', 'event.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ legal-review {2}rules\/rules\.yaml:11/);
    expect(result.stdout).toMatch(/✗ service-alerts/);
    expect(result.stdout).toMatch(/→ alice <alice@example\.com> via legal-reviewers/);
  });

  it('prints the Explanation as JSON, from stdin', async () => {
    const result = await run(
      ['explain', '--rules', 'rules', '--format', 'json', '--at', '2026-12-01T08:00:00Z', '-'],
      JSON.stringify(LEGAL_EVENT),
    );
    expect(result.code).toBe(0);
    const explanation = JSON.parse(result.stdout) as {
      now: string;
      rules: { ruleId: string; outcome: string }[];
    };
    expect(explanation.now).toBe('2026-12-01T08:00:00.000Z');
    expect(explanation.rules.map((r) => r.ruleId)).toEqual(['legal-review', 'service-alerts']);
  });

  it('exits 2 for an invalid event', async () => {
    project.write('bad-event.json', JSON.stringify({ ...LEGAL_EVENT, time: 'yesterday' }));
    const result = await run(['explain', '--rules', 'rules', 'bad-event.json']);
    expect(result.code).toBe(2);
    expect(diagnosticLines(result.stderr)[0]).toMatchObject({ file: 'bad-event.json', line: 1 });
    const broken = await run(['explain', '--rules', 'rules', '-'], '{"id": 1,\n  oops}');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('EXR_CLI_INVALID_JSON');
  });
});

describe('exroute lint', () => {
  it('exits 0 on clean rules and 1 with a positioned shadowed-rule finding', async () => {
    const clean = await run(['lint', 'rules']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/Found 0 errors and 0 warnings in 1 file\./);
    project.write(
      'shadowed/rules.yaml',
      `${RULES.replace('    notify: [{ to: [legal-reviewers], template: review, severity: high }]', '    notify: [{ to: [legal-reviewers], template: review, severity: high }]\n    stop: true')}  - id: uk-legal
    description: UK legal letters
    when: { type: content.review_requested, documentType: legal-correspondence, region: UK }
    notify: [{ to: [alice], template: review }]
`,
    );
    const shadowed = await run(['lint', 'shadowed']);
    expect(shadowed.code).toBe(1);
    expect(diagnosticLines(shadowed.stdout)).toEqual([
      { file: join('shadowed', 'rules.yaml'), line: 20, column: 5, code: 'EXR_LINT_SHADOWED_RULE' },
    ]);
    const json = await run(['lint', 'shadowed', '--format', 'json']);
    expect((JSON.parse(json.stdout) as { errors: number }).errors).toBe(1);
  });

  it('fails on warnings only beyond --max-warnings', async () => {
    project.write(
      'undocumented/rules.yaml',
      RULES.replace('    description: Legal letters need review\n', ''),
    );
    expect((await run(['lint', 'undocumented'])).code).toBe(0);
    const strict = await run(['lint', 'undocumented', '--max-warnings', '0']);
    expect(strict.code).toBe(1);
    expect(diagnosticLines(strict.stdout).map((d) => d.code)).toEqual([
      'EXR_LINT_MISSING_DESCRIPTION',
    ]);
  });
});

describe('exroute graph', () => {
  it('prints a Mermaid flowchart, or writes it to --output', async () => {
    const result = await run(['graph', 'rules']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('flowchart LR');
    expect(result.stdout).toMatch(/event\d+\(\["content\.review_requested"\]\)/);
    const written = await run(['graph', 'rules', '--output', 'graph.mmd']);
    expect(written.code).toBe(0);
    expect(readFileSync(join(project.root, 'graph.mmd'), 'utf8')).toBe(result.stdout);
    expect((await run(['graph', 'bad'])).code).toBe(2);
  });
});
