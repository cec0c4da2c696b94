import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { extractRunnableBlocks, unmatchedOutputLines } from './runnable-blocks.js';
import type { RunnableBlock } from './runnable-blocks.js';

// Every block of the docs marked runnable (docs/README.md, "Runnable examples") runs here, so a
// page cannot drift from what the code does. Each page gets its own sandbox: a copy of rules/ and
// examples/ with the repository's node_modules linked in, as a fresh clone has after
// `pnpm install` and `pnpm build` — `npx exroute` works there, a bare `exroute` does not.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BLOCK_TIMEOUT_MS = 60_000;

const PAGES = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...readdirSync(join(REPO, 'examples'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `examples/${entry.name}/README.md`)
    .filter((page) => {
      try {
        readFileSync(join(REPO, page));
        return true;
      } catch {
        return false;
      }
    }),
].sort();

const sandboxes: string[] = [];
afterAll(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

function makeSandbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exroute-docs-'));
  sandboxes.push(dir);
  const skip = (source: string): boolean => !source.split(/[\\/]/).includes('node_modules');
  cpSync(join(REPO, 'rules'), join(dir, 'rules'), { recursive: true, filter: skip });
  cpSync(join(REPO, 'examples'), join(dir, 'examples'), { recursive: true, filter: skip });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The environment of a block: no node_modules/.bin on PATH, no colour, npm never downloads. */
function blockEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  env.PATH = (env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !entry.split(/[\\/]/).includes('node_modules'))
    .join(delimiter);
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  env.npm_config_offline = 'true';
  env.npm_config_update_notifier = 'false';
  return env;
}

interface BashRun {
  code: number | null;
  output: string;
}

/**
 * Runs `script` with bash in `cwd`, after the variables the page's earlier blocks set (kept in
 * `stateFile`), and saves the variables it sets for the blocks after it.
 */
function runBash(script: string, cwd: string, stateFile: string): Promise<BashRun> {
  const bin = JSON.stringify(join(cwd, 'node_modules', '.bin', 'exroute'));
  const wrapped = [
    // `npx exroute` runs the local node_modules/.bin/exroute, as npx does — without npm's own
    // start-up (most of a block's time). Anything else still goes to the real npx.
    `npx() { if [ "$1" = exroute ] && [ -x ${bin} ]; then shift; ${bin} "$@"; else command npx "$@"; fi; }`,
    'set -eo pipefail',
    '__exroute_before=" $(compgen -v | tr "\\n" " ") "',
    `[ -f ${JSON.stringify(stateFile)} ] && source ${JSON.stringify(stateFile)}`,
    `trap '__exroute_save' EXIT`,
    '__exroute_save() { for v in $(compgen -v); do case "$__exroute_before" in *" $v "*) ;; *) declare -p "$v" 2>/dev/null;; esac; done > ' +
      JSON.stringify(stateFile) +
      '; }',
    script,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', wrapped], {
      cwd,
      env: blockEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: BLOCK_TIMEOUT_MS,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function writeInSandbox(sandbox: string, path: string, text: string): string {
  const absolute = join(sandbox, path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, text);
  return absolute;
}

function title(page: string, block: RunnableBlock): string {
  const what =
    block.action.kind === 'run'
      ? `runs${block.action.exitCode !== 0 ? ` (exit ${block.action.exitCode})` : ''}`
      : block.action.kind === 'output'
        ? `shows the output${block.action.command !== undefined ? ` of ${block.action.command}` : ''}`
        : `${block.action.kind} ${block.action.path}`;
  return `${page}:${block.line} ${what}`;
}

for (const page of PAGES) {
  const { blocks, problems } = extractRunnableBlocks(readFileSync(join(REPO, page), 'utf8'));
  describe(page, () => {
    it('has only known runnable markers, each before a fenced block', () => {
      expect(problems.map((p) => `${page}:${p.line} ${p.message}`)).toEqual([]);
    });
    if (blocks.length === 0) return;

    let sandbox: string | undefined;
    let last: BashRun | undefined;
    const sandboxOf = (): string => (sandbox ??= makeSandbox());
    for (const block of blocks) {
      it(
        title(page, block),
        async () => {
          const dir = sandboxOf();
          const state = join(dir, '.doc-shell-state');
          const action = block.action;
          switch (action.kind) {
            case 'file':
              writeInSandbox(dir, action.path, block.text);
              return;
            case 'suite': {
              writeInSandbox(dir, action.path, block.text);
              const run = await runBash(`npx exroute test ${action.path}`, dir, state);
              expect(run.code, run.output).toBe(0);
              return;
            }
            case 'run':
              last = await runBash(block.text, dir, state);
              expect(last.code, `${block.text}\n---\n${last.output}`).toBe(action.exitCode);
              return;
            case 'output': {
              const source =
                action.command !== undefined ? await runBash(action.command, dir, state) : last;
              expect(source, 'an output block needs a run block before it').toBeDefined();
              expect(
                unmatchedOutputLines(block.text, source?.output ?? ''),
                source?.output,
              ).toEqual([]);
              return;
            }
          }
        },
        BLOCK_TIMEOUT_MS + 30_000,
      );
    }
  });
}
