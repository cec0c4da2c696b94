import type { Command } from '../command.js';
import { TEXT_OR_JSON_FORMAT_OPTION, outputFormat } from '../command.js';
import { colorEnabled } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { loadRulesFromPaths } from '../input/load-rules.js';
import {
  countDiagnostics,
  countLine,
  diagnosticsJson,
  printDiagnosticLines,
} from '../output/diagnostics.js';

/** `exroute validate <paths...>`: load rule files and report every problem. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check rule files: schema, references, conditions, calendars.',
  usage: 'exroute validate [options] <paths...>',
  details: `
Loads the rule files and directories given (directories are searched recursively for *.yaml
and *.yml; *.suite.yaml files are left out) as one rule set and prints every problem as
  file:line:column  CODE  message
followed by a count.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error or missing paths.`,
  options: {
    format: TEXT_OR_JSON_FORMAT_OPTION,
  },
  async run(parsed, io) {
    const format = outputFormat(parsed, 'validate');
    if (parsed.positionals.length === 0) {
      throw new CliUsageError('give at least one rule file or directory', 'validate');
    }
    const loaded = await loadRulesFromPaths(parsed.positionals, io.cwd);
    const { diagnostics } = loaded;
    if (loaded.badPaths) {
      printDiagnosticLines(io.stderr, diagnostics, colorEnabled(io.stderr, io.env));
      return ExitCode.invalid;
    }
    if (format === 'json') {
      io.stdout.write(diagnosticsJson(diagnostics, loaded.files));
    } else {
      printDiagnosticLines(io.stdout, diagnostics, colorEnabled(io.stdout, io.env));
      io.stdout.write(`${countLine(countDiagnostics(diagnostics), loaded.files.length)}\n`);
    }
    return countDiagnostics(diagnostics).errors > 0 ? ExitCode.failures : ExitCode.ok;
  },
};
