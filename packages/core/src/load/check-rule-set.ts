import type { Diagnostic } from '../model/diagnostic.js';
import { markChecked } from '../model/checked-rule-set.js';
import type { CHECKED } from '../model/checked-rule-set.js';
import { RuleSetError } from '../model/errors.js';
import type { RuleSet } from '../model/rule-set.js';
import { ruleFileValidator, ruleValidator } from '../schema/ruleset-schema.js';
import { schemaErrorsItemByItem } from '../schema/item-by-item.js';
import type { ErrorObject } from 'ajv';
import { checkDefinitions } from '../validate/check-definitions.js';
import {
  checkInvariants,
  collectInvariants,
  emptyInvariantDrafts,
} from '../validate/check-invariants.js';
import { collectFile, emptyDefinitions } from '../validate/collect-definitions.js';
import { fromPointer } from '../validate/json-pointer.js';
import { LocatedReporter } from '../validate/located-reporter.js';
import { computeRuleSetVersion } from '../validate/rule-set-version.js';
import { checkTimeSection } from '../validate/time-section.js';
import { reportStructureAndSchema } from './check-yaml-document.js';
import { parseYamlSource } from './parse-yaml.js';
import type { ParsedRuleFile, RuleSource } from './parse-yaml.js';
import type { SourcePositions } from './source-positions.js';
import { FILE_START } from './source-positions.js';

/** The outcome of checking rule files: every diagnostic, and the rule set when there is no error. */
export interface RuleSetCheck {
  ruleSet?: RuleSet;
  /** Errors and warnings, ordered by file (in load order), then line and column. */
  diagnostics: Diagnostic[];
}

/** Codes after which region groups are not flattened (a cycle, or too many memberships). */
const REGION_PROBLEMS: ReadonlySet<string> = new Set([
  'EXR_REGION_CYCLE',
  'EXR_GROUP_TOO_DEEP',
  'EXR_REGION_GROUPS_TOO_LARGE',
]);

/** The name inline text is reported under when no filename is given. */
export const INLINE_FILENAME = '<inline>';

/**
 * Checks rule files given as text and merges them into one rule set, collecting every problem
 * (YAML, schema, references, conditions, time) in one pass. Never throws. This is the one
 * validator: the rule set it returns is the only kind `createRouter` accepts, and a rule set
 * built in code goes through it too (as text; JSON is YAML).
 */
export function checkRuleSet(sources: readonly RuleSource[]): RuleSetCheck {
  const diagnostics: Diagnostic[] = [];
  const report = (d: Diagnostic) => diagnostics.push(d);
  try {
    return runChecks(sources, diagnostics, report);
  } catch (error) {
    // Every check is written not to throw; this keeps the contract if one ever does.
    report({
      code: 'EXR_INTERNAL',
      severity: 'error',
      message: `the loader failed unexpectedly (${error instanceof Error ? error.message : String(error)}); please report this with the rule file`,
      file: sources[0]?.filename ?? INLINE_FILENAME,
      ...FILE_START,
    });
    return { diagnostics };
  }
}

