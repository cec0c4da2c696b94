import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { collectRuleFiles } from '@exroute/core';
import type { Diagnostic, RuleSet } from '@exroute/core';
import { loadMapping } from '@exroute/exstream';
import type { Mapping } from '@exroute/exstream';
import {
  checkRuleFilesAtRevision,
  displayPath,
  collectSuiteEvents,
  diffHasChanges,
  diffHasLoss,
  diffRuleSets,
  formatDiffMarkdown,
  formatDiffText,
  parseEventCorpus,
} from '@exroute/testing';
import type { CorpusEvent, DiffPlace, RuleSetDiff } from '@exroute/testing';
import type { Command } from '../command.js';
import { clockValue, numberValue, stringValue, stringValues } from '../command.js';
import { colorEnabled } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { diagnosticsOfError, loadRulesFromPaths } from '../input/load-rules.js';
import { MAPPING_OPTION } from '../input/event-input.js';
import { CLOCK_OPTION } from '../input/routing-options.js';
import { printDiagnosticLines } from '../output/diagnostics.js';
import { writeOutput } from './graph.js';

/** A corpus file larger than this is refused: split it, or sample it. */
const MAX_CORPUS_BYTES = 512 * 1024 * 1024;

/** `exroute diff OLD NEW` / `exroute diff --git A..B [paths]`: what a rule change does. */
export const diffCommand: Command = {
  name: 'diff',
  summary: 'Show what a rule change does: definitions changed, and who gains or loses what.',
  usage: 'exroute diff [options] <old-paths> <new-paths>  |  exroute diff --git A..B [paths...]',
  details: `
Compares two rule sets. OLD and NEW are rule files or directories; with --git A..B the rule
files under the paths (default: the current directory) are read as they are at revisions A and
B (--git A alone: revision A against the files on disk). Prints:
  Definitions  rules, recipients, templates, policies, inhibit rules, escalations, calendars,
               regions and shared conditions added, removed or changed, with file:line on both sides
  Impact       every event of the corpus routed through both rule sets, and per (event type,
               document type, region) the recipients, templates, channels and policies gained
               or lost, with counts and one example event each
The corpus is --events FILE (JSON Lines: raw Exstream payloads, normalized with --mapping or
the default mapping, or NormalizedEvents) or, by default, every event of the rule suites found
under --suites (default: the current directory) that load the new (or old) rule files.

--format text (default), json (everything, for tools) or markdown (a pull-request comment,
cut to --max-chars with a count of the rows left out).
--fail-on loss: exit 1 when any event loses a recipient, template, channel or policy.
--fail-on any:  exit 1 when anything changed at all, statically or in routing.

Exit codes: 0 no --fail-on condition met, 1 the --fail-on condition is met, 2 usage error or
invalid input (rules on either side, unknown revision, corpus lines that cannot be read or
routed).`,
  options: {
    git: {
      type: 'string',
      valueName: 'A..B',
      description: 'compare the rule files at two git revisions (or A against the disk)',
    },
    events: {
      type: 'string',
      valueName: 'FILE',
      description: 'JSON Lines corpus to route (default: the events of the suites)',
    },
    mapping: MAPPING_OPTION,
    suites: {
      type: 'string',
      multiple: true,
      valueName: 'PATH',
      description: 'where to look for suites when no --events is given (default .)',
    },
    at: CLOCK_OPTION,
    format: {
      type: 'string',
      valueName: 'text|json|markdown',
      description: 'output format (default text)',
    },
    'fail-on': {
      type: 'string',
      valueName: 'loss|any',
      description: 'exit 1 when an event loses something, or when anything changed',
    },
    'max-chars': {
      type: 'string',
      valueName: 'N',
      description: 'markdown: cut the comment to N characters (default 60000)',
    },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FILE',
      description: 'write the report to FILE instead of stdout',
    },
  },
  async run(parsed, io) {
    const format = stringValue(parsed, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json' && format !== 'markdown') {
      throw new CliUsageError(`--format must be text, json or markdown, got '${format}'`, 'diff');
    }
    const failOn = stringValue(parsed, 'fail-on');
    if (failOn !== undefined && failOn !== 'loss' && failOn !== 'any') {
      throw new CliUsageError(`--fail-on must be 'loss' or 'any', got '${failOn}'`, 'diff');
    }
    const maxChars = numberValue(parsed, 'max-chars', 'diff', { min: 1000, max: 10_000_000 });
    const at = clockValue(parsed, 'diff');
    const color = colorEnabled(io.stderr, io.env);
    const report = (diagnostics: readonly Diagnostic[]) =>
      printDiagnosticLines(io.stderr, diagnostics, color);

    const sides = await loadSides(parsed.positionals, stringValue(parsed, 'git'), io);
    if ('diagnostics' in sides) {
      report(sides.diagnostics);
      return ExitCode.invalid;
    }
    report(sides.warnings);

    const corpus = await readCorpus(parsed, io, sides.diskRuleFiles);
    report(corpus.diagnostics);
    const diff = diffRuleSets(sides.old, sides.new, {
      events: corpus.events,
      labels: sides.labels,
      ...(at !== undefined ? { at } : {}),
    });
    report(diff.diagnostics);

    const shown = withDisplayPaths(diff, io.cwd);
    const rendered =
      format === 'json'
        ? `${JSON.stringify(shown, null, 2)}\n`
        : format === 'markdown'
          ? formatDiffMarkdown(shown, maxChars !== undefined ? { maxChars } : {})
          : formatDiffText(shown);
    const output = stringValue(parsed, 'output');
    if (output === undefined) io.stdout.write(rendered);
    else await writeOutput(resolve(io.cwd, output), rendered);

    const unreadable = [...corpus.diagnostics, ...diff.diagnostics].some(
      (d) => d.severity === 'error',
    );
    if (unreadable) return ExitCode.invalid;
    if (failOn === 'loss' && diffHasLoss(diff)) return ExitCode.failures;
    if (failOn === 'any' && diffHasChanges(diff)) return ExitCode.failures;
    return ExitCode.ok;
  },
};

