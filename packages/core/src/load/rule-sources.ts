import { readFile, realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import type { RuleSet } from '../model/rule-set.js';
import { checkRuleSet, ruleSetOrThrow } from './check-rule-set.js';
import type { RuleSetCheck } from './check-rule-set.js';
import {
  isSuiteFileName,
  startRuleFileWalk,
  takeRuleFile,
  unreadablePath,
  walkRuleDirectory,
} from './find-rule-files.js';
import { MAX_FILE_BYTES } from './limits.js';
import type { RuleSource } from './parse-yaml.js';

/** Rule files found for some paths, plus the problems met while looking. */
export interface CollectedRuleFiles {
  files: string[];
  diagnostics: Diagnostic[];
}

/**
 * Expands files and directories into rule file paths, in load order. A file is taken as given
 * (except a rule suite, `*.suite.yaml`, which is reported); a directory contributes every
 * `*.yaml` / `*.yml` file below it, depth first, each folder's files (in code-unit order of
 * their names) before its subfolders, skipping suites, hidden entries and `node_modules`. A file
 * reached twice is read once. Problems become diagnostics, never exceptions.
 */
export async function collectRuleFiles(
  paths: string | readonly string[],
): Promise<CollectedRuleFiles> {
  const list: unknown[] =
    typeof paths === 'string'
      ? [paths]
      : Array.isArray(paths)
        ? [...(paths as unknown[])]
        : [paths];
  const walk = startRuleFileWalk();
  for (const path of list) {
    if (walk.overflowed) break;
    if (typeof path !== 'string') {
      walk.diagnostics.push({
        code: 'EXR_FILE_NOT_FOUND',
        severity: 'error',
        message: `a rule file path must be a string, got ${path === null ? 'null' : typeof path}`,
      });
      continue;
    }
    let isDirectory: boolean;
    let real: string;
    try {
      isDirectory = (await stat(path)).isDirectory();
      real = await realpath(path);
    } catch (error) {
      walk.diagnostics.push(unreadablePath(path, error));
      continue;
    }
    if (!isDirectory) {
      if (isSuiteFileName(basename(path))) walk.diagnostics.push(suiteGivenAsRules(path));
      else takeRuleFile(walk, path, real, path);
      continue;
    }
    const found = await walkRuleDirectory(walk, path);
    if (found === 0 && !walk.overflowed) {
      walk.diagnostics.push({
        code: 'EXR_NO_RULE_FILES',
        severity: 'error',
        message:
          'this directory holds no rule files (.yaml or .yml, other than *.suite.yaml) in it or its subfolders; point at the directory with the rule files',
        file: path,
      });
    }
  }
  return { files: walk.files, diagnostics: walk.diagnostics };
}

function suiteGivenAsRules(path: string): Diagnostic {
  return {
    code: 'EXR_SUITE_FILE_AS_RULES',
    severity: 'error',
    message: 'this is a rule suite (*.suite.yaml), not a rule file; suites are not loaded as rules',
    hint: `run it with \`exroute test ${path}\`, and pass the rule files or their folder here`,
    file: path,
  };
}

/** Reads the rule files for `paths` as text (UTF-8), reporting unreadable and oversized files. */
export async function loadRuleSources(
  paths: string | readonly string[],
): Promise<{ sources: RuleSource[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await collectRuleFiles(paths);
  const sources: RuleSource[] = [];
  // Past the bound the tree is not what the author meant to load: read nothing.
  if (diagnostics.some((d) => d.code === 'EXR_TOO_MANY_RULE_FILES'))
    return { sources, diagnostics };
  for (const file of files) {
    try {
      const info = await stat(file);
      if (info.size > MAX_FILE_BYTES) {
        diagnostics.push({
          code: 'EXR_FILE_TOO_LARGE',
          severity: 'error',
          message: `rule file is larger than ${MAX_FILE_BYTES} bytes; split it into several files`,
          file,
          line: 1,
          column: 1,
        });
        continue;
      }
      sources.push({ text: await readFile(file, 'utf8'), filename: file });
    } catch (error) {
      diagnostics.push(unreadablePath(file, error));
    }
  }
  return { sources, diagnostics };
}

/**
 * Checks the rule files for `paths` without throwing: every diagnostic (file system, YAML,
 * schema, semantics; errors and warnings) and the merged rule set when there is no error.
 */
export async function checkRuleFiles(paths: string | readonly string[]): Promise<RuleSetCheck> {
  const { sources, diagnostics } = await loadRuleSources(paths);
  const fileErrors = diagnostics.filter((d) => d.severity === 'error');
  if (sources.length === 0 && fileErrors.length > 0) return { diagnostics };
  const check = checkRuleSet(sources);
  if (diagnostics.length === 0) return check;
  const all = [...diagnostics, ...check.diagnostics];
  if (fileErrors.length > 0 || check.ruleSet === undefined) return { diagnostics: all };
  return {
    ruleSet: { ...check.ruleSet, warnings: all.filter((d) => d.severity === 'warning') },
    diagnostics: all,
  };
}

/**
 * Loads rule files and directories into one merged RuleSet; throws RuleSetError with every
 * error found across all files.
 */
export async function loadRuleSet(paths: string | readonly string[]): Promise<RuleSet> {
  return ruleSetOrThrow(await checkRuleFiles(paths));
}
