/**
 * Reading suite files: YAML with positions → schema check → semantic checks → SuiteDefinition.
 * Like the rule loader, it collects every problem instead of stopping at the first.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '@exroute/core';
import { SuiteError } from '../errors.js';
import type { CaseExpectation, SuiteCase, SuiteDefinition, SuiteStep } from './model.js';
import { checkSuiteSchema } from './schema-check.js';
import { YamlSource, childPointer } from './yaml-source.js';

/** The result of reading one suite: the definition when usable, and every problem found. */
export interface ParsedSuite {
  suite?: SuiteDefinition;
  /** Positioned problems; the suite is usable only when none has severity `error`. */
  diagnostics: Diagnostic[];
  /** Kept so later problems (event validation, unknown names) can be positioned in the file. */
  source?: YamlSource;
}

/**
 * Parses suite text; `filename` is used in positions and to resolve `rules:` paths (relative to
 * the file's directory, or to the working directory for inline text). Never throws.
 */
export function parseSuite(text: string, options: { filename?: string } = {}): ParsedSuite {
  const file = options.filename ?? '<inline>';
  const parsed = YamlSource.parse(text, file, 'EXR_SUITE');
  if ('diagnostics' in parsed) return { diagnostics: parsed.diagnostics };
  const { source } = parsed;
  const schemaProblems = checkSuiteSchema(source);
  if (schemaProblems.length > 0) {
    // The schema cannot say "event and expect, or steps"; name missing ones here as well.
    const all = [...schemaProblems, ...missingCaseFields(source)];
    all.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    return { diagnostics: all, source };
  }
  const raw = source.data as RawSuite;
  const diagnostics: Diagnostic[] = [];
  const baseDir = options.filename !== undefined ? dirname(resolve(options.filename)) : '.';

  const defaultsAt = raw.defaults?.at;
  if (defaultsAt !== undefined) checkInstant(defaultsAt, '/defaults/at', source, diagnostics);
  const defaultsEvent: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.defaults ?? {})) {
    if (key !== 'at') defaultsEvent[key] = value;
  }
  if (typeof defaultsEvent.time === 'string') {
    checkInstant(defaultsEvent.time, '/defaults/time', source, diagnostics);
  }

  const seenNames = new Map<string, number>();
  const cases: SuiteCase[] = raw.cases.map((rawCase, index) => {
    const pointer = childPointer('/cases', index);
    const previous = seenNames.get(rawCase.name);
    if (previous !== undefined) {
      diagnostics.push({
        code: 'EXR_SUITE_DUPLICATE_CASE',
        severity: 'error',
        message: `case name '${rawCase.name}' is already used by case ${previous + 1}; names must be unique so reports can tell cases apart`,
        ...source.locate(`${pointer}/name`),
      });
    } else {
      seenNames.set(rawCase.name, index);
    }
    if (rawCase.at !== undefined) checkInstant(rawCase.at, `${pointer}/at`, source, diagnostics);
    const located = source.locate(pointer);
    const common = {
      index,
      name: rawCase.name,
      ...(rawCase.description !== undefined ? { description: rawCase.description } : {}),
      ...(rawCase.at !== undefined ? { at: rawCase.at } : {}),
      location: located,
    };
    if (rawCase.steps !== undefined) {
      return { ...common, steps: parseSteps(rawCase, pointer, source, diagnostics) };
    }
    diagnostics.push(...missingFieldsOf(rawCase, pointer, source));
    const event = rawCase.event ?? {};
    const expect = rawCase.expect ?? {};
    checkEventAndExpectation(event, expect, pointer, source, diagnostics);
    return { ...common, event, expect };
  });

  const suite: SuiteDefinition = {
    file,
    name: raw.suite,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    rules: raw.rules.map((path) => resolve(baseDir, path)),
    rulesLocation: source.locate('/rules'),
    defaults: { ...(defaultsAt !== undefined ? { at: defaultsAt } : {}), event: defaultsEvent },
    cases,
  };
  return { suite, diagnostics, source };
}

