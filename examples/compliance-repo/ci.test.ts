import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// Each case spawns the CLI three times; allow for a busy CI machine.
const CI_TIMEOUT_MS = 120_000;

// Runs the example repository's CI script against the built CLI, as its CI would, then breaks
// copies of the repository to prove the script fails when it should.

const REPO = fileURLToPath(new URL('.', import.meta.url));
const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
const env = { ...process.env, EXROUTE: `${process.execPath} ${CLI}`, NO_COLOR: '1' };

async function runCi(dir: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)('bash', [join(dir, 'ci.sh')], { env });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

const copies: string[] = [];
async function copyOfRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'exroute-compliance-repo-'));
  copies.push(dir);
  await cp(REPO, dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  await Promise.all(copies.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('compliance repository example', () => {
  it(
    'passes validate, lint and test with full coverage',
    async () => {
      const { code, stdout } = await runCi(REPO);
      expect(stdout).toContain('::: exroute validate rules/');
      expect(stdout).toContain('::: exroute lint rules/');
      expect(stdout).toContain('::: exroute test tests/');
      expect(code).toBe(0);
    },
    CI_TIMEOUT_MS,
  );

  it(
    'fails when a rule names a recipient the directory does not have',
    async () => {
      const dir = await copyOfRepo();
      await appendFile(
        join(dir, 'rules/review-routing.yaml'),
        [
          '  - id: review-marketing',
          '    description: Marketing letters go to a team nobody defined',
          '    owner: compliance-emea@example.com',
          '    when: { type: content.review_requested, documentType: newsletter }',
          '    notify: [{ to: [marketing-team], template: regulated-review }]',
          '',
        ].join('\n'),
      );
      const { code, stdout } = await runCi(dir);
      expect(code).not.toBe(0);
      expect(stdout).toContain('EXR_UNKNOWN_RECIPIENT');
    },
    CI_TIMEOUT_MS,
  );

  it(
    'fails when a rule is not covered by any suite case',
    async () => {
      const dir = await copyOfRepo();
      await appendFile(
        join(dir, 'rules/review-routing.yaml'),
        [
          '  - id: review-untested',
          '    description: A rule nobody wrote a case for',
          '    owner: compliance-emea@example.com',
          '    when: { type: content.review_requested, documentType: policy-change, region: FR }',
          '    notify: [{ to: [compliance-emea], template: regulated-review }]',
          '',
        ].join('\n'),
      );
      const { code } = await runCi(dir);
      expect(code).not.toBe(0);
    },
    CI_TIMEOUT_MS,
  );

  it(
    'pr-diff.sh, as the workflow runs it, reports what a pull request loses and fails on --fail-on loss',
    async () => {
      const dir = await copyOfRepo();
      const git = (...args: string[]) =>
        promisify(execFile)(
          'git',
          ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args],
          { cwd: dir },
        );
      await git('init', '-q', '-b', 'main');
      await git('add', '.');
      await git('commit', '-q', '-m', 'rules as merged');
      // What `actions/checkout` with fetch-depth 0 leaves behind: the base branch as origin/main.
      await git('update-ref', 'refs/remotes/origin/main', 'HEAD');
      const directory = join(dir, 'rules/directory.yaml');
      await writeFile(
        directory,
        (await readFile(directory, 'utf8')).replace('members: [alice, bob]', 'members: [alice]'),
      );
      await git('commit', '-q', '-am', 'bob leaves the legal reviewers');
      const workflow = await readFile(join(dir, '.github/workflows/rules.yml'), 'utf8');
      expect(workflow).toContain('./pr-diff.sh --fail-on loss -o diff.md');
      const run = async (args: string[]) => {
        try {
          const { stdout } = await promisify(execFile)('bash', [join(dir, 'pr-diff.sh'), ...args], {
            env,
          });
          return { code: 0, stdout };
        } catch (error) {
          return error as { code: number; stdout: string };
        }
      };
      const comment = await run([]);
      expect(comment.code).toBe(0);
      expect(comment.stdout).toMatch(/^### Routing change: `origin\/main` → `HEAD`/);
      expect(comment.stdout).toContain(
        '| changed | recipient | `legal-reviewers` | origin/main:rules/directory.yaml:',
      );
      expect(comment.stdout).toContain(
        '| `content.review_requested` | legal-correspondence | UK | ➖ lost | recipient | bob &lt;bob@example.com&gt; via regulated-review/email | 1 of 1 |',
      );
      const gate = await run(['--fail-on', 'loss', '-o', 'diff.md']);
      expect(gate.code).toBe(1);
      expect(await readFile(join(dir, 'diff.md'), 'utf8')).toBe(comment.stdout);
    },
    CI_TIMEOUT_MS,
  );
});
