import { isRfc3339DateTime } from '@exroute/core';
import { REVIEW_FIELDS, lintRuleSet } from '@exroute/testing';
import type { ReviewField } from '@exroute/testing';
import type { Command } from '../command.js';
import { TEXT_OR_JSON_FORMAT_OPTION, numberValue, outputFormat, stringValue } from '../command.js';
import type { ParsedCommand } from '../command.js';
import { colorEnabled } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { requireRuleSet } from '../input/require-rule-set.js';
import {
  countDiagnostics,
  countLine,
  diagnosticsJson,
  printDiagnosticLines,
} from '../output/diagnostics.js';

/** `exroute lint <paths...>`: static analysis of a valid rule set. */
export const lintCommand: Command = {
  name: 'lint',
  summary: 'Find rules that can never match, unused recipients and templates, undocumented rules.',
  usage: 'exroute lint [options] <paths...>',
  details: `
Loads the rule set, then reports as diagnostics (file:line:column  CODE  message):
  EXR_LINT_SHADOWED_RULE        (error)   an earlier rule with stop: true matches every event this one would
  EXR_LINT_CONTRADICTION        (error)   the rule's conditions require a field to take incompatible values
  EXR_LINT_UNUSED_RECIPIENT     (warning) a directory entry no rule reaches, directly or through a group
  EXR_LINT_UNUSED_TEMPLATE      (warning) a template no rule uses
  EXR_LINT_MISSING_DESCRIPTION  (warning) a rule without a description
  EXR_LINT_REVIEW_OVERDUE       (warning) a rule whose reviewBy date has passed (today: --at, or now, in UTC)
  EXR_LINT_MISSING_REVIEW_FIELD (error)   with --require owner,approvedBy: a rule without one of them
The shadowing and contradiction checks are conservative: they only reason about equality
conditions (equal, in, notEqual, notIn with literal values) that must all hold, so every
finding is real, but not every unreachable rule is found.

Exit codes: 0 no errors (and warnings within --max-warnings), 1 findings, 2 usage error or
invalid rules (run exroute validate for details).`,
  options: {
    format: TEXT_OR_JSON_FORMAT_OPTION,
    at: {
      type: 'string',
      valueName: 'DATE',
      description: 'judge reviewBy dates as of this day (YYYY-MM-DD or RFC 3339; default today)',
    },
    require: {
      type: 'string',
      valueName: 'FIELDS',
      description: `review metadata every rule must have, comma-separated (${REVIEW_FIELDS.join(', ')})`,
    },
    'max-warnings': {
      type: 'string',
      valueName: 'N',
      description: 'fail (exit 1) when there are more than N warnings (default: no limit)',
    },
  },
  async run(parsed, io) {
    const format = outputFormat(parsed, 'lint');
    const maxWarnings = numberValue(parsed, 'max-warnings', 'lint', {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    });
    if (parsed.positionals.length === 0) {
      throw new CliUsageError('give at least one rule file or directory', 'lint');
    }
    requiredFields(parsed);
    reviewDay(parsed);
    const loaded = await requireRuleSet(parsed.positionals, io);
    if (loaded === undefined) return ExitCode.invalid;
    const diagnostics = lintRuleSet(loaded.ruleSet, {
      now: reviewDay(parsed),
      requireFields: requiredFields(parsed),
    });
    if (format === 'json') {
      io.stdout.write(diagnosticsJson(diagnostics, loaded.files));
    } else {
      printDiagnosticLines(io.stdout, diagnostics, colorEnabled(io.stdout, io.env));
      io.stdout.write(`${countLine(countDiagnostics(diagnostics), loaded.files.length)}\n`);
    }
    const counts = countDiagnostics(diagnostics);
    const tooManyWarnings = maxWarnings !== undefined && counts.warnings > maxWarnings;
    return counts.errors > 0 || tooManyWarnings ? ExitCode.failures : ExitCode.ok;
  },
};

/** `--require owner,approvedBy`, checked against the review fields rules can carry. */
function requiredFields(parsed: ParsedCommand): ReviewField[] {
  const raw = stringValue(parsed, 'require');
  if (raw === undefined) return [];
  const fields = raw.split(',').map((field) => field.trim());
  for (const field of fields) {
    if (!(REVIEW_FIELDS as readonly string[]).includes(field)) {
      throw new CliUsageError(
        `--require takes a comma-separated list of ${REVIEW_FIELDS.join(', ')}; '${field.slice(0, 100)}' is none of them`,
        'lint',
      );
    }
  }
  return [...new Set(fields as ReviewField[])];
}

/** `--at`: a date (YYYY-MM-DD) or an RFC 3339 instant; now when absent. */
function reviewDay(parsed: ParsedCommand): Date {
  const raw = stringValue(parsed, 'at');
  if (raw === undefined) return new Date();
  const full = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
  // The exact RFC 3339 check: `new Date` alone rolls 2026-02-30 over into March.
  if (!isRfc3339DateTime(full)) {
    throw new CliUsageError(
      `--at must be a date such as 2026-11-30 or an RFC 3339 time, got '${raw.slice(0, 100)}'`,
      'lint',
    );
  }
  return new Date(full);
}
