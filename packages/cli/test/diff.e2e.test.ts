import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './fixtures.js';
import { runExroute } from './run-exroute.js';

// `exroute diff` through the built binary (issue 16): rule paths and git revisions of a real
// temporary repository, the --fail-on exit codes, and located diagnostics for bad input.

const RULES_V1 = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE]
recipients:
  legal: { members: [alice, bob] }
  alice: { email: alice@example.com }
  bob: { email: bob@example.com }
templates:
  review: { id: EXS-REVIEW, channels: [email] }
rules:
  - id: legal-review
    description: Legal letters and policy changes need review
    when:
      type: content.review_requested
      documentType: [legal-correspondence, policy-change]
      region: { within: EMEA }
    notify: [{ to: [legal], template: review }]
`;
const RULES_V2 = RULES_V1.replace(
  'documentType: [legal-correspondence, policy-change]',
  'documentType: [legal-correspondence]',
);
const SUITE = `suite: review
rules: [../rules]
defaults: { source: test, type: content.review_requested, time: "2026-11-30T10:00:00Z" }
cases:
  - name: legal UK
    event: { documentType: legal-correspondence, region: UK, data: {} }
    expect: { rules: [legal-review] }
  - name: policy change DE
    event: { documentType: policy-change, region: DE, data: {} }
    expect: { rules: [legal-review] }
  - name: policy change US
    event: { documentType: policy-change, region: US, data: {} }
    expect: { none: true }
