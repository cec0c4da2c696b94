import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '@exroute/core';
import { pathKind, SUITE_FILE_PATTERN } from '../suite/find-suite-files.js';

const RULE_FILE_PATTERN = /\.ya?ml$/i;

/**
 * Expands rule paths the way the core loader does — a file as given, a directory as its own
 * `*.yaml` / `*.yml` files (not subdirectories), sorted — except that suite files
 * (`*.suite.yaml`) are left out, so a suite can live next to the rules it tests. Paths that do
 * not exist are passed through for the core loader to report (`EXR_FILE_NOT_FOUND`); a
 * directory without rule files gets `EXR_NO_RULE_FILES`.
 */
export function expandRuleFiles(paths: readonly string[]): {
  files: string[];
  diagnostics: Diagnostic[];
} {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    if (pathKind(path) !== 'directory') {
      files.push(path);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(path, { withFileTypes: true })
        .filter((entry) => entry.isFile() && RULE_FILE_PATTERN.test(entry.name))
        .map((entry) => entry.name)
        .filter((name) => !SUITE_FILE_PATTERN.test(name))
        .sort();
    } catch {
      names = [];
    }
    if (names.length === 0) {
      diagnostics.push({
        code: 'EXR_NO_RULE_FILES',
        severity: 'error',
        message:
          'this directory holds no rule files (*.yaml, *.yml other than *.suite.yaml); point at the directory with the rule files',
        file: path,
      });
    }
    files.push(...names.map((name) => join(path, name)));
  }
  return { files: [...new Set(files)], diagnostics };
}
