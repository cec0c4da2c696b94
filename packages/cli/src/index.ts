// The public API of @exroute/cli: run the `exroute` command in-process (the bin is a thin wrapper).

export { runCli, COMMANDS } from './main.js';
export type { CliIo, CliOutput } from './cli-io.js';
export { colorEnabled } from './cli-io.js';
export { ExitCode } from './exit-codes.js';
export type { ExitCodeValue } from './exit-codes.js';
export { CliUsageError } from './errors.js';
export type { Command, OptionSpec, ParsedCommand } from './command.js';
