// Runs `exroute serve` as a real child process (the built CLI) for crash and signal tests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI; `pnpm test` builds before running the tests. */
export const CLI_BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

/** Whether the CLI is built (the process tests need it). */
export const hasBuiltCli = existsSync(CLI_BIN);

/** A running `exroute serve` child process. */
export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every JSON log line so far, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the exit code (or signal name) once the process ended. */
  readonly exited: Promise<number | string>;
}

/** Starts `exroute serve <args>` and resolves once it logged "service started" (with its URL). */
export async function startServiceProcess(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [CLI_BIN, 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `exroute serve did not start in ${timeoutMs} ms: ${stderr.slice(0, 2000)} ${JSON.stringify(logs).slice(0, 3000)}`,
        ),
      );
    }, timeoutMs);
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry['msg'] === 'service started') {
            clearTimeout(timer);
            resolve(String(entry['url']));
          }
        } catch {
          // not a log line
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exroute serve exited (${code}) before starting: ${stderr.slice(0, 2000)}`));
    });
  });
  return { url, child, logs, exited };
}
