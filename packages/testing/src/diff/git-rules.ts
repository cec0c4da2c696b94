/**
 * Rule files as they were at a git revision, read with the `git` command (`rev-parse`, `ls-tree`,
 * `cat-file`) in a child process: no working tree is touched and no git library is needed.
 */
import { execFile } from 'node:child_process';
import { checkRuleSet } from '@exroute/core';
import type { Diagnostic, RuleSetCheck } from '@exroute/core';

/** Files larger than this are refused, as the loader refuses them on disk. */
const MAX_FILE_BYTES = 1024 * 1024;
/** More rule files than this at one revision: the paths point at the wrong folder. */
const MAX_FILES = 10_000;
/** A git command that takes longer than this is stopped. */
const GIT_TIMEOUT_MS = 60_000;

/** The rule set at one revision, or the diagnostics saying why there is none. */
export interface RevisionRules extends RuleSetCheck {
  /** `rev:path` of every rule file read, in load order. */
  files: string[];
}

interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function git(
  cwd: string,
  args: readonly string[],
  maxBuffer = 64 * 1024 * 1024,
): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      [...args],
      { cwd, encoding: 'buffer', maxBuffer, timeout: GIT_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
  });
}

/**
 * Loads the rule files under `paths` (relative to `cwd`, inside a git work tree) as they are at
 * `revision`, with the core loader; files are named `revision:path` (path from the repository
 * root) in diagnostics and locations. Directories contribute their `*.yaml` / `*.yml` files
 * (not suites, hidden entries or `node_modules`) in the loader's order: each folder's files by
 * name, then its subfolders. Paths absent at the revision give an empty rule set and a warning,
 * so a diff against the commit before the rules existed shows everything as added. Never rejects.
 */
export async function checkRuleFilesAtRevision(options: {
  cwd: string;
  revision: string;
  paths: readonly string[];
}): Promise<RevisionRules> {
  const { cwd, revision } = options;
  const paths = options.paths.length > 0 ? options.paths : ['.'];
  const problem = (code: string, message: string, hint?: string): RevisionRules => ({
    files: [],
    diagnostics: [{ code, severity: 'error', message, ...(hint !== undefined ? { hint } : {}) }],
  });
  if (revision === '' || revision.startsWith('-') || /[\s\0]/.test(revision)) {
    return problem(
      'EXR_DIFF_UNKNOWN_REVISION',
      `'${revision}' is not a git revision; give a branch, tag or commit such as main or HEAD~1`,
    );
  }
  const prefix = await git(cwd, ['rev-parse', '--show-prefix']);
  if (prefix.code !== 0) {
    return problem(
      'EXR_DIFF_NOT_A_REPOSITORY',
      `'${cwd}' is not inside a git work tree (${firstLine(prefix.stderr)}); run exroute diff --git from the repository`,
    );
  }
  const commit = await git(cwd, [
    'rev-parse',
    '--verify',
    '--quiet',
    '--end-of-options',
    `${revision}^{commit}`,
  ]);
  if (commit.code !== 0) {
    return problem(
      'EXR_DIFF_UNKNOWN_REVISION',
      `git knows no commit '${revision}'`,
      'fetch it first (a shallow CI checkout lacks other branches: actions/checkout with fetch-depth: 0)',
    );
  }
  const sha = commit.stdout.toString('utf8').trim();
  const base = prefix.stdout.toString('utf8').trim();
  const repoPaths = paths.map((path) => joinRepoPath(base, path));
  if (repoPaths.some((path) => path === undefined)) {
    return problem(
      'EXR_DIFF_PATH_OUTSIDE_REPOSITORY',
      `a rule path leaves the repository: ${paths.join(', ')}; give paths inside it`,
    );
  }
  const listing = await git(cwd, [
    'ls-tree',
    '-r',
    '-z',
    '--full-tree',
    '--name-only',
    sha,
    '--',
    ...(repoPaths as string[]),
  ]);
  if (listing.code !== 0) {
    return problem('EXR_DIFF_GIT_FAILED', `git ls-tree failed: ${firstLine(listing.stderr)}`);
  }
  const all = listing.stdout
    .toString('utf8')
    .split('\0')
    .filter((name) => name !== '');
  const files = loadOrder(all.filter(isRuleFilePath));
  if (files.length > MAX_FILES) {
    return problem(
      'EXR_TOO_MANY_RULE_FILES',
      `${files.length} rule files at ${revision}; point at the folder that holds the rules`,
    );
  }
  const warnings: Diagnostic[] = [];
  if (files.length === 0) {
    warnings.push({
      code: 'EXR_DIFF_NO_RULES_AT_REVISION',
      severity: 'warning',
      message: `no rule files under ${repoPaths.join(', ')} at ${revision}; that side is an empty rule set`,
    });
    const empty = checkRuleSet([
      { text: 'apiVersion: exroute/v1\n', filename: `${revision}:(none)` },
    ]);
    return { ...withWarnings(empty, warnings), files: [] };
  }
  const sources = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const name = `${revision}:${file}`;
    const shown = await git(cwd, ['cat-file', 'blob', `${sha}:${file}`], MAX_FILE_BYTES + 1);
    if (shown.code !== 0 || shown.stdout.length > MAX_FILE_BYTES) {
      diagnostics.push({
        code:
          shown.code !== 0 && shown.stdout.length <= MAX_FILE_BYTES
            ? 'EXR_FILE_UNREADABLE'
            : 'EXR_FILE_TOO_LARGE',
        severity: 'error',
        message:
          shown.code !== 0 && shown.stdout.length <= MAX_FILE_BYTES
            ? `git cannot read this file (${firstLine(shown.stderr)})`
            : `rule file is larger than ${MAX_FILE_BYTES} bytes; split it into several files`,
        file: name,
        line: 1,
        column: 1,
      });
      continue;
    }
    sources.push({ text: shown.stdout.toString('utf8'), filename: name });
  }
  const names = files.map((file) => `${revision}:${file}`);
  if (diagnostics.length > 0) return { diagnostics, files: names };
  return { ...withWarnings(checkRuleSet(sources), warnings), files: names };
}

