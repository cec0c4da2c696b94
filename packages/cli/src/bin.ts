#!/usr/bin/env node
// The `exroute` executable: wires the real process streams into runCli.
import { runCli } from './main.js';

// A reader that stops early (`exroute route … | head`) closes the pipe; that is the reader's
// choice, not a failure, so end quietly as Unix tools do instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