interface Sides {
  old: RuleSet;
  new: RuleSet;
  labels: { old: string; new: string };
  warnings: Diagnostic[];
  /** The rule files on disk that suites must load to count (absolute). */
  diskRuleFiles: string[];
}

async function loadSides(
  positionals: readonly string[],
  git: string | undefined,
  io: CliIo,
): Promise<Sides | { diagnostics: Diagnostic[] }> {
  if (git === undefined) {
    if (positionals.length !== 2) {
      throw new CliUsageError(
        'give the old and the new rule path (exroute diff OLD NEW), or --git A..B',
        'diff',
      );
    }
    const [oldPath, newPath] = positionals as [string, string];
    const [before, after] = await Promise.all([
      loadRulesFromPaths([oldPath], io.cwd),
      loadRulesFromPaths([newPath], io.cwd),
    ]);
    if (before.ruleSet === undefined || after.ruleSet === undefined) {
      return { diagnostics: [...before.diagnostics, ...after.diagnostics] };
    }
    return {
      old: before.ruleSet,
      new: after.ruleSet,
      labels: { old: oldPath, new: newPath },
      warnings: [...before.diagnostics, ...after.diagnostics],
      diskRuleFiles: [...before.files, ...after.files],
    };
  }
  const range = /^(.+?)\.\.(.+)$/.exec(git);
  const oldRevision = range?.[1] ?? git;
  const newRevision = range?.[2];
  if (oldRevision === '' || (range !== null && (newRevision === undefined || newRevision === ''))) {
    throw new CliUsageError(`--git needs A..B or A, got '${git}'`, 'diff');
  }
  const paths = positionals.length > 0 ? [...positionals] : ['.'];
  const onDisk = await collectRuleFiles(paths.map((path) => resolve(io.cwd, path)));
  const [before, after] = await Promise.all([
    checkRuleFilesAtRevision({ cwd: io.cwd, revision: oldRevision, paths }),
    newRevision !== undefined
      ? checkRuleFilesAtRevision({ cwd: io.cwd, revision: newRevision, paths })
      : loadRulesFromPaths(paths, io.cwd),
  ]);
  if (before.ruleSet === undefined || after.ruleSet === undefined) {
    return { diagnostics: [...before.diagnostics, ...after.diagnostics] };
  }
  return {
    old: before.ruleSet,
    new: after.ruleSet,
    labels: { old: oldRevision, new: newRevision ?? 'working tree' },
    warnings: [...before.diagnostics, ...after.diagnostics],
    diskRuleFiles: onDisk.files,
  };
}

async function readCorpus(
  parsed: Parameters<Command['run']>[0],
  io: CliIo,
  ruleFiles: readonly string[],
): Promise<{ events: CorpusEvent[]; diagnostics: Diagnostic[] }> {
  const eventsPath = stringValue(parsed, 'events');
  if (eventsPath === undefined) {
    if (stringValue(parsed, 'mapping') !== undefined) {
      throw new CliUsageError('--mapping applies to --events; give the corpus file too', 'diff');
    }
    const suitePaths = stringValues(parsed, 'suites');
    return collectSuiteEvents(
      (suitePaths.length > 0 ? suitePaths : ['.']).map((path) => resolve(io.cwd, path)),
      { ruleFiles },
    );
  }
  let mapping: Mapping | undefined;
  const mappingPath = stringValue(parsed, 'mapping');
  if (mappingPath !== undefined) {
    try {
      mapping = await loadMapping(resolve(io.cwd, mappingPath));
    } catch (error) {
      return { events: [], diagnostics: diagnosticsOfError(error) };
    }
  }
  const file = resolve(io.cwd, eventsPath);
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    if (info.size > MAX_CORPUS_BYTES) {
      throw new CliUsageError(
        `'${eventsPath}' is larger than ${MAX_CORPUS_BYTES} bytes; sample it or split it`,
        'diff',
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(
      `cannot read '${eventsPath}' (${(error as NodeJS.ErrnoException).code ?? 'error'}); give a JSON Lines file`,
      'diff',
    );
  }
  return parseEventCorpus(text, {
    file: eventsPath,
    ...(mapping !== undefined ? { mapping } : {}),
  });
}

/** The diff with every file shown relative to the working directory when below it. */
function withDisplayPaths(diff: RuleSetDiff, cwd: string): RuleSetDiff {
  const place = (p: DiffPlace): DiffPlace => ({ file: displayPath(p.file, cwd), line: p.line });
  return {
    ...diff,
    old: { ...diff.old, files: diff.old.files.map((f) => displayPath(f, cwd)) },
    new: { ...diff.new, files: diff.new.files.map((f) => displayPath(f, cwd)) },
    definitions: diff.definitions.map((d) => ({
      ...d,
      ...(d.old !== undefined ? { old: place(d.old) } : {}),
      ...(d.new !== undefined ? { new: place(d.new) } : {}),
    })),
    impact: {
      ...diff.impact,
      groups: diff.impact.groups.map((g) => ({
        ...g,
        changes: g.changes.map((c) => ({
          ...c,
          example: { ...c.example, origin: place(c.example.origin) },
        })),
      })),
    },
  };
}