function runChecks(
  sources: readonly RuleSource[],
  diagnostics: Diagnostic[],
  report: (d: Diagnostic) => void,
): RuleSetCheck {
  if (sources.length === 0) {
    report({
      code: 'EXR_NO_RULE_FILES',
      severity: 'error',
      message:
        'no rule files were given; pass at least one .yaml/.yml file or a directory holding them',
    });
    return { diagnostics };
  }
  const positions = new Map<string, SourcePositions>();
  const reporter = new LocatedReporter(positions, report);
  const definitions = emptyDefinitions();
  const values = new Map<string, unknown>();
  const invariantDrafts = emptyInvariantDrafts();
  for (const source of distinctFilenames(sources)) {
    const parsed = parseYamlSource(source, report);
    if (parsed === undefined) {
      definitions.files.push(source.filename);
      continue;
    }
    positions.set(parsed.file, parsed.positions);
    values.set(parsed.file, parsed.value);
    if (checkFileStructure(parsed, reporter)) {
      collectFile(parsed.file, parsed.value, definitions, reporter);
      collectInvariants(parsed.file, parsed.value, invariantDrafts, reporter);
    } else definitions.files.push(parsed.file);
  }
  const checked = checkDefinitions(definitions, reporter);
  const invariants = checkInvariants({
    drafts: invariantDrafts,
    defs: definitions,
    reporter,
    regionsSound: !diagnostics.some((d) => REGION_PROBLEMS.has(d.code)),
  });
  checkTimeSection({
    calendars: definitions.calendars,
    regionCalendars: definitions.regionCalendars,
    regions: definitions.regions,
    rules: checked.rules,
    reporter,
    locate: (file, pointer) => reporter.locate({ file, segments: fromPointer(pointer) }),
    hasErrors: () => diagnostics.some((d) => d.severity === 'error'),
  });
  nameRules(diagnostics, values);
  const order = new Map(definitions.files.map((file, index) => [file, index]));
  diagnostics.sort(
    (a, b) =>
      (order.get(a.file ?? '') ?? -1) - (order.get(b.file ?? '') ?? -1) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const content = {
    regions: definitions.regions,
    recipients: definitions.recipients,
    templates: definitions.templates,
    sharedConditions: checked.sharedConditions,
    calendars: definitions.calendars,
    regionCalendars: definitions.regionCalendars,
    rules: checked.rules,
    ...checked.policySections,
    invariants,
  };
  const ruleSet = withWarnings(
    {
      version: computeRuleSetVersion(content),
      files: Object.freeze(definitions.files),
      metadata: Object.freeze(definitions.metadata),
      ...content,
      rules: Object.freeze(content.rules),
    },
    diagnostics.filter((d) => d.severity === 'warning'),
  );
  return { ruleSet, diagnostics };
}

/**
 * The loader's rule set with `warnings`, frozen and branded: the router trusts this value, so it
 * must stay the one checked here. Internal to the loader.
 */
export function withWarnings(
  checked: Omit<RuleSet, typeof CHECKED | 'warnings'>,
  warnings: readonly Diagnostic[],
): RuleSet {
  return markChecked(Object.freeze({ ...checked, warnings: Object.freeze([...warnings]) }));
}

/**
 * Prefixes the message of every diagnostic inside a rule with the rule's index and id
 * (`rules[3] 'review-billing-de': …`): a pointer such as /rules/3/notify/0 is exact, but a person
 * looks for the rule by its id.
 */
function nameRules(diagnostics: Diagnostic[], values: ReadonlyMap<string, unknown>): void {
  diagnostics.forEach((diagnostic, index) => {
    const match = /^\/rules\/(\d+)(?:\/|$)/.exec(diagnostic.pointer ?? '');
    if (match === null || diagnostic.file === undefined) return;
    const data = values.get(diagnostic.file);
    const rules =
      typeof data === 'object' && data !== null && !Array.isArray(data)
        ? (data as { rules?: unknown }).rules
        : undefined;
    const rule = Array.isArray(rules) ? (rules[Number(match[1])] as unknown) : undefined;
    const id =
      typeof rule === 'object' && rule !== null && !Array.isArray(rule)
        ? (rule as { id?: unknown }).id
        : undefined;
    const name = `rules[${match[1]}]${typeof id === 'string' && id.length <= 200 ? ` '${id}'` : ''}`;
    diagnostics[index] = { ...diagnostic, message: `${name}: ${diagnostic.message}` };
  });
}

/**
 * Sources with distinct names: positions are looked up by file name, so a second text under the
 * same name (two inline strings) is reported as `name (2)` rather than at the first one's lines.
 */
function distinctFilenames(sources: readonly RuleSource[]): RuleSource[] {
  const seen = new Map<string, number>();
  return sources.map((source) => {
    const count = (seen.get(source.filename) ?? 0) + 1;
    seen.set(source.filename, count);
    return count === 1 ? source : { text: source.text, filename: `${source.filename} (${count})` };
  });
}

/**
 * Forbidden keys and the JSON Schema, for one file. Returns whether the file's data is a mapping
 * worth collecting definitions from (even with schema errors, so references are checked too).
 */
function checkFileStructure(parsed: ParsedRuleFile, reporter: LocatedReporter): boolean {
  const { file, value } = parsed;
  if (value === null || value === undefined) {
    reporter.error(
      'EXR_EMPTY_FILE',
      'the rule file is empty; start it with apiVersion: exroute/v1',
      {
        file,
        segments: [],
      },
    );
    return false;
  }
  reportStructureAndSchema(value, file, reporter, schemaErrors);
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Every JSON Schema error of one file's data: the file with its `rules` list validated one rule
 * at a time (see `ruleValidator`), so the cost stays linear in the number of errors.
 */
function schemaErrors(value: unknown): ErrorObject[] {
  return schemaErrorsItemByItem(ruleFileValidator(), ruleValidator(), value, 'rules');
}

/**
 * Parses one rule file's text into a RuleSet; throws RuleSetError carrying every error found
 * (warnings stay on `ruleSet.warnings`).
 */
export function parseRuleSet(text: string, options: { filename?: string } = {}): RuleSet {
  const filename = options.filename ?? INLINE_FILENAME;
  if (typeof text !== 'string') {
    throw new RuleSetError([
      {
        code: 'EXR_NOT_TEXT',
        severity: 'error',
        message: `parseRuleSet needs the file's text as a string, got ${text === null ? 'null' : typeof text}`,
        file: filename,
        ...FILE_START,
      },
    ]);
  }
  return ruleSetOrThrow(checkRuleSet([{ text, filename }]));
}

/** The rule set of a check, or a RuleSetError with its diagnostics when any is an error. */
export function ruleSetOrThrow(check: RuleSetCheck): RuleSet {
  if (check.ruleSet !== undefined) return check.ruleSet;
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  throw new RuleSetError(errors.length > 0 ? errors : [internalProblem()]);
}

function internalProblem(): Diagnostic {
  return {
    code: 'EXR_INTERNAL',
    severity: 'error',
    message: 'the loader produced no rule set and no error; please report this',
  };
}
