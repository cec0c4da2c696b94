import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import type { RuleSet } from '../model/rule-set.js';
import { checkRuleSet, ruleSetOrThrow } from './check-rule-set.js';
import type { RuleSetCheck } from './check-rule-set.js';
import { MAX_FILE_BYTES } from './limits.js';
import type { RuleSource } from './parse-yaml.js';

/** Rule files found for some paths, plus the problems met while looking. */
export interface CollectedRuleFiles {
  files: string[];
  diagnostics: Diagnostic[];
}

const RULE_FILE_EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml']);

/**
 * Expands files and directories into rule file paths: a file is taken as given, a directory
 * contributes its `*.yaml` / `*.yml` files (not subdirectories), sorted by name; a path listed
 * twice is read once. Missing paths become diagnostics, never exceptions.
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
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of list) {
    if (typeof path !== 'string') {
      diagnostics.push({
        code: 'EXR_FILE_NOT_FOUND',
        severity: 'error',
        message: `a rule file path must be a string, got ${path === null ? 'null' : typeof path}`,
      });
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      diagnostics.push(fileProblem(path, error));
      continue;
    }
    if (info.isDirectory()) {
      let names: string[];
      try {
        names = (await readdir(path, { withFileTypes: true }))
          .filter(
            (entry) =>
              entry.isFile() && RULE_FILE_EXTENSIONS.has(extname(entry.name).toLowerCase()),
          )
          .map((entry) => entry.name)
          .sort();
      } catch (error) {
        diagnostics.push(fileProblem(path, error));
        continue;
      }
      if (names.length === 0) {
        diagnostics.push({
          code: 'EXR_NO_RULE_FILES',
          severity: 'error',
          message:
            'this directory holds no .yaml or .yml files; point at the directory with the rule files',
          file: path,
        });
      }
      files.push(...names.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return { files: [...new Set(files)], diagnostics };
}

/** Reads the rule files for `paths` as text (UTF-8), reporting unreadable and oversized files. */
export async function loadRuleSources(
  paths: string | readonly string[],
): Promise<{ sources: RuleSource[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await collectRuleFiles(paths);
  const sources: RuleSource[] = [];
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
      diagnostics.push(fileProblem(file, error));
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
  return fileErrors.length > 0 ? { diagnostics: all } : { ...check, diagnostics: all };
}

/**
 * Loads rule files and directories into one merged RuleSet; throws RuleSetError with every
 * error found across all files.
 */
export async function loadRuleSet(paths: string | readonly string[]): Promise<RuleSet> {
  return ruleSetOrThrow(await checkRuleFiles(paths));
}

function fileProblem(path: string, error: unknown): Diagnostic {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return {
      code: 'EXR_FILE_NOT_FOUND',
      severity: 'error',
      message: 'no such file or directory; check the path',
      file: path,
    };
  }
  return {
    code: 'EXR_FILE_UNREADABLE',
    severity: 'error',
    message: `cannot read this path (${typeof code === 'string' ? code : 'unknown error'}); check its permissions`,
    file: path,
  };
}
