import { resolve } from 'node:path';
import {
  formatJsonReport,
  formatJunitReport,
  formatPrettyReport,
  meetsMinimumCoverage,
  runSuites,
} from '@exroute/testing';
import type { Command } from '../command.js';
import { flag, numberValue, stringValue } from '../command.js';
import { colorEnabled } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { writeOutput } from './graph.js';

const REPORTERS = ['pretty', 'json', 'junit'] as const;
type Reporter = (typeof REPORTERS)[number];

/** `exroute test [paths...]`: run rule suites. */
export const testCommand: Command = {
  name: 'test',
  summary: 'Run rule suites (*.suite.yaml) against the core router.',
  usage: 'exroute test [options] [paths...]',
  details: `
Runs every case of the suite files given (directories are searched recursively for
*.suite.yaml / *.suite.yml; default: the current directory). Each case routes its event through
the real router with the clock frozen at its \`at\`, and compares the decision with \`expect\`.
A failure prints the expectation, what happened, and the explain trace of the event.

With --filter, coverage (and --min-coverage) counts only the selected cases: a rule that only
unselected cases exercise counts as not matched.

Reporters: pretty (default, for people), json (the full result), junit (for CI servers).
With --output the report goes to FILE and a pretty summary to stdout.
--format json is the same as --reporter json.

Exit codes: 0 all cases passed (and coverage met), 1 failed cases or coverage below
--min-coverage, 2 usage error or invalid input (unreadable suites, invalid rules or events).`,
  options: {
    reporter: {
      type: 'string',
      short: 'r',
      valueName: 'pretty|json|junit',
      description: 'report format (default pretty)',
    },
    format: {
      type: 'string',
      valueName: 'text|json',
      description: 'json is an alias for --reporter json',
    },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FILE',
      description: 'write the report to FILE',
    },
    coverage: { type: 'boolean', description: 'list the rules no case matched' },
    'min-coverage': {
      type: 'string',
      valueName: 'N',
      description: 'fail when fewer than N percent of the rules are matched by some case',
    },
    filter: {
      type: 'string',
      valueName: 'TEXT',
      description: 'run only cases whose name contains TEXT (coverage then counts only them)',
    },
  },
  async run(parsed, io) {
    const reporter = chooseReporter(stringValue(parsed, 'reporter'), stringValue(parsed, 'format'));
    const minCoverage = numberValue(parsed, 'min-coverage', 'test', { min: 0, max: 100 });
    const filter = stringValue(parsed, 'filter');
    const paths = parsed.positionals.length > 0 ? parsed.positionals : ['.'];
    const result = await runSuites(
      paths.map((path) => resolve(io.cwd, path)),
      filter !== undefined ? { filter } : {},
    );
    const coverageOptions = {
      coverage: flag(parsed, 'coverage'),
      ...(filter !== undefined ? { filter } : {}),
      ...(minCoverage !== undefined ? { minCoverage } : {}),
    };
    const render = (color: boolean): string =>
      reporter === 'json'
        ? formatJsonReport(result)
        : reporter === 'junit'
          ? formatJunitReport(result)
          : formatPrettyReport(result, { ...coverageOptions, color });
    const stdoutColor = colorEnabled(io.stdout, io.env);
    const output = stringValue(parsed, 'output');
    if (output === undefined) {
      io.stdout.write(render(stdoutColor));
    } else {
      await writeOutput(resolve(io.cwd, output), render(false));
      io.stdout.write(formatPrettyReport(result, { ...coverageOptions, color: stdoutColor }));
    }
    if (result.diagnostics.length > 0 || result.summary.errors > 0) return ExitCode.invalid;
    if (result.summary.failed > 0) return ExitCode.failures;
    if (minCoverage !== undefined && !meetsMinimumCoverage(result.coverage, minCoverage)) {
      return ExitCode.failures;
    }
    return ExitCode.ok;
  },
};

function chooseReporter(reporter: string | undefined, format: string | undefined): Reporter {
  if (format !== undefined && format !== 'json' && format !== 'text') {
    throw new CliUsageError(`--format must be 'text' or 'json', got '${format}'`, 'test');
  }
  if (reporter !== undefined && !REPORTERS.includes(reporter as Reporter)) {
    throw new CliUsageError(
      `--reporter must be one of ${REPORTERS.join(', ')}, got '${reporter}'`,
      'test',
    );
  }
  if (format === 'json') {
    if (reporter !== undefined && reporter !== 'json') {
      throw new CliUsageError('--format json conflicts with --reporter; give only one', 'test');
    }
    return 'json';
  }
  return (reporter as Reporter | undefined) ?? 'pretty';
}
