import { displayPath, verifyInvariants } from '@exroute/testing';
import type { InvariantVerification, VerifyReport } from '@exroute/testing';
import type { Command } from '../command.js';
import { TEXT_OR_JSON_FORMAT_OPTION, numberValue, outputFormat } from '../command.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { requireRuleSet } from '../input/require-rule-set.js';

/** `exroute verify <paths...>`: would the rules alone break an invariant for any event? */
export const verifyCommand: Command = {
  name: 'verify',
  summary:
    'Check that the rules alone meet every invariant, on events built from their own vocabulary.',
  usage: 'exroute verify [options] <paths...>',
  details: `
Builds events from the rule set's own vocabulary — every value a rule condition, an invariant's
\`for\`, a region group or a calendar mentions, plus boundary values around numeric, date and
business-hours comparisons — routes each through the rules alone (without the invariants, which
would repair the decision at run time) and reports every invariant the rules would have broken:
the counter-example event, what it lacked, the rules that matched and the \`stop\` rule that cut
evaluation short.

Bounded: a pairwise covering array (every value of every field meets every value of every other
field at least once) of at most --max-events events, at most 48 values per field, plus one
event per (invariant, rule) pair built to satisfy both, again at most --max-events.

Exit codes: 0 no invariant broken, 1 some invariant broken, 2 usage error or invalid rules.`,
  options: {
    format: TEXT_OR_JSON_FORMAT_OPTION,
    'max-events': {
      type: 'string',
      valueName: 'N',
      description: 'events per generation phase (default 5000, at most 1000000)',
    },
  },
  async run(parsed, io) {
    const format = outputFormat(parsed, 'verify');
    const maxEvents = numberValue(parsed, 'max-events', 'verify', { min: 1, max: 1_000_000 });
    if (parsed.positionals.length === 0) {
      throw new CliUsageError('give at least one rule file or directory', 'verify');
    }
    const loaded = await requireRuleSet(parsed.positionals, io);
    if (loaded === undefined) return ExitCode.invalid;
    const report = verifyInvariants(
      loaded.ruleSet,
      maxEvents === undefined ? {} : { maxEvents: Math.floor(maxEvents) },
    );
    if (format === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(verifyText(report, io.cwd));
    return report.violated > 0 ? ExitCode.failures : ExitCode.ok;
  },
};

/** The terminal report: one block per invariant, a summary line. */
export function verifyText(report: VerifyReport, cwd: string): string {
  const lines: string[] = [];
  if (report.invariants.length === 0) {
    lines.push('No invariants in these rules: nothing to verify.');
    return `${lines.join('\n')}\n`;
  }
  for (const invariant of report.invariants) lines.push(...invariantLines(invariant, cwd));
  lines.push('');
  lines.push(
    `Invariants: ${report.invariants.length - report.violated} kept, ${report.violated} broken   Events: ${report.events}${report.pairwiseComplete ? ' (every pair of values covered)' : ` (pairwise coverage cut at ${report.bound.maxEvents} events)`}`,
  );
  return `${lines.join('\n')}\n`;
}

function invariantLines(invariant: InvariantVerification, cwd: string): string[] {
  const where = `${displayPath(invariant.file, cwd)}:${invariant.line}`;
  const example = invariant.counterExample;
  if (example === undefined) {
    return [
      `✓ ${invariant.invariantId}  ${where}  kept on ${invariant.eventsCovered} event(s) it covers${invariant.eventsCovered === 0 ? ' (no generated event matched its for)' : ''}`,
    ];
  }
  const lines = [
    `✗ ${invariant.invariantId}  ${where}  broken on ${invariant.violations} of ${invariant.eventsCovered} event(s)`,
    `    counter-example: ${JSON.stringify(example.event)}  at ${example.now}`,
  ];
  for (const missing of example.missing) {
    lines.push(
      missing.missingNotification
        ? `    missing: ${missing.template} on ${missing.channel} to ${missing.recipients.join(', ')} (no rule sent it)`
        : `    missing: ${missing.recipients.join(', ')} on ${missing.template}/${missing.channel}`,
    );
  }
  lines.push(
    example.matched.length === 0
      ? '    rules: none matched'
      : `    rules: ${example.matched.map((m) => `${m.ruleId} (${displayPath(m.file, cwd)}:${m.line})`).join(', ')}`,
  );
  if (example.stoppedBy !== undefined) {
    lines.push(
      `    stopped by: ${example.stoppedBy.ruleId} (${displayPath(example.stoppedBy.file, cwd)}:${example.stoppedBy.line}) has stop: true`,
    );
  }
  return lines;
}
