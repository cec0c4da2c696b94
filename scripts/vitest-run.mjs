// `pnpm test` (after the build): `vitest run`, colourless when stdout is not a terminal.
//
// vitest's colours (tinyrainbow) are on whenever TERM is not "dumb", even in a pipe, a file or a
// CI log; --no-color is the one switch it honours everywhere. FORCE_COLOR still forces colour.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const manifest = createRequire(import.meta.url).resolve('vitest/package.json');
const vitest = join(dirname(manifest), 'vitest.mjs');
const args = ['run', ...process.argv.slice(2)];
if (process.stdout.isTTY !== true && !('FORCE_COLOR' in process.env)) args.push('--no-color');

const child = spawn(process.execPath, [vitest, ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal !== null ? 1 : 0);
});