/** Reads and parses the suite file at `path`; an unreadable file becomes a diagnostic. */
export function readSuiteFile(path: string): ParsedSuite {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      diagnostics: [
        {
          code: 'EXR_SUITE_READ',
          severity: 'error',
          message: `cannot read the suite file (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path and permissions`,
          file: path,
        },
      ],
    };
  }
  return parseSuite(text, { filename: path });
}

/** A suite that can run: it parsed without errors, and its source positions later problems. */
export interface RunnableSuite {
  suite: SuiteDefinition;
  source: YamlSource;
}

/**
 * The suite and source of `parsed` when no diagnostic is an error; `undefined` when the suite
 * cannot run, so every caller refuses exactly the same suites.
 */
export function runnableSuite(parsed: ParsedSuite): RunnableSuite | undefined {
  const { suite, source } = parsed;
  if (
    suite === undefined ||
    source === undefined ||
    parsed.diagnostics.some((d) => d.severity === 'error')
  ) {
    return undefined;
  }
  return { suite, source };
}

/** Reads the suite file at `path`, throwing one SuiteError with every problem when unusable. */
export function loadSuite(path: string): SuiteDefinition {
  const parsed = readSuiteFile(path);
  const runnable = runnableSuite(parsed);
  if (runnable === undefined) throw new SuiteError(parsed.diagnostics);
  return runnable.suite;
}

interface RawSuite {
  suite: string;
  description?: string;
  rules: string[];
  defaults?: Record<string, unknown> & { at?: string };
  cases: RawCase[];
}

interface RawCase {
  name: string;
  description?: string;
  at?: string;
  event?: Record<string, unknown>;
  expect?: CaseExpectation;
  steps?: RawStep[];
}

interface RawStep {
  at: string;
  note?: string;
  acknowledge?: string;
  event?: Record<string, unknown>;
  expect?: CaseExpectation;
}

/** Expectations about the routing of an event (or the dispatcher's verdicts on it). */
const EVENT_EXPECTATIONS = [
  'rules',
  'recipients',
  'templates',
  'channels',
  'severity',
  'none',
  'notifications',
  'verdicts',
] as const;

function parseSteps(
  rawCase: RawCase,
  pointer: string,
  source: YamlSource,
  diagnostics: Diagnostic[],
): SuiteStep[] {
  for (const field of ['event', 'expect', 'at'] as const) {
    if (rawCase[field] === undefined) continue;
    diagnostics.push({
      code: 'EXR_SUITE_STEPS_AND_EVENT',
      severity: 'error',
      message: `a case with 'steps' takes its clock, events and expectations from the steps; move '${field}' into a step`,
      ...source.locateKey(`${pointer}/${field}`),
    });
  }
  let previous: string | undefined;
  return (rawCase.steps ?? []).map((raw, index) => {
    const stepPointer = childPointer(`${pointer}/steps`, index);
    checkInstant(raw.at, `${stepPointer}/at`, source, diagnostics);
    if (
      previous !== undefined &&
      !Number.isNaN(Date.parse(raw.at)) &&
      Date.parse(raw.at) < Date.parse(previous)
    ) {
      diagnostics.push({
        code: 'EXR_SUITE_CLOCK_BACKWARDS',
        severity: 'error',
        message: `step ${index + 1} is at ${raw.at}, before step ${index} (${previous}); the clock only moves forward`,
        ...source.locate(`${stepPointer}/at`),
      });
    }
    previous = raw.at;
    if (raw.event === undefined) {
      for (const key of EVENT_EXPECTATIONS) {
        if (raw.expect?.[key] === undefined) continue;
        diagnostics.push({
          code: 'EXR_SUITE_STEP_WITHOUT_EVENT',
          severity: 'error',
          message: `'${key}' describes what happens to an event, but this step has none; add 'event' or expect only 'sends'`,
          ...source.locateKey(`${stepPointer}/expect/${key}`),
        });
      }
    } else {
      checkEventAndExpectation(raw.event, raw.expect ?? {}, stepPointer, source, diagnostics);
    }
    return {
      index,
      at: raw.at,
      ...(raw.note !== undefined ? { note: raw.note } : {}),
      ...(raw.acknowledge !== undefined ? { acknowledge: raw.acknowledge } : {}),
      ...(raw.event !== undefined ? { event: raw.event } : {}),
      ...(raw.expect !== undefined ? { expect: raw.expect } : {}),
      location: source.locate(stepPointer),
    };
  });
}

