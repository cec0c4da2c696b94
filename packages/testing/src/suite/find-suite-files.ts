import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '@exroute/core';

/** Suite files end in `.suite.yaml` or `.suite.yml`. */
export const SUITE_FILE_PATTERN = /\.suite\.ya?ml$/;

/** Folders never searched: dependencies, build output and hidden folders (`.git`, …). */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'coverage']);

/**
 * Expands files and directories into a sorted list of suite files (directories are searched
 * recursively); a path that does not exist becomes an `EXR_SUITE_NOT_FOUND` diagnostic.
 */
export function findSuiteFiles(paths: readonly string[]): {
  files: string[];
  diagnostics: Diagnostic[];
} {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const kind = pathKind(path);
    if (kind === 'file') files.push(path);
    else if (kind === 'directory')
      files.push(...walk(path, (name) => SUITE_FILE_PATTERN.test(name)));
    else
      diagnostics.push({
        code: 'EXR_SUITE_NOT_FOUND',
        severity: 'error',
        message: `'${path}' does not exist; pass suite files or directories that contain *.suite.yaml`,
        file: path,
      });
  }
  return { files: unique(files), diagnostics };
}

/** `file`, `directory`, or `missing` — without throwing for unreadable paths. */
export function pathKind(path: string): 'file' | 'directory' | 'missing' {
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return 'directory';
    return stats.isFile() ? 'file' : 'missing';
  } catch {
    return 'missing';
  }
}

/** Every file under `directory` whose name passes `accept`, sorted, skipping hidden folders. */
export function walk(directory: string, accept: (name: string) => boolean): string[] {
  const found: string[] = [];
  const pending = [directory];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRECTORIES.has(entry.name)) pending.push(path);
      } else if (entry.isFile() && accept(entry.name)) {
        found.push(path);
      }
    }
  }
  return found.sort();
}

function unique(paths: string[]): string[] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = resolve(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
