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
import { withWarnings } from './check-rule-set.js';

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
  const collected = await collectRuleFiles(paths);
  const { sources, diagnostics } = await readRuleFiles(collected);
  return { sources, diagnostics: [...collected.diagnostics, ...diagnostics] };
}

/** The text of each collected file; past the file-count bound, nothing (not what was meant). */
async function readRuleFiles(
  collected: CollectedRuleFiles,
): Promise<{ sources: RuleSource[]; diagnostics: Diagnostic[] }> {
  const sources: RuleSource[] = [];
  const diagnostics: Diagnostic[] = [];
  if (collected.diagnostics.some((d) => d.code === 'EXR_TOO_MANY_RULE_FILES'))
    return { sources, diagnostics };
  for (const file of collected.files) {
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

/** `checkRuleFiles`' verdict: the rule set check, plus what the paths turned out to hold. */
export interface RuleFilesCheck extends RuleSetCheck {
  /** The rule files found below the paths, in load order. */
  files: string[];
  /** The given paths that do not exist (`EXR_FILE_NOT_FOUND`). */
  missingPaths: string[];
  /**
   * The problems with the paths themselves (missing, unreadable, a directory with no rule files,
   * a suite given as rules, too many files): a usage problem rather than a rule problem. Also
   * in `diagnostics`.
   */
  pathDiagnostics: Diagnostic[];
}

/**
 * Checks the rule files for `paths` without throwing: every diagnostic (file system, YAML,
 * schema, semantics; errors and warnings) and the merged rule set when there is no error. Walks
 * the paths once and says which do not exist, so callers need not walk them first.
 */
export async function checkRuleFiles(paths: string | readonly string[]): Promise<RuleFilesCheck> {
  const collected = await collectRuleFiles(paths);
  const read = await readRuleFiles(collected);
  const pathDiagnostics = collected.diagnostics;
  const about = {
    files: collected.files,
    missingPaths: pathDiagnostics
      .filter((d) => d.code === 'EXR_FILE_NOT_FOUND' && d.file !== undefined)
      .map((d) => d.file!),
    pathDiagnostics,
  };
  const diagnostics = [...pathDiagnostics, ...read.diagnostics];
  const fileErrors = diagnostics.filter((d) => d.severity === 'error');
  if (read.sources.length === 0 && fileErrors.length > 0) return { diagnostics, ...about };
  const check = checkRuleSet(read.sources);
  if (diagnostics.length === 0) return { ...check, ...about };
  const all = [...diagnostics, ...check.diagnostics];
  if (fileErrors.length > 0 || check.ruleSet === undefined) return { diagnostics: all, ...about };
  return {
    ruleSet: withWarnings(
      check.ruleSet,
      all.filter((d) => d.severity === 'warning'),
    ),
    diagnostics: all,
    ...about,
  };
}

/**
 * Loads rule files and directories into one merged RuleSet; throws RuleSetError with every
 * error found across all files.
 */
export async function loadRuleSet(paths: string | readonly string[]): Promise<RuleSet> {
  return ruleSetOrThrow(await checkRuleFiles(paths));
}
