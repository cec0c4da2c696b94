import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built bin: `pnpm test` builds before vitest runs; locally run `npx tsc -b packages/cli`. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** What one run of the CLI produced. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `node dist/bin.js ...args` in `cwd` with a clean colour environment. */
export function runExroute(
  args: readonly string[],
  options: { cwd: string; input?: string; env?: Record<string, string> },
): Promise<CliRun> {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: build first with \`npx tsc -b packages/cli\``);
  }
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.env?.NO_COLOR === undefined) delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
