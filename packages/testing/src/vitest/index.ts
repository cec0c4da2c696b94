/**
 * `@exroute/testing/vitest`: turns suite files into vitest tests, so a team's existing vitest
 * CI runs them: one `describe` per suite, one `it` per case.
 */
import { resolve } from 'node:path';
import { describe, it } from 'vitest';
import type { Diagnostic } from '@exroute/core';
import { CaseFailedError, SuiteError } from '../errors.js';
import { displayPath } from '../report/display-path.js';
import { describeCaseProblem } from '../report/pretty.js';
import { RuleSetCache, SuiteSession } from '../run/suite-session.js';
import { findSuiteFiles } from '../suite/find-suite-files.js';
import { readSuiteFile, runnableSuite } from '../suite/parse-suite.js';

/** Options for `defineSuiteTests`. */
export interface SuiteTestsOptions {
  /** Directory relative paths are resolved against; default `process.cwd()` (vitest's root). */
  cwd?: string;
}

/**
 * Declares one vitest `describe` per suite file found under `paths` and one `it` per case.
 * Suites are read while vitest collects tests; rules load once per suite, in its first test.
 * A case fails with its unmet expectations and the explain trace; an invalid suite, rule set
 * or event fails with positioned diagnostics.
 */
export function defineSuiteTests(
  paths: string | readonly string[],
  options: SuiteTestsOptions = {},
): void {
  const cwd = options.cwd ?? process.cwd();
  const list = (typeof paths === 'string' ? [paths] : [...paths]).map((path) => resolve(cwd, path));
  const { files, diagnostics } = findSuiteFiles(list);
  if (files.length === 0 || diagnostics.length > 0) {
    describe('exroute suites', () => {
      it('suite paths contain *.suite.yaml files', () => {
        throw new SuiteError(diagnostics.length > 0 ? diagnostics : [noSuites(list)]);
      });
    });
  }
  const cache = new RuleSetCache();
  for (const file of files) {
    const parsed = readSuiteFile(file);
    const runnable = runnableSuite(parsed);
    if (runnable === undefined) {
      describe(displayPath(file, cwd), () => {
        it('suite file is valid', () => {
          throw new SuiteError(parsed.diagnostics);
        });
      });
      continue;
    }
    const { suite, source } = runnable;
    describe(suite.name, () => {
      let opening: ReturnType<typeof SuiteSession.open> | undefined;
      for (const testCase of suite.cases) {
        it(testCase.name, async () => {
          opening ??= SuiteSession.open(suite, source, cache);
          const opened = await opening;
          if (opened.diagnostics !== undefined) throw new SuiteError(opened.diagnostics);
          const result = await opened.session.runCase(testCase);
          if (result.outcome === 'error') throw new SuiteError(result.diagnostics);
          if (result.outcome === 'fail') {
            throw new CaseFailedError(
              testCase.name,
              describeCaseProblem(result),
              result.failures.map((failure) => ({
                code: 'EXR_SUITE_EXPECTATION_FAILED',
                severity: 'error',
                message: `expect.${failure.expectation} not met`,
                file: failure.file,
                line: failure.line,
                column: failure.column,
              })),
            );
          }
        });
      }
    });
  }
}

function noSuites(paths: string[]): Diagnostic {
  return {
    code: 'EXR_SUITE_NONE_FOUND',
    severity: 'error',
    message: `no *.suite.yaml files under ${paths.join(', ')}`,
  };
}
