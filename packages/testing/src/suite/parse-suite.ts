/**
 * Reading suite files: YAML with positions → schema check → semantic checks → SuiteDefinition.
 * Like the rule loader, it collects every problem instead of stopping at the first.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '@exroute/core';
import { SuiteError } from '../errors.js';
import type { CaseExpectation, SuiteCase, SuiteDefinition } from './model.js';
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
  if (schemaProblems.length > 0) return { diagnostics: schemaProblems, source };
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
    if (typeof rawCase.event.time === 'string') {
      checkInstant(rawCase.event.time, `${pointer}/event/time`, source, diagnostics);
    }
    checkExpectation(rawCase.expect, `${pointer}/expect`, source, diagnostics);
    rawCase.expect.notifications?.forEach((wanted, n) => {
      for (const field of ['dueAt', 'sendAt'] as const) {
        const value = wanted[field];
        if (typeof value === 'string') {
          checkInstant(value, `${pointer}/expect/notifications/${n}/${field}`, source, diagnostics);
        }
      }
    });
    const located = source.locate(pointer);
    return {
      index,
      name: rawCase.name,
      ...(rawCase.description !== undefined ? { description: rawCase.description } : {}),
      ...(rawCase.at !== undefined ? { at: rawCase.at } : {}),
      event: rawCase.event,
      expect: rawCase.expect,
      location: located,
    };
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
  event: Record<string, unknown>;
  expect: CaseExpectation;
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