/** The checks of an event and its expectation, at `pointer` (a case or a step). */
function checkEventAndExpectation(
  event: Record<string, unknown>,
  expect: CaseExpectation,
  pointer: string,
  source: YamlSource,
  diagnostics: Diagnostic[],
): void {
  if (typeof event.time === 'string') {
    checkInstant(event.time, `${pointer}/event/time`, source, diagnostics);
  }
  checkExpectation(expect, `${pointer}/expect`, source, diagnostics);
  expect.notifications?.forEach((wanted, n) => {
    for (const field of ['dueAt', 'sendAt'] as const) {
      const value = wanted[field];
      if (typeof value === 'string') {
        checkInstant(value, `${pointer}/expect/notifications/${n}/${field}`, source, diagnostics);
      }
    }
  });
  expect.verdicts?.forEach((wanted, n) => {
    if (typeof wanted === 'object' && wanted.sendAt !== undefined) {
      checkInstant(wanted.sendAt, `${pointer}/expect/verdicts/${n}/sendAt`, source, diagnostics);
    }
  });
}

function checkInstant(
  value: string,
  pointer: string,
  source: YamlSource,
  diagnostics: Diagnostic[],
): void {
  if (Number.isNaN(Date.parse(value))) {
    diagnostics.push({
      code: 'EXR_SUITE_INVALID_TIME',
      severity: 'error',
      message: `'${value}' is not a real date-time; check the month, day and hour`,
      ...source.locate(pointer),
    });
  }
}

function checkExpectation(
  expect: CaseExpectation,
  pointer: string,
  source: YamlSource,
  diagnostics: Diagnostic[],
): void {
  if (expect.none !== true) return;
  const expectsSomething: Record<string, boolean> = {
    rules: (expect.rules?.length ?? 0) > 0,
    templates: (expect.templates?.length ?? 0) > 0,
    channels: (expect.channels?.length ?? 0) > 0,
    severity: expect.severity !== undefined,
    recipients: (expect.recipients?.include?.length ?? 0) > 0,
    notifications: (expect.notifications?.length ?? 0) > 0,
  };
  const contradicting = Object.keys(expectsSomething).filter((key) => expectsSomething[key]);
  for (const key of contradicting) {
    diagnostics.push({
      code: 'EXR_SUITE_CONFLICTING_EXPECTATION',
      severity: 'error',
      message: `'none: true' says nothing matches, but '${key}' expects something; remove one of them`,
      ...source.locateKey(`${pointer}/${key}`),
    });
  }
}

/** `event` and `expect` missing from a case without `steps`. */
function missingFieldsOf(rawCase: unknown, pointer: string, source: YamlSource): Diagnostic[] {
  if (rawCase === null || typeof rawCase !== 'object' || Array.isArray(rawCase)) return [];
  const fields = rawCase as Record<string, unknown>;
  if (fields['steps'] !== undefined) return [];
  return (['event', 'expect'] as const)
    .filter((field) => fields[field] === undefined)
    .map((field) => ({
      code: 'EXR_SUITE_MISSING_FIELD',
      severity: 'error' as const,
      message: `'${pointer}' needs the field '${field}' (or 'steps' for a case on a moving clock)`,
      ...source.locate(pointer),
    }));
}

/** Missing-field diagnostics for every case of possibly malformed suite data. */
function missingCaseFields(source: YamlSource): Diagnostic[] {
  const data = source.data as { cases?: unknown } | null;
  const cases = data !== null && typeof data === 'object' ? data.cases : undefined;
  if (!Array.isArray(cases)) return [];
  return cases.flatMap((rawCase: unknown, index) =>
    missingFieldsOf(rawCase, childPointer('/cases', index), source),
  );
}
