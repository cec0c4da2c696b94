import { resolve } from 'node:path';
import { buildNotificationMatrix, formatMatrixCsv, formatMatrixMarkdown } from '@exroute/testing';
import type { Command } from '../command.js';
import { clockValue, stringValue, stringValues } from '../command.js';
import { colorEnabled } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { requireRuleSet } from '../input/require-rule-set.js';
import { CLOCK_OPTION } from '../input/routing-options.js';
import { printDiagnosticLines } from '../output/diagnostics.js';
import { writeOutput } from './graph.js';

/** `exroute matrix <paths...>`: per document type × region, who is notified of what. */
export const matrixCommand: Command = {
  name: 'matrix',
  summary: 'Print who is notified of what, per document type × region (Markdown or CSV).',
  usage: 'exroute matrix [options] <paths...>',
  details: `
Collects the document types, regions and event types the rule set mentions (in conditions, in
region groups and regionCalendars; a \`within\` group counts as its member codes), adds one value
it does not mention, "(other)", and "(none)" for an event without the field, and routes one
event per combination through the router. Each notification becomes a row: document type,
region, event type, template, channel, recipients, rules. A document type × region that no
event type notifies gets one "nobody is notified" row.

Representative events have priority normal, no channel and empty data, at --at (default now);
rules that also read other fields are listed under the table.

--format markdown (default), csv (recipients, addresses and rules ;-separated) or json.

Exit codes: 0 ok, 2 usage error, invalid rules or a vocabulary too large (use --type).`,
  options: {
    format: {
      type: 'string',
      valueName: 'markdown|csv|json',
      description: 'output format (default markdown)',
    },
    at: CLOCK_OPTION,
    type: {
      type: 'string',
      multiple: true,
      valueName: 'TYPE',
      description: 'only this event type (default: every type the rules mention, plus one other)',
    },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FILE',
      description: 'write to FILE instead of stdout',
    },
  },
  async run(parsed, io) {
    const format = stringValue(parsed, 'format') ?? 'markdown';
    if (format !== 'markdown' && format !== 'csv' && format !== 'json') {
      throw new CliUsageError(`--format must be markdown, csv or json, got '${format}'`, 'matrix');
    }
    const at = clockValue(parsed, 'matrix');
    const types = stringValues(parsed, 'type');
    for (const type of types) {
      if (!/^[a-z0-9_]+(\.[a-z0-9_]+)*$/.test(type) || type.length > 200) {
        throw new CliUsageError(
          `--type takes a dotted lower-case event type such as delivery.failed, got '${type.slice(0, 100)}'`,
          'matrix',
        );
      }
    }
    if (parsed.positionals.length === 0) {
      throw new CliUsageError('give at least one rule file or directory', 'matrix');
    }
    const loaded = await requireRuleSet(parsed.positionals, io);
    if (loaded === undefined) return ExitCode.invalid;
    const matrix = buildNotificationMatrix(loaded.ruleSet, {
      ...(at !== undefined ? { at } : {}),
      ...(types.length > 0 ? { types } : {}),
    });
    if (matrix.diagnostics.length > 0) {
      printDiagnosticLines(io.stderr, matrix.diagnostics, colorEnabled(io.stderr, io.env));
      return ExitCode.invalid;
    }
    const rendered =
      format === 'json'
        ? `${JSON.stringify(matrix, null, 2)}\n`
        : format === 'csv'
          ? formatMatrixCsv(matrix)
          : formatMatrixMarkdown(matrix);
    const output = stringValue(parsed, 'output');
    if (output === undefined) io.stdout.write(rendered);
    else await writeOutput(resolve(io.cwd, output), rendered);
    return ExitCode.ok;
  },
};