/**
 * The check with `warnings` ahead of its diagnostics. The rule set stays the one the loader made
 * (only the loader's rule sets route), so these warnings are in `diagnostics` alone.
 */
function withWarnings(check: RuleSetCheck, warnings: Diagnostic[]): RuleSetCheck {
  if (warnings.length === 0) return check;
  return { ...check, diagnostics: [...warnings, ...check.diagnostics] };
}

/** `base` + `path` as a repository path (`.` for the root), or undefined when it leaves it. */
function joinRepoPath(base: string, path: string): string | undefined {
  const segments: string[] = [];
  for (const segment of `${base}${path}`.split(/[\\/]+/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.pop() === undefined) return undefined;
    } else segments.push(segment);
  }
  return segments.length === 0 ? '.' : segments.join('/');
}

/** What the loader takes from a directory: YAML, no suites, nothing hidden, no node_modules. */
function isRuleFilePath(path: string): boolean {
  const segments = path.split('/');
  const name = segments[segments.length - 1] ?? '';
  if (!/\.ya?ml$/.test(name) || /\.suite\.ya?ml$/.test(name)) return false;
  return segments.every((s) => !s.startsWith('.') && s !== 'node_modules');
}

/** The loader's walk order: depth first, each folder's files (by name) before its subfolders. */
function loadOrder(paths: readonly string[]): string[] {
  const compare = (a: string, b: string): number => {
    const x = a.split('/');
    const y = b.split('/');
    for (let i = 0; ; i++) {
      const xFile = i === x.length - 1;
      const yFile = i === y.length - 1;
      if (x[i] !== y[i] || xFile || yFile) {
        if (xFile !== yFile) return xFile ? -1 : 1;
        return (x[i] ?? '') < (y[i] ?? '') ? -1 : (x[i] ?? '') > (y[i] ?? '') ? 1 : 0;
      }
    }
  };
  return [...new Set(paths)].sort(compare);
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim().slice(0, 300) || 'no message';
}
