import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createRouter } from '@exroute/core';
import { describeDispatch, formatDispatchView, formatExplanation } from '@exroute/testing';
import type { Command } from '../command.js';
import { TEXT_OR_JSON_FORMAT_OPTION, flag, outputFormat } from '../command.js';
import { colorEnabled } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { toEvent, positioned } from '../input/event-input.js';
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

The clock is the current time unless --at freezes it.

--state adds the dispatch view (docs/notification-policies.md): for each notification what a
dispatcher with a fresh in-memory state would do (sent, grouped, deferred), the policy's group
values and dedup/throttle keys for this event, the inhibit rules that could mute it or that it
starts, and when each escalation step would fire. Earlier events are not known here; stateful
suites (docs/testing-rules.md) test sequences.

Exit codes: 0 explained, 2 usage error, invalid rules or invalid event.`,
  options: {
    rules: RULES_OPTION,
    normalize: {
      type: 'boolean',
      description: 'the input is a raw Exstream payload: normalize it first',
    },
    at: CLOCK_OPTION,
    verbose: {
      type: 'boolean',
      short: 'v',
      description: 'show the condition trees of matched rules too',
    },
    state: {
      type: 'boolean',
      description:
        'add the dispatch view: verdicts on a fresh state, keys, inhibit rules, escalations',
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
    const { text, file } = await readEventText(eventPath, io);
    const json = parseJsonText(text, file);
    if ('diagnostic' in json) {
      printDiagnosticLines(io.stderr, [json.diagnostic], errorColor);
      return ExitCode.invalid;
    }
    const input = toEvent(json.value, flag(parsed, 'normalize'), file, 1);
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
    const dispatch = flag(parsed, 'state')
      ? await describeDispatch(
          loaded.ruleSet,
          input.event,
          explanation.decision,
          new Date(explanation.now),
        )
      : undefined;
    const color = colorEnabled(io.stdout, io.env);
    if (format === 'json') {
      const output = dispatch === undefined ? explanation : { ...explanation, dispatch };
      io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    } else {
      io.stdout.write(
        `${formatExplanation(explanation, { color, verbose: flag(parsed, 'verbose') })}\n`,
      );
      if (dispatch !== undefined) io.stdout.write(`\n${formatDispatchView(dispatch, { color })}\n`);
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
