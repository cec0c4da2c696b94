/** The `exroute` dispatcher: picks the command, handles --help/--version and usage errors. */
import { readFileSync } from 'node:fs';
import { ExrouteError, didYouMean } from '@exroute/core';
import type { CliIo } from './cli-io.js';
import { commandHelp, parseCommandLine } from './command.js';
import type { Command } from './command.js';
import { explainCommand } from './commands/explain.js';
import { graphCommand } from './commands/graph.js';
import { lintCommand } from './commands/lint.js';
import { routeCommand } from './commands/route.js';
import { serveCommand } from './commands/serve.js';
import { deadLettersCommand } from './commands/dead-letters.js';
import { auditCommand } from './commands/audit.js';
import { diffCommand } from './commands/diff.js';
import { matrixCommand } from './commands/matrix.js';
import { testCommand } from './commands/test.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';
import { CliUsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { printDiagnosticLines } from './output/diagnostics.js';
import { colorEnabled } from './cli-io.js';

/** Every command, in the order `exroute --help` lists them. */
export const COMMANDS: readonly Command[] = [
  validateCommand,
  testCommand,
  routeCommand,
  explainCommand,
  lintCommand,
  verifyCommand,
  graphCommand,
  diffCommand,
  matrixCommand,
  serveCommand,
  deadLettersCommand,
  auditCommand,
];

/**
 * Runs `exroute` with `argv` (without the node and script paths) against `io`; resolves to the
 * exit code and never rejects: bad input is printed as diagnostics.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic !== undefined ? commandHelp(topic) : mainHelp());
    return name === undefined ? ExitCode.invalid : ExitCode.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const hint = didYouMean(
      name,
      COMMANDS.map((c) => c.name),
    );
    io.stderr.write(
      `exroute: unknown command '${name}'${hint !== undefined ? ` (${hint})` : ''}\n\n${mainHelp()}`,
    );
    return ExitCode.invalid;
  }
  try {
    const parsed = parseCommandLine(command, rest);
    if (parsed.values.help === true) {
      io.stdout.write(commandHelp(command));
      return ExitCode.ok;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr.write(
        `exroute ${command.name}: ${error.message}\nRun 'exroute ${command.name} --help' for usage.\n`,
      );
      return ExitCode.invalid;
    }
    if (error instanceof ExrouteError) {
      printDiagnosticLines(io.stderr, error.diagnostics, colorEnabled(io.stderr, io.env));
      return ExitCode.invalid;
    }
    io.stderr.write(
      `exroute ${command.name}: EXR_CLI_INTERNAL  unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return ExitCode.invalid;
  }
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: exroute <command> [options]',
    '',
    'Route OpenText Exstream events to OpenText Notifications with YAML rules.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'exroute <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 failures found, 2 usage error or invalid input.',
    'Colour is used only on a terminal, and never when NO_COLOR is set.',
    '',
  ].join('\n');
}

function packageVersion(): string {
  try {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
