import { readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import { MAX_RULE_DIRECTORIES, MAX_RULE_FILES } from './limits.js';

const RULE_FILE_EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml']);

/** Rule suites (`exroute test` input) share the rule files' extension but are not rules. */
const SUITE_FILE_PATTERN = /\.suite\.ya?ml$/i;

/** Folders never searched besides hidden ones: installed dependencies. */
const SKIPPED_DIRECTORY_NAMES: ReadonlySet<string> = new Set(['node_modules']);

/** True for a name a directory walk takes as a rule file: `*.yaml` / `*.yml`, not a suite. */
export function isRuleFileName(name: string): boolean {
  return RULE_FILE_EXTENSIONS.has(extname(name).toLowerCase()) && !isSuiteFileName(name);
}

/** True for a rule suite file name (`*.suite.yaml`, `*.suite.yml`). */
export function isSuiteFileName(name: string): boolean {
  return SUITE_FILE_PATTERN.test(name);
}

/**
 * What one collection has found so far, shared by every path given so the file bound and the
 * "read each real file once" promise hold across all of them.
 */
export interface RuleFileWalk {
  files: string[];
  /** Real (symlink-free) paths of the files taken, so a file reached twice is read once. */
  seen: Set<string>;
  diagnostics: Diagnostic[];
  directoriesVisited: number;
  /** Set once a bound is hit: nothing more is collected and no file should be read. */
  overflowed: boolean;
}

/** A fresh walk state for one `collectRuleFiles` call. */
export function startRuleFileWalk(): RuleFileWalk {
  return { files: [], seen: new Set(), diagnostics: [], directoriesVisited: 0, overflowed: false };
}

/**
 * Adds a file unless its real path was taken already; false (with an
 * `EXR_TOO_MANY_RULE_FILES` diagnostic) once the walk has reached its file bound.
 */
export function takeRuleFile(
  walk: RuleFileWalk,
  file: string,
  realFile: string,
  reportAt: string,
): boolean {
  if (walk.seen.has(realFile)) return true;
  if (walk.files.length >= MAX_RULE_FILES) {
    overflow(walk, reportAt, `more than ${MAX_RULE_FILES} rule files`);
    return false;
  }
  walk.seen.add(realFile);
  walk.files.push(file);
  return true;
}

/**
 * Adds every rule file under `root` to the walk, depth first. Within a directory, entries are
 * taken in code-unit order of their names (the same on every OS and locale): its files first,
 * then each subdirectory in turn. Hidden entries (`.name`), `node_modules` and suite files are
 * skipped. Symbolic links are not followed, so the walk cannot loop or leave the tree; a link
 * pointing outside it is reported (warning `EXR_SYMLINK_OUTSIDE_TREE`). Returns how many rule
 * files the tree holds, including any an earlier path already took.
 */
export async function walkRuleDirectory(walk: RuleFileWalk, root: string): Promise<number> {
  let found = 0;
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    realRoot = root;
  }
  const pending: { path: string; real: string }[] = [{ path: root, real: realRoot }];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (walk.overflowed) break;
    if (walk.directoriesVisited >= MAX_RULE_DIRECTORIES) {
      overflow(walk, root, `more than ${MAX_RULE_DIRECTORIES} folders`);
      break;
    }
    walk.directoriesVisited += 1;
    let entries: Dirent[];
    try {
      entries = await readdir(current.path, { withFileTypes: true });
    } catch (error) {
      walk.diagnostics.push(unreadablePath(current.path, error));
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirectories: { path: string; real: string }[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(current.path, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORY_NAMES.has(entry.name))
          subdirectories.push({ path, real: join(current.real, entry.name) });
      } else if (entry.isFile() && isRuleFileName(entry.name)) {
        found += 1;
        if (!takeRuleFile(walk, path, join(current.real, entry.name), root)) break;
      } else if (entry.isSymbolicLink()) {
        await reportLinkOutsideTree(walk, path, entry.name, realRoot, root);
      }
    }
    for (let index = subdirectories.length - 1; index >= 0; index -= 1) {
      const subdirectory = subdirectories[index];
      if (subdirectory !== undefined) pending.push(subdirectory);
    }
  }
  return found;
}

/**
 * A link is never followed: one inside the tree points at something the walk reads where it
 * lives (following it would only read files twice, or loop); one pointing outside is reported,
 * so a rule file is never skipped without a word.
 */
async function reportLinkOutsideTree(
  walk: RuleFileWalk,
  link: string,
  name: string,
  realRoot: string,
  root: string,
): Promise<void> {
  let target: string;
  let isDirectory: boolean;
  try {
    target = await realpath(link);
    isDirectory = (await stat(target)).isDirectory();
  } catch (error) {
    // A dangling link only matters where a rule file was meant to be.
    if (isRuleFileName(name)) walk.diagnostics.push(unreadablePath(link, error));
    return;
  }
  if ((!isDirectory && !isRuleFileName(name)) || isInside(realRoot, target)) return;
  walk.diagnostics.push({
    code: 'EXR_SYMLINK_OUTSIDE_TREE',
    severity: 'warning',
    message: `this symbolic link points outside '${root}' (to '${target}') and was not followed`,
    hint: 'pass the target path to the loader as well, or move the files into the rules folder',
    file: link,
  });
}

function isInside(realRoot: string, target: string): boolean {
  const path = relative(realRoot, target);
  return path === '' || (!isAbsolute(path) && path.split(sep)[0] !== '..');
}

function overflow(walk: RuleFileWalk, root: string, what: string): void {
  walk.overflowed = true;
  walk.diagnostics.push({
    code: 'EXR_TOO_MANY_RULE_FILES',
    severity: 'error',
    message: `'${root}' holds ${what}; no files were read`,
    hint: 'point the loader at the folder that holds the rules, not at a parent of unrelated files',
    file: root,
  });
}

/** The diagnostic for a path that cannot be read: missing, or failing for another reason. */
export function unreadablePath(path: string, error: unknown): Diagnostic {
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
