import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '@exroute/cli';
import { LEGAL_EVENT, RULES, TempProject } from './fixtures.js';
import { runInProcess } from './run-in-process.js';

// What a person reads when they get something wrong: a did-you-mean in exroute's own words, and
// each problem said once.

let project: TempProject;
beforeAll(() => {
  project = new TempProject();
  project.write('rules/rules.yaml', RULES);
  project.write(
    'broken/rules.yaml',
    'apiVersion: exroute/v1\nrules:\n  - id: r\n  description: d\n',
  );
  project.write(
    'tests/broken.suite.yaml',
    `suite: broken rules\nrules: [../broken]\ncases:\n${Array.from(
      { length: 30 },
      (_, i) =>
        `  - name: case ${i}\n    event: { type: x, data: {} }\n    expect: { none: true }\n`,
    ).join('')}`,
  );
  project.write(
    'typos/typo.suite.yaml',
    `suite: typos
rules: [../rules]
defaults: { source: exstream/test, time: "2026-11-30T10:00:00Z" }
cases:
  - name: misspelled recipient
    event: { type: content.review_requested, documentType: legal-correspondence, data: {} }
    expect: { recipients: { include: [legal-reviewer] } }
  - name: misspelled event field
    event: { type: content.review_requested, documnetType: legal-correspondence, data: {} }
    expect: { none: false }
`,
  );
  project.write('typo-event.json', JSON.stringify({ ...LEGAL_EVENT, documnetType: 'x' }));
});
afterAll(() => project.remove());

const run = (args: string[]) => runInProcess(args, { cwd: project.root });

/** Node's own parser wording, which quotes unbalanced and speaks of positionals. */
function expectExrouteWords(text: string): void {
  expect(text).not.toMatch(/To specify a positional|argument missing|ERR_PARSE_ARGS/);
  expect((text.split('\n')[0]!.match(/'/g) ?? []).length % 2).toBe(0);
}

describe('usage mistakes', () => {
  it('an unknown command gets a did-you-mean over the registered commands', async () => {
    for (const command of COMMANDS) {
      const typo = `${command.name.slice(0, 2)}${command.name.slice(3)}`;
      const result = await run([typo]);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toContain(`(did you mean '${command.name}'?)`);
    }
    const far = await run(['frobnicate']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain("unknown command 'frobnicate'\n");
  });

  it('an unknown flag gets a did-you-mean over the command’s options, in exroute’s words', async () => {
    const result = await run(['validate', '--formt', 'json', 'rules']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "exroute validate: unknown option '--formt' (did you mean '--format'?)",
    );
    expectExrouteWords(result.stderr);
    const short = await run(['explain', '-x', 'e.json']);
    expect(short.stderr).toContain("unknown option '-x'; the options are --rules,");
    expectExrouteWords(short.stderr);
  });

  it('a flag without its value, or a switch with one, is said plainly', async () => {
    const missing = await run(['route', '--rules']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--rules needs a value: --rules PATH');
    expectExrouteWords(missing.stderr);
    const switched = await run(['route', '--send=yes', '--rules', 'rules']);
    expect(switched.code).toBe(2);
    expect(switched.stderr).toContain("--send is a switch and takes no value; remove '=yes'");
    expectExrouteWords(switched.stderr);
  });
});

describe('suites', () => {
  it('rules that do not load are reported once per suite, not once per case', async () => {
    const result = await run(['test', 'tests']);
    expect(result.code).toBe(2);
    expect(result.stdout.match(/EXR_YAML_INDENTATION/g)).toHaveLength(1);
    expect(result.stdout).not.toContain('EXR_SUITE_RULES_INVALID');
    expect(result.stdout).toContain("30 case(s) not run: the suite's rules do not load");
    expect(result.stdout).toContain('30 errors');
  });

  it('a misspelled recipient or event field gets a did-you-mean', async () => {
    const result = await run(['test', 'typos']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      /typo\.suite\.yaml:7:\d+ {2}EXR_SUITE_UNKNOWN_RECIPIENT .*\(did you mean 'legal-reviewers'\?\)/,
    );
    expect(result.stdout).toMatch(
      /EXR_EVENT_UNKNOWN_FIELD .*'documnetType'.*\(did you mean 'documentType'\?\)/,
    );
  });

  it('explain says the same for an event file', async () => {
    const result = await run(['explain', '--rules', 'rules', 'typo-event.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^typo-event\.json:1:1 {2}EXR_EVENT_UNKNOWN_FIELD .*\(did you mean 'documentType'\?\)/m,
    );
  });
});
