import { execFile, spawn } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { checkRuleSet } from '@exroute/core';
import type { RuleSet } from '@exroute/core';

const run = promisify(execFile);
const MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Searches the last `maxCommits` (default 500) commits that touched `paths` for the revision
 * whose rule files hash to `version`, reading the files at each revision the way `loadRuleSet`
 * walks a directory (each folder's `*.yaml`/`*.yml` in name order before its subfolders; hidden
 * entries, `node_modules` and suites skipped). Undefined when none does or git is not there.
 */
export async function findRevisionForVersion(
  options: { cwd: string; paths: readonly string[]; maxCommits?: number },
  version: string,
): Promise<{ revision: string; ruleSet: RuleSet } | undefined> {
  let top: string;
  try {
    top = (await git(options.cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return undefined;
  }
  const paths = options.paths.map((p) => relative(top, resolve(options.cwd, p)) || '.');
  const commits = (
    await git(top, ['log', '--format=%H', '-n', String(options.maxCommits ?? 500), '--', ...paths])
  )
    .split('\n')
    .filter((line) => /^[0-9a-f]{40,64}$/.test(line));
  for (const commit of commits) {
    const files = await ruleFilesAt(top, commit, paths);
    if (files.length === 0) continue;
    const texts = await readBlobs(top, commit, files);
    const check = checkRuleSet(files.map((file, i) => ({ filename: file, text: texts[i] ?? '' })));
    if (check.ruleSet?.version === version) return { revision: commit, ruleSet: check.ruleSet };
  }
  return undefined;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', cwd, ...args], {
    maxBuffer: MAX_OUTPUT,
    encoding: 'utf8',
  });
  return stdout;
}

async function ruleFilesAt(
  top: string,
  commit: string,
  paths: readonly string[],
): Promise<string[]> {
  const listed = (await git(top, ['ls-tree', '-r', '-z', '--name-only', commit, '--', ...paths]))
    .split('\0')
    .filter((name) => name !== '');
  const taken = new Set<string>();
  const files: string[] = [];
  for (const path of paths) {
    if (listed.includes(path)) {
      if (!isSuite(path) && !taken.has(path)) {
        taken.add(path);
        files.push(path);
      }
      continue;
    }
    const base = path === '.' ? '' : `${path}/`;
    const under = listed
      .filter((name) => name.startsWith(base))
      .map((name) => name.slice(base.length).split('/'))
      .filter(
        (segments) =>
          segments.every((s) => !s.startsWith('.') && s !== 'node_modules') &&
          /\.ya?ml$/i.test(segments[segments.length - 1]!) &&
          !isSuite(segments[segments.length - 1]!),
      )
      .sort(walkOrder);
    for (const segments of under) {
      const name = `${base}${segments.join('/')}`;
      if (!taken.has(name)) {
        taken.add(name);
        files.push(name);
      }
    }
  }
  return files;
}

function isSuite(name: string): boolean {
  return /\.suite\.ya?ml$/i.test(name);
}

/** A folder's files (by name, code-unit order) before its subfolders (by name), depth first. */
function walkOrder(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const aFile = i === a.length - 1;
    const bFile = i === b.length - 1;
    if (aFile !== bFile) return aFile ? -1 : 1;
    return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** The contents of `files` at `commit`, with one `git cat-file --batch`. */
function readBlobs(top: string, commit: string, files: readonly string[]): Promise<string[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['-C', top, 'cat-file', '--batch'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) child.kill();
      else chunks.push(chunk);
    });
    child.once('error', reject);
    child.once('close', () => {
      const output = Buffer.concat(chunks);
      const texts: string[] = [];
      let offset = 0;
      for (let i = 0; i < files.length; i++) {
        const newline = output.indexOf(10, offset);
        if (newline < 0) break;
        const header = output.subarray(offset, newline).toString('utf8').split(' ');
        if (header[1] !== 'blob') {
          texts.push('');
          offset = newline + 1;
          continue;
        }
        const length = Number(header[2]);
        texts.push(output.subarray(newline + 1, newline + 1 + length).toString('utf8'));
        offset = newline + 1 + length + 1;
      }
      resolvePromise(texts);
    });
    child.stdin.end(files.map((file) => `${commit}:${file}\n`).join(''));
  });
}
