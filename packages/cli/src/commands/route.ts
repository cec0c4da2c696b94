import { EventEmitter, once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createRouter } from '@exroute/core';
import type { Diagnostic, Router } from '@exroute/core';
import { BatchDelivery, toNotificationRequests } from '@exroute/notifications';
import type { Command } from '../command.js';
import { flag } from '../command.js';
import { colorEnabled } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { DELIVERY_ENV, deliverySettings } from '../input/delivery-settings.js';
import {
  MAPPING_OPTION,
  NORMALIZE_OPTION,
  positioned,
  readEventReading,
  toEvent,
} from '../input/event-input.js';
import type { EventReading } from '../input/event-input.js';
import { diagnosticsOfError } from '../input/load-rules.js';
import { parseJsonText } from '../input/parse-json.js';
import { requireRuleSet } from '../input/require-rule-set.js';
import { CLOCK_OPTION, RULES_OPTION, readRoutingOptions } from '../input/routing-options.js';
import { printDiagnosticLines } from '../output/diagnostics.js';
import { PROGRESS_MIN_BYTES, ProgressBar } from '../output/progress-bar.js';

/** Lines longer than this are reported, not parsed: no event needs a megabyte. */
export const MAX_LINE_CHARS = 1024 * 1024;

/** Requests are handed to the client in batches of this many, so its concurrency is used. */
const SEND_BATCH = 200;

/** `exroute route --rules <paths> [events.jsonl | -]`: JSON Lines in, decisions out. */
export const routeCommand: Command = {
  name: 'route',
  summary: 'Route events (JSON Lines) and print one decision per line; optionally send them.',
  usage: 'exroute route --rules <paths> [options] [events.jsonl | -]',
  details: `
Reads one event per line (from the file, or stdin when the file is - or absent), routes it and
prints its RoutingDecision as one JSON line on stdout. Blank lines are skipped. A line that is
not valid JSON, not an event, or fails event validation is reported on stderr as
  file:line:column  CODE  message
and counted; a summary line on stderr ends the run. On a terminal, inputs over 1 MiB show a
progress bar on stderr.

--normalize treats each line as a raw Exstream payload (tracking event, orchestration job,
design-asset change or CloudEvent) and normalizes it first. --mapping FILE normalizes with your
tenant's mapping file (document types, regions, priorities), as the demo does; it implies
--normalize.

--send also delivers each decision through OpenText Notifications, at least once, with retries.
A notification deferred by its rule (sendAt later than now, e.g. deferUntil: businessHours) is
NOT sent: it is reported as EXR_CLI_SEND_DEFERRED, counted, and makes the exit code 1, because
this command keeps no schedule and sending it now would be early.
Settings come from flags or, when a flag is absent, from these environment variables:
  ${DELIVERY_ENV.baseUrl.padEnd(28)}--notifications-url   API host, e.g. https://t2api.us.cloudmessaging.opentext.com
  ${DELIVERY_ENV.authUrl.padEnd(28)}--auth-url            token host, e.g. https://us.api.opentext.com
  ${DELIVERY_ENV.tenant.padEnd(28)}--tenant              tenant id
  ${DELIVERY_ENV.clientId.padEnd(28)}--client-id           service client id
  ${DELIVERY_ENV.clientSecret.padEnd(28)}(environment only)    service client secret
  ${DELIVERY_ENV.outbox.padEnd(28)}--outbox              outbox file (JSON Lines) for crash-safe delivery
  ${DELIVERY_ENV.deadLetters.padEnd(28)}--dead-letters        file receiving requests that finally failed
Secrets are never printed.

Exit codes: 0 every line routed (and delivered), 1 bad lines, undelivered or deferred requests,
2 usage error, invalid rules or unusable delivery settings.`,
  options: {
    rules: RULES_OPTION,
    normalize: NORMALIZE_OPTION,
    mapping: MAPPING_OPTION,
    at: CLOCK_OPTION,
    send: {
      type: 'boolean',
      description: 'deliver the notifications through OpenText Notifications',
    },
    'notifications-url': {
      type: 'string',
      valueName: 'URL',
      description: `Notifications API host (${DELIVERY_ENV.baseUrl})`,
    },
    'auth-url': {
      type: 'string',
      valueName: 'URL',
      description: `token host (${DELIVERY_ENV.authUrl})`,
    },
    tenant: { type: 'string', valueName: 'ID', description: `tenant id (${DELIVERY_ENV.tenant})` },
    'client-id': {
      type: 'string',
      valueName: 'ID',
      description: `service client id (${DELIVERY_ENV.clientId})`,
    },
    outbox: {
      type: 'string',
      valueName: 'FILE',
      description: `outbox file (${DELIVERY_ENV.outbox})`,
    },
    'dead-letters': {
      type: 'string',
      valueName: 'FILE',
      description: `dead-letter file (${DELIVERY_ENV.deadLetters})`,
    },
    'allow-insecure-http': {
      type: 'boolean',
      description: 'allow plain http to a non-loopback test server',
    },
    progress: {
      type: 'boolean',
      description: 'show the progress bar whatever the input size (terminal only)',
    },
  },
  async run(parsed, io) {
    const { rulePaths, routerOptions } = readRoutingOptions(parsed, 'route');
    if (parsed.positionals.length > 1) {
      throw new CliUsageError('give at most one events file (or - for stdin)', 'route');
    }
    const errorColor = colorEnabled(io.stderr, io.env);
    const loaded = await requireRuleSet(rulePaths, io);
    if (loaded === undefined) return ExitCode.invalid;
    const reading = await readEventReading(parsed, io);
    const router = createRouter(loaded.ruleSet, routerOptions);
    const input = openInput(parsed.positionals[0] ?? '-', io);
    let delivery: BatchDelivery | undefined;
    if (flag(parsed, 'send')) {
      try {
        delivery = await BatchDelivery.open({
          ...deliverySettings(parsed, io),
          batchSize: SEND_BATCH,
          onUndelivered: (diagnostic) => printDiagnosticLines(io.stderr, [diagnostic], errorColor),
        });
      } catch (error) {
        printDiagnosticLines(io.stderr, diagnosticsOfError(error), errorColor);
        return ExitCode.invalid;
      }
    }
    const progress =
      io.stderr.isTTY === true && (flag(parsed, 'progress') || input.size >= PROGRESS_MIN_BYTES)
        ? new ProgressBar(io.stderr, input.size)
        : undefined;
    const counts = await routeLines(input, router, reading, io, delivery, progress, errorColor);
    progress?.finish();
    const undelivered = delivery !== undefined ? await delivery.finish() : 0;
    io.stderr.write(
      `routed ${counts.routed} events from ${counts.lines} lines; ${counts.bad} bad lines${
        delivery !== undefined
          ? `; ${delivery.delivered} requests delivered, ${undelivered} not delivered${
              delivery.deferred > 0 ? `, ${delivery.deferred} deferred (not sent)` : ''
            }`
          : ''
      }\n`,
    );
    const unsent = undelivered + (delivery?.deferred ?? 0);
    return counts.bad > 0 || unsent > 0 ? ExitCode.failures : ExitCode.ok;
  },
};