`;

let project: TempProject;
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: project.root,
    stdio: 'pipe',
  });
const run = (args: string[], input?: string) =>
  runExroute(args, { cwd: project.root, ...(input !== undefined ? { input } : {}) });

beforeAll(() => {
  project = new TempProject();
  git('init', '-q', '-b', 'main');
  project.write('rules/review.yaml', RULES_V1);
  project.write('tests/review.suite.yaml', SUITE);
  git('add', '.');
  git('commit', '-q', '-m', 'v1');
  project.write('rules/review.yaml', RULES_V2);
  git('commit', '-q', '-am', 'narrow');
  git('checkout', '-q', '-b', 'broken-branch');
  project.write(
    'rules/review.yaml',
    `${RULES_V2}  - id: x\n    notify: [{ to: [nobody], template: review }]\n`,
  );
  git('commit', '-q', '-am', 'a rule naming an unknown recipient');
  git('checkout', '-q', 'main');
  project.write('old/review.yaml', RULES_V1);
  project.write(
    'broken/review.yaml',
    `${RULES_V1}  - id: x\n    notify: [{ to: [nobody], template: review }]\n`,
  );
});
afterAll(() => project.remove());

// Each test spawns the CLI up to four times; allow for a busy CI machine.
describe('exroute diff --git', { timeout: 120_000 }, () => {
  it('reads both revisions and finds exactly the suite event that loses its reviewers', async () => {
    const result = await run(['diff', '--git', 'HEAD~1..HEAD', 'rules', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout) as {
      old: { files: string[] };
      definitions: { key: string; old: { file: string; line: number }; new: { file: string } }[];
      impact: {
        routed: number;
        changed: number;
        groups: {
          documentType: string;
          region: string;
          changes: { value: string; example: { origin: { file: string; line: number } } }[];
        }[];
      };
    };
    expect(diff.old.files).toEqual(['HEAD~1:rules/review.yaml']);
    expect(diff.definitions).toMatchObject([
      {
        key: 'legal-review',
        old: { file: 'HEAD~1:rules/review.yaml', line: 11 },
        new: { file: 'HEAD:rules/review.yaml', line: 11 },
      },
    ]);
    expect(diff.impact.routed).toBe(3);
    expect(diff.impact.changed).toBe(1);
    expect(diff.impact.groups.map((g) => [g.documentType, g.region])).toEqual([
      ['policy-change', 'DE'],
    ]);
    expect(diff.impact.groups[0]?.changes[0]?.example.origin).toEqual({
      file: 'tests/review.suite.yaml',
      line: 8,
    });
  });

  it('--fail-on loss exits 1 on a loss; --fail-on any exits 0 when nothing changed', async () => {
    const [loss, none, anyChange, lossReversed] = await Promise.all([
      run(['diff', '--git', 'HEAD~1..HEAD', 'rules', '--fail-on', 'loss']),
      run(['diff', '--git', 'HEAD..HEAD', 'rules', '--fail-on', 'any']),
      run(['diff', '--git', 'HEAD~1..HEAD', 'rules', '--fail-on', 'any']),
      run(['diff', '--git', 'HEAD..HEAD~1', 'rules', '--fail-on', 'loss']),
    ]);
    expect(loss.code).toBe(1);
    expect(loss.stdout).toContain('- lost');
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('0 definitions changed; 0 of 3 events route differently');
    expect(anyChange.code).toBe(1);
    // The reverse change only gains recipients: no loss.
    expect(lossReversed.code).toBe(0);
    expect(lossReversed.stdout).toContain('+ gained');
  });

  it('compares a revision with the files on disk, and prints Markdown for a pull request', async () => {
    const result = await run(['diff', '--git', 'HEAD~1', 'rules', '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^### Routing change: `HEAD~1` → `working tree`/);
    expect(result.stdout).toContain(
      '| `content.review_requested` | policy-change | DE | ➖ lost | recipient |',
    );
  });

  it('exits 2 with a located diagnostic for an unknown revision, a bad range or outside a repository', async () => {
    const [unknown, badRange, option] = await Promise.all([
      run(['diff', '--git', 'nope..HEAD', 'rules']),
      run(['diff', '--git', 'HEAD..', 'rules']),
      run(['diff', '--git', '--output=x..HEAD', 'rules']),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('EXR_DIFF_UNKNOWN_REVISION');
    expect(badRange.code).toBe(2);
    expect(option.code).toBe(2);
    const outside = new TempProject();
    try {
      outside.write('rules/r.yaml', RULES_V1);
      const result = await runExroute(['diff', '--git', 'HEAD~1..HEAD', 'rules'], {
        cwd: outside.root,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('EXR_DIFF_NOT_A_REPOSITORY');
    } finally {
      outside.remove();
    }
  });
});

describe('exroute diff --git: invalid and missing sides', { timeout: 120_000 }, () => {
  it('locates an invalid rule file at its revision, and takes a path absent at a revision as empty', async () => {
    const [broken, added] = await Promise.all([
      run(['diff', '--git', 'main..broken-branch', 'rules']),
      run(['diff', '--git', 'HEAD', 'old', '--format', 'json']),
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /^broken-branch:rules\/review\.yaml:19:\d+ {2}EXR_UNKNOWN_RECIPIENT/m,
    );
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('EXR_DIFF_NO_RULES_AT_REVISION');
    const diff = JSON.parse(added.stdout) as {
      definitions: { change: string; kind: string; key: string }[];
    };
    expect(diff.definitions.map((d) => `${d.change} ${d.kind} ${d.key}`)).toEqual([
      'added rule legal-review',
      'added recipient alice',
      'added recipient bob',
      'added recipient legal',
      'added template review',
      'added region EMEA',
    ]);
  });
});

describe('exroute diff OLD NEW', { timeout: 120_000 }, () => {
  it('diffs two paths with the suites found for them', async () => {
    const result = await run(['diff', 'old', 'rules', '--fail-on', 'loss']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'changed  rule  legal-review  old/review.yaml:11 → rules/review.yaml:11  (when)',
    );
    expect(result.stdout).toContain(
      'content.review_requested · policy-change · DE  (1 of 1 events change)',
    );
  });

  it('exits 2 with file:line:column for invalid rules on either side or a missing path', async () => {
    const [broken, missing, oneArg] = await Promise.all([
      run(['diff', 'broken', 'rules']),
      run(['diff', 'old', 'no-such-dir']),
      run(['diff', 'old']),
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\/review\.yaml:19:\d+ {2}EXR_UNKNOWN_RECIPIENT/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('EXR_FILE_NOT_FOUND');
    expect(oneArg.code).toBe(2);
  });

  it('routes a corpus file and locates its bad lines (exit 2), whatever they hold', async () => {
    const good = JSON.stringify({
      id: 'g1',
      source: 's',
      type: 'content.review_requested',
      time: '2026-11-30T10:00:00Z',
      documentType: 'policy-change',
      region: 'UK',
      data: {},
    });
    project.write(
      'corpus.jsonl',
      [
        good,
        '{"__proto__":{"x":1},"constructor":{"prototype":{}}}',
        'not json',
        '[]',
        `{"id":"${'x'.repeat(50_000)}","source":"s","type":"t","time":"bad","data":{}}`,
        '{"expctr":{}}',
      ].join('\n'),
    );
    const result = await run(['diff', 'old', 'rules', '--events', 'corpus.jsonl']);
    expect(result.code).toBe(2);
    const lines = [...result.stderr.matchAll(/^corpus\.jsonl:(\d+):1 {2}EXR_/gm)].map((m) =>
      Number(m[1]),
    );
    expect(new Set(lines)).toEqual(new Set([2, 3, 4, 5, 6]));
    expect(result.stdout).toContain(
      'content.review_requested · policy-change · UK  (1 of 1 events change)',
    );
    const missing = await run(['diff', 'old', 'rules', '--events', 'nope.jsonl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read 'nope.jsonl'");
  });

  it('rejects bad flag values as usage errors', async () => {
    const results = await Promise.all([
      run(['diff', 'old', 'rules', '--fail-on', 'sometimes']),
      run(['diff', 'old', 'rules', '--format', 'html']),
      run(['diff', 'old', 'rules', '--max-chars', '5']),
      run(['diff', 'old', 'rules', '--mapping', 'm.yaml']),
    ]);
    for (const result of results) expect(result.code).toBe(2);
  });
});
