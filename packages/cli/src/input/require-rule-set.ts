import type { RuleSet } from '@exroute/core';
import { colorEnabled } from '../cli-io.js';
import type { CliIo } from '../cli-io.js';
import { printDiagnosticLines } from '../output/diagnostics.js';
import { loadRulesFromPaths } from './load-rules.js';

/** A rule set that loaded without errors, and the files it came from. */
export interface LoadedRuleSet {
  ruleSet: RuleSet;
  files: string[];
}

/**
 * The rule set under `paths`, or `undefined` once the loader's diagnostics are printed on stderr:
 * every command that needs valid rules stops the same way (exit code `invalid`).
 */
export async function requireRuleSet(
  paths: readonly string[],
  io: CliIo,
): Promise<LoadedRuleSet | undefined> {
  const loaded = await loadRulesFromPaths(paths, io.cwd);
  if (loaded.ruleSet === undefined) {
    printDiagnosticLines(io.stderr, loaded.diagnostics, colorEnabled(io.stderr, io.env));
    return undefined;
  }
  return { ruleSet: loaded.ruleSet, files: loaded.files };
}