interface LineInput {
  stream: Readable;
  file: string;
  /** Bytes, or 0 when unknown (stdin). */
  size: number;
  bytesRead: () => number;
}

/**
 * Opens the events input without starting to read it (no 'data' listener), so nothing flows
 * before readline is attached, however long delivery setup takes.
 */
function openInput(path: string, io: CliIo): LineInput {
  if (path === '-') return { stream: io.stdin, file: '<stdin>', size: 0, bytesRead: () => 0 };
  const absolute = resolve(io.cwd, path);
  let size: number;
  try {
    const stats = statSync(absolute);
    if (!stats.isFile()) throw new Error('not a file');
    size = stats.size;
  } catch {
    throw new CliUsageError(
      `cannot read '${path}'; give a JSON Lines file or - for stdin`,
      'route',
    );
  }
  const stream = createReadStream(absolute);
  return { stream, file: path, size, bytesRead: () => stream.bytesRead };
}

async function routeLines(
  input: LineInput,
  router: Router,
  reading: EventReading,
  io: CliIo,
  delivery: BatchDelivery | undefined,
  progress: ProgressBar | undefined,
  color: boolean,
): Promise<{ lines: number; routed: number; bad: number }> {
  const counts = { lines: 0, routed: 0, bad: 0 };
  const reportBad = (diagnostics: Diagnostic[]): void => {
    counts.bad += 1;
    printDiagnosticLines(io.stderr, diagnostics, color);
  };
  const lines = createInterface({ input: input.stream, crlfDelay: Infinity });
  for await (const text of lines) {
    counts.lines += 1;
    const lineNumber = counts.lines;
    progress?.update(input.bytesRead(), counts.routed, counts.bad);
    if (text.trim() === '') continue;
    if (text.length > MAX_LINE_CHARS) {
      reportBad([
        {
          code: 'EXR_CLI_LINE_TOO_LONG',
          severity: 'error',
          message: `line is longer than ${MAX_LINE_CHARS} characters; one event per line, at most 1 MiB`,
          file: input.file,
          line: lineNumber,
          column: 1,
        },
      ]);
      continue;
    }
    const json = parseJsonText(text, input.file, lineNumber - 1);
    if ('diagnostic' in json) {
      reportBad([json.diagnostic]);
      continue;
    }
    const parsed = toEvent(json.value, reading, input.file, lineNumber);
    if ('diagnostics' in parsed) {
      reportBad(parsed.diagnostics);
      continue;
    }
    let decision;
    try {
      decision = router.route(parsed.event);
    } catch (error) {
      reportBad(diagnosticsOfError(error).map((d) => positioned(d, input.file, lineNumber)));
      continue;
    }
    counts.routed += 1;
    await writeWithBackpressure(io.stdout, `${JSON.stringify(decision)}\n`);
    if (delivery !== undefined) {
      const mapping = toNotificationRequests(decision, parsed.event);
      printDiagnosticLines(
        io.stderr,
        mapping.diagnostics.map((d) => positioned(d, input.file, lineNumber)),
        color,
      );
      for (const request of await delivery.add(mapping.requests)) {
        printDiagnosticLines(
          io.stderr,
          [
            {
              code: 'EXR_CLI_SEND_DEFERRED',
              severity: 'warning',
              message: `not sent: ${request.origin.template} on ${request.channel} for event ${request.origin.eventId} is deferred until ${request.sendAt}, and 'route --send' sends only what is due now (run it again from that time, or deliver through a scheduler)`,
              file: input.file,
              line: lineNumber,
              column: 1,
            },
          ],
          color,
        );
      }
    }
  }
  return counts;
}

/** Writes and, when the stream's buffer is full, waits for it to drain so memory stays flat. */
async function writeWithBackpressure(out: CliIo['stdout'], text: string): Promise<void> {
  if (out.write(text) !== false) return;
  if (out instanceof EventEmitter) await once(out, 'drain');
}
