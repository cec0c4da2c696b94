import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createRouter } from '@exroute/core';
import { formatExplanation } from '@exroute/testing';
import type { Command } from '../command.js';
import { TEXT_OR_JSON_FORMAT_OPTION, flag, outputFormat } from '../command.js';
import { colorEnabled } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import {
  MAPPING_OPTION,
  NORMALIZE_OPTION,
  positioned,
  readEventReading,
  toEvent,
} from '../input/event-input.js';
import { diagnosticsOfError } from '../input/load-rules.js';
import { parseJsonText } from '../input/parse-json.js';
import { requireRuleSet } from '../input/require-rule-set.js';
import { CLOCK_OPTION, RULES_OPTION, readRoutingOptions } from '../input/routing-options.js';
import { printDiagnosticLines } from '../output/diagnostics.js';

/** `exroute explain --rules <paths> <event.json>`: why each rule did or did not match. */
export const explainCommand: Command = {
  name: 'explain',
  summary: 'Explain how one event is routed: every rule, every condition, the actual values.',
  usage: 'exroute explain --rules <paths> [options] <event.json | ->',
  details: `
Routes one event (a JSON file, or - for stdin) and prints a trace: for every rule in
evaluation order whether it matched, was stopped by an earlier rule or was not effective, and
for the rules that did not match each condition with the value read from the event; then the
notifications the event produces. Time operators show the local time and calendar used.

The clock is the current time unless --at freezes it. --matched-only lists only the rules that
matched (--format json: only those in "rules"). --mapping FILE normalizes a raw Exstream
payload with your tenant's mapping file (implies --normalize).

Exit codes: 0 explained, 2 usage error, invalid rules or invalid event.`,
  options: {
    rules: RULES_OPTION,
    normalize: NORMALIZE_OPTION,
    mapping: MAPPING_OPTION,
    at: CLOCK_OPTION,
    verbose: {
      type: 'boolean',
      short: 'v',
      description: 'show the condition trees of matched rules too',
    },
    'matched-only': {
      type: 'boolean',
      description: 'list only the rules that matched (and count the others)',
    },
    format: TEXT_OR_JSON_FORMAT_OPTION,
  },
  async run(parsed, io) {
    const format = outputFormat(parsed, 'explain');
    const { rulePaths, routerOptions } = readRoutingOptions(parsed, 'explain');
    if (parsed.positionals.length !== 1) {
      throw new CliUsageError('give exactly one event file (or - for stdin)', 'explain');
    }
    const eventPath = parsed.positionals[0] ?? '-';
    const errorColor = colorEnabled(io.stderr, io.env);
    const loaded = await requireRuleSet(rulePaths, io);
    if (loaded === undefined) return ExitCode.invalid;
    const reading = await readEventReading(parsed, io);
    const { text, file } = await readEventText(eventPath, io);
    const json = parseJsonText(text, file);
    if ('diagnostic' in json) {
      printDiagnosticLines(io.stderr, [json.diagnostic], errorColor);
      return ExitCode.invalid;
    }
    const input = toEvent(json.value, reading, file, 1);
    if ('diagnostics' in input) {
      printDiagnosticLines(io.stderr, input.diagnostics, errorColor);
      return ExitCode.invalid;
    }
    const router = createRouter(loaded.ruleSet, routerOptions);
    let explanation;
    try {
      explanation = router.explain(input.event);
    } catch (error) {
      printDiagnosticLines(
        io.stderr,
        diagnosticsOfError(error).map((d) => positioned(d, file, 1)),
        errorColor,
      );
      return ExitCode.invalid;
    }
    const matchedOnly = flag(parsed, 'matched-only');
    const shown = matchedOnly
      ? { ...explanation, rules: explanation.rules.filter((rule) => rule.outcome === 'matched') }
      : explanation;
    if (format === 'json') io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    else {
      const hidden = explanation.rules.length - shown.rules.length;
      io.stdout.write(
        `${formatExplanation(shown, { color: colorEnabled(io.stdout, io.env), verbose: flag(parsed, 'verbose') })}\n${
          matchedOnly
            ? `(${hidden} other rule(s) did not match or were not in effect; drop --matched-only to see why)\n`
            : ''
        }`,
      );
    }
    return ExitCode.ok;
  },
};

/** One event never needs more than this; larger input is refused before parsing. */
const MAX_EVENT_BYTES = 5 * 1024 * 1024;

async function readEventText(path: string, io: CliIo): Promise<{ text: string; file: string }> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return { text: Buffer.concat(chunks).toString('utf8'), file: '<stdin>' };
  }
  try {
    const absolute = resolve(io.cwd, path);
    if ((await stat(absolute)).size > MAX_EVENT_BYTES) {
      throw new CliUsageError(
        `'${path}' is larger than ${MAX_EVENT_BYTES} bytes; give one event`,
        'explain',
      );
    }
    return { text: await readFile(absolute, 'utf8'), file: path };
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(
      `cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
      'explain',
    );
  }
}
