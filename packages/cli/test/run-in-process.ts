import { PassThrough } from 'node:stream';
import { runCli } from '@exroute/cli';
import type { CliRun } from './run-exroute.js';

/** A captured output stream; `isTTY` is what the CLI sees. */
class Captured {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/**
 * Runs `exroute ...args` in this process through `runCli`, as `bin.js` does but without the
 * ~0.3 s of a Node start: the same commands, parser and output, with pipes (not terminals) for
 * stdout and stderr unless `tty` says otherwise. `env` replaces the environment entirely.
 * Reports show paths relative to the process's working directory, as they do for a user in a
 * shell, so the run changes into `cwd` and back (vitest runs each test file in its own process).
 */
export async function runInProcess(
  args: readonly string[],
  options: {
    cwd: string;
    input?: string;
    env?: Record<string, string>;
    tty?: { stdout?: boolean; stderr?: boolean };
  },
): Promise<CliRun> {
  const stdout = new Captured(options.tty?.stdout ?? false);
  const stderr = new Captured(options.tty?.stderr ?? false);
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  // The working directory is process-wide: runs take turns, so concurrent ones never mix.
  const turn = queue.then(async () => {
    const previous = process.cwd();
    process.chdir(options.cwd);
    try {
      return await runCli(args, {
        stdout,
        stderr,
        stdin,
        env: options.env ?? {},
        cwd: options.cwd,
      });
    } finally {
      process.chdir(previous);
    }
  });
  queue = turn.catch(() => undefined);
  const code = await turn;
  return { code, stdout: stdout.text, stderr: stderr.text };
}

let queue: Promise<unknown> = Promise.resolve();
