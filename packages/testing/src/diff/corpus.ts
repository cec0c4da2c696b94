/**
 * Where the events of `exroute diff` come from: a JSON Lines corpus (raw Exstream payloads,
 * normalized by `@exroute/exstream`, or NormalizedEvents as they are), or the cases of the rule
 * suites that test the rule set.
 */
import { realpath } from 'node:fs/promises';
import { collectRuleFiles } from '@exroute/core';
import type { Diagnostic, NormalizedEvent } from '@exroute/core';
import { detectShape, normalize } from '@exroute/exstream';
import type { Mapping } from '@exroute/exstream';
import { diagnosticsOf, DEFAULT_EVENT_SOURCE, DEFAULT_EVENT_TIME } from '../run/case-defaults.js';
import { findSuiteFiles } from '../suite/find-suite-files.js';
import { readSuiteFile, runnableSuite } from '../suite/parse-suite.js';
import type { SuiteDefinition } from '../suite/model.js';
import type { CorpusEvent } from './model.js';

/** Lines longer than this are reported, not parsed: no event needs a megabyte. */
export const MAX_CORPUS_LINE_CHARS = 1024 * 1024;

/** Events read, and every line that gave none, located. */
export interface CorpusReading {
  events: CorpusEvent[];
  diagnostics: Diagnostic[];
}

/**
 * Reads JSON Lines text: each non-blank line is a raw Exstream payload (tracking event,
 * orchestration job, design-asset change or CloudEvent — normalized with `mapping`, or the
 * default mapping) or a NormalizedEvent taken as is. A line that is too long, not JSON or not an
 * event becomes a diagnostic at `file:line`; the routers validate the events themselves. Never throws.
 */
export function parseEventCorpus(
  text: string,
  options: { file: string; mapping?: Mapping },
): CorpusReading {
  const events: CorpusEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  const { file } = options;
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    line += 1;
    const raw = text.slice(start, stop);
    start = stop + 1;
    if (raw.trim() === '') {
      if (end < 0) break;
      continue;
    }
    const at = { file, line, column: 1 };
    if (raw.length > MAX_CORPUS_LINE_CHARS) {
      diagnostics.push({
        code: 'EXR_DIFF_LINE_TOO_LONG',
        severity: 'error',
        message: `line is longer than ${MAX_CORPUS_LINE_CHARS} characters; one event per line`,
        ...at,
      });
    } else {
      const read = readLine(raw, options.mapping);
      if ('event' in read) events.push({ event: read.event, origin: { file, line } });
      else diagnostics.push(...read.diagnostics.map((d) => ({ ...d, ...at, ...pointerNote(d) })));
    }
    if (end < 0) break;
  }
  return { events, diagnostics };
}

function readLine(
  raw: string,
  mapping: Mapping | undefined,
): { event: NormalizedEvent } | { diagnostics: Diagnostic[] } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return {
      diagnostics: [
        {
          code: 'EXR_INVALID_JSON',
          severity: 'error',
          message: `not valid JSON (${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)})`,
        },
      ],
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      diagnostics: [
        {
          code: 'EXR_DIFF_NOT_AN_EVENT',
          severity: 'error',
          message: 'expected a JSON object: a raw Exstream payload or a NormalizedEvent',
        },
      ],
    };
  }
  if (detectShape(value) === undefined) return { event: value as NormalizedEvent };
  try {
    return { event: normalize(value, mapping !== undefined ? { mapping } : {}) };
  } catch (error) {
    return { diagnostics: diagnosticsOf(error, 'EXR_DIFF_NORMALIZE_FAILED') };
  }
}

function pointerNote(d: Diagnostic): { message: string } {
  return {
    message:
      d.pointer !== undefined && d.pointer !== '' ? `${d.message} [at ${d.pointer}]` : d.message,
  };
}

/** The events of the suites that test a rule set, and the suites they came from. */
export interface SuiteCorpus extends CorpusReading {
  /** Suite files whose events were taken. */
  suites: string[];
}

/**
 * Every event of the rule suites found under `paths` (files or directories): each routing case's
 * event, and each step's event of a stateful case, with the suite's defaults applied and the
 * case's clock. With `ruleFiles`, only suites whose `rules:` load at least one of those files
 * are read. Suites that cannot be read are skipped with a warning. Never rejects.
 */
export async function collectSuiteEvents(
  paths: readonly string[],
  options: { ruleFiles?: readonly string[] } = {},
): Promise<SuiteCorpus> {
  const found = findSuiteFiles(paths);
  const diagnostics: Diagnostic[] = found.diagnostics.map((d) => ({ ...d, severity: 'warning' }));
  const wanted =
    options.ruleFiles !== undefined ? new Set(await realPaths(options.ruleFiles)) : undefined;
  const events: CorpusEvent[] = [];
  const suites: string[] = [];
  for (const file of found.files) {
    const parsed = readSuiteFile(file);
    const runnable = runnableSuite(parsed);
    if (runnable === undefined) {
      diagnostics.push({
        code: 'EXR_DIFF_SUITE_SKIPPED',
        severity: 'warning',
        message: `this suite does not load (${parsed.diagnostics[0]?.code ?? 'unknown problem'}), so its events are not in the corpus; run exroute test on it`,
        file,
      });
      continue;
    }
    const { suite } = runnable;
    if (wanted !== undefined) {
      const ruleFiles = await realPaths((await collectRuleFiles(suite.rules)).files);
      if (!ruleFiles.some((f) => wanted.has(f))) continue;
    }
    suites.push(file);
    events.push(...eventsOfSuite(suite));
  }
  return { events, diagnostics, suites };
}

function eventsOfSuite(suite: SuiteDefinition): CorpusEvent[] {
  const events: CorpusEvent[] = [];
  const eventOf = (at: string | undefined, event: Record<string, unknown>, id: string) =>
    ({
      id,
      source: DEFAULT_EVENT_SOURCE,
      time: at ?? DEFAULT_EVENT_TIME,
      data: {},
      ...suite.defaults.event,
      ...event,
    }) as NormalizedEvent;
  for (const testCase of suite.cases) {
    const id = `case-${testCase.index + 1}`;
    if (testCase.event !== undefined) {
      const at = testCase.at ?? suite.defaults.at;
      const event = eventOf(at, testCase.event, id);
      events.push({
        event,
        ...(at !== undefined ? { at } : {}),
        origin: { file: testCase.location.file, line: testCase.location.line },
      });
    }
    for (const step of testCase.steps ?? []) {
      if (step.event === undefined) continue;
      events.push({
        event: eventOf(step.at, step.event, `${id}-step-${step.index + 1}`),
        at: step.at,
        origin: { file: step.location.file, line: step.location.line },
      });
    }
  }
  return events;
}

async function realPaths(files: readonly string[]): Promise<string[]> {
  return Promise.all(
    files.map(async (file) => {
      try {
        return await realpath(file);
      } catch {
        return file;
      }
    }),
  );
}
