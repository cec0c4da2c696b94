import { ExrouteError } from '@exroute/core';

/** A command line the CLI cannot act on (unknown flag, missing argument, bad number, …). */
export class CliUsageError extends ExrouteError {
  /** The command whose `--help` explains the fix, when known. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super('EXR_CLI_USAGE', message, [{ code: 'EXR_CLI_USAGE', severity: 'error', message }]);
    this.command = command;
  }
}
