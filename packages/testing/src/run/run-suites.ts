import { performance } from 'node:perf_hooks';
import type { RuleSet } from '@exroute/core';
import { findSuiteFiles } from '../suite/find-suite-files.js';
import { readSuiteFile, runnableSuite } from '../suite/parse-suite.js';
import { computeCoverage } from './coverage.js';
import type { CaseResult, SuiteResult, SuiteRunResult } from './results.js';
import { RuleSetCache, SuiteSession } from './suite-session.js';

/** Options for `runSuites`. */
export interface RunSuitesOptions {
  /** Run only cases whose name contains this text (case-insensitive). */
  filter?: string;
}

/**
 * Finds the suite files under `paths` (files or directories), routes every case through the
 * core router and compares the decisions with the expectations. Invalid suites, rules and
 * events become `error` outcomes with positioned diagnostics; it never throws for bad input.
 */
export async function runSuites(
  paths: string | readonly string[],
  options: RunSuitesOptions = {},
): Promise<SuiteRunResult> {
  const started = performance.now();
  const { files, diagnostics } = findSuiteFiles(typeof paths === 'string' ? [paths] : paths);
  if (files.length === 0 && diagnostics.length === 0) {
    diagnostics.push({
      code: 'EXR_SUITE_NONE_FOUND',
      severity: 'error',
      message: 'no *.suite.yaml files found; pass suite files or directories that contain them',
    });
  }
  const cache = new RuleSetCache();
  const suites: SuiteResult[] = [];
  const ruleSets: RuleSet[] = [];
  for (const file of files) {
    const result = await runSuiteFile(file, cache, options);
    suites.push(result.suite);
    if (result.ruleSet !== undefined && !ruleSets.includes(result.ruleSet)) {
      ruleSets.push(result.ruleSet);
    }
  }
  const cases = suites.flatMap((suite) => suite.cases);
  const unreadable = suites.filter(
    (suite) => suite.outcome === 'error' && suite.cases.length === 0,
  );
  return {
    suites,
    summary: {
      suites: suites.length,
      cases: cases.length,
      passed: cases.filter((c) => c.outcome === 'pass').length,
      failed: cases.filter((c) => c.outcome === 'fail').length,
      errors: cases.filter((c) => c.outcome === 'error').length + unreadable.length,
    },
    coverage: computeCoverage(ruleSets, cases),
    diagnostics,
    durationMs: Math.round(performance.now() - started),
  };
}

async function runSuiteFile(
  file: string,
  cache: RuleSetCache,
  options: RunSuitesOptions,
): Promise<{ suite: SuiteResult; ruleSet?: RuleSet }> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const parsed = readSuiteFile(file);
  const runnable = runnableSuite(parsed);
  if (runnable === undefined) {
    return {
      suite: {
        file,
        ...(parsed.suite !== undefined ? { name: parsed.suite.name } : {}),
        outcome: 'error',
        diagnostics: parsed.diagnostics,
        ruleFiles: [],
        cases: [],
        durationMs: elapsed(),
      },
    };
  }
  const { suite, source } = runnable;
  const filter = options.filter?.toLowerCase();
  const selected =
    filter === undefined
      ? suite.cases
      : suite.cases.filter((c) => c.name.toLowerCase().includes(filter));
  const opened = await SuiteSession.open(suite, source, cache);
  if (opened.diagnostics !== undefined) {
    const cases: CaseResult[] = selected.map((testCase) => ({
      suite: suite.name,
      name: testCase.name,
      index: testCase.index,
      file: testCase.location.file,
      line: testCase.location.line,
      column: testCase.location.column,
      outcome: 'error',
      failures: [],
      diagnostics: [
        {
          code: 'EXR_SUITE_RULES_INVALID',
          severity: 'error',
          message: "the suite's rules cannot be loaded; see the suite's diagnostics",
          ...suite.rulesLocation,
        },
      ],
      durationMs: 0,
    }));
    return {
      suite: {
        file,
        name: suite.name,
        outcome: 'error',
        diagnostics: opened.diagnostics,
        ruleFiles: opened.ruleFiles,
        cases,
        durationMs: elapsed(),
      },
    };
  }
  const { session } = opened;
  const cases: CaseResult[] = [];
  for (const testCase of selected) cases.push(await session.runCase(testCase));
  const outcome = cases.some((c) => c.outcome === 'error')
    ? 'error'
    : cases.some((c) => c.outcome === 'fail')
      ? 'fail'
      : 'pass';
  return {
    suite: {
      file,
      name: suite.name,
      outcome,
      diagnostics: [],
      ruleFiles: session.ruleFiles,
      ruleSetVersion: session.ruleSet.version,
      cases,
      durationMs: elapsed(),
    },
    ruleSet: session.ruleSet,
  };
}
