import { resolve } from 'node:path';
import { ExrouteError, checkRuleFiles } from '@exroute/core';
import type { Diagnostic, RuleSet } from '@exroute/core';

/** A loaded rule set (with its warnings), or every diagnostic explaining why there is none. */
export interface RuleLoadResult {
  ruleSet?: RuleSet;
  /** Errors and warnings; the rule set is present only when there is no error. */
  diagnostics: Diagnostic[];
  files: string[];
  /** True when a path does not exist or holds no rule files: a usage problem, not a rule problem. */
  badPaths: boolean;
}

const PATH_CODES = new Set(['EXR_FILE_NOT_FOUND', 'EXR_NO_RULE_FILES', 'EXR_FILE_UNREADABLE']);

/**
 * Loads the rule files under `paths` through the core loader (directories contribute every
 * *.yaml / *.yml file below them, suite files excluded), walking them once; never throws for bad
 * input. A problem with the paths themselves is reported alone, before any rule file's.
 */
export async function loadRulesFromPaths(
  paths: readonly string[],
  cwd: string,
): Promise<RuleLoadResult> {
  try {
    const check = await checkRuleFiles(paths.map((path) => resolve(cwd, path)));
    const { files, pathDiagnostics } = check;
    if (pathDiagnostics.some((d) => d.severity === 'error')) {
      return { diagnostics: pathDiagnostics, files, badPaths: true };
    }
    const hasErrors = check.diagnostics.some((d) => d.severity === 'error');
    return {
      ...(check.ruleSet !== undefined && !hasErrors ? { ruleSet: check.ruleSet } : {}),
      diagnostics: check.diagnostics,
      files,
      badPaths: check.diagnostics.some((d) => PATH_CODES.has(d.code)),
    };
  } catch (error) {
    return { diagnostics: diagnosticsOfError(error), files: [], badPaths: false };
  }
}

/** The diagnostics an exroute error carries, or one describing an unexpected failure. */
export function diagnosticsOfError(error: unknown): Diagnostic[] {
  if (error instanceof ExrouteError) return error.diagnostics;
  return [
    {
      code: 'EXR_CLI_INTERNAL',
      severity: 'error',
      message: `unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    },
  ];
}
