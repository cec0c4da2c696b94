import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRuleFiles, collectRuleFiles, loadRuleSet, RuleSetError } from '@exroute/core';

const DIRECTORY = `apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: T1, channels: [email] }
`;
const rulesFile = (id: string) => `apiVersion: exroute/v1
rules:
  - id: ${id}
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert }]
`;
const SUITE = 'cases: []\n';
// Not YAML a rule loader accepts: reading any skipped file would fail the load.
const BROKEN = 'apiVersion: [\n';

let root: string;
let tree: string;
const at = (...parts: string[]) => join(tree, ...parts);

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'exroute-tree-'));
  tree = join(root, 'rules');
  await put(at('directory.yaml'), DIRECTORY);
  await put(at('Zeta.yml'), rulesFile('zeta'));
  await put(at('notes.txt'), 'not a rule file');
  await put(at('all.suite.yaml'), SUITE);
  await put(at('team', 'b.yaml'), rulesFile('team-b'));
  await put(at('team', 'a.yml'), rulesFile('team-a'));
  await put(at('team', 'cases.suite.yml'), SUITE);
  await put(at('team', 'nested', 'deep.yaml'), rulesFile('deep'));
  await put(at('team-x', 'x.yaml'), rulesFile('team-x'));
  await put(at('.hidden', 'h.yaml'), BROKEN);
  await put(at('.editor.yaml'), BROKEN);
  await put(at('node_modules', 'pkg', 'p.yaml'), BROKEN);
  await put(join(root, 'outside', 'o.yaml'), BROKEN);
  await symlink(tree, at('team', 'loop'));
  await symlink(at('team', 'b.yaml'), at('team', 'nested', 'again.yaml'));
  await symlink(join(root, 'outside'), at('shared'));
  await symlink(join(root, 'outside', 'o.yaml'), at('linked.yaml'));
  await put(join(root, 'only-suites', 'x.suite.yaml'), SUITE);
  await put(join(root, 'only-suites', 'sub', 'y.suite.yml'), SUITE);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function loadError(paths: string | string[]): Promise<RuleSetError> {
  try {
    await loadRuleSet(paths);
  } catch (error) {
    if (error instanceof RuleSetError) return error;
    throw error;
  }
  throw new Error('expected a RuleSetError');
}

const LOAD_ORDER = () => [
  // A folder's own files first, in code-unit order ('Z' < 'd'), then each subfolder in turn:
  // all of team/ (with team/nested/) before team-x/, although '-' sorts before '/'.
  at('Zeta.yml'),
  at('directory.yaml'),
  at('team', 'a.yml'),
  at('team', 'b.yaml'),
  at('team', 'nested', 'deep.yaml'),
  at('team-x', 'x.yaml'),
];

describe('loading a directory tree', () => {
  it('takes *.yaml/*.yml files of every subfolder, in the documented order', async () => {
    const { files, diagnostics } = await collectRuleFiles(tree);
    expect(files).toEqual(LOAD_ORDER());
    expect(diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ['EXR_SYMLINK_OUTSIDE_TREE', 'warning', at('linked.yaml')],
      ['EXR_SYMLINK_OUTSIDE_TREE', 'warning', at('shared')],
    ]);
  });

  it('loads the merged rule set in that order, keeping the link warnings', async () => {
    const check = await checkRuleFiles(tree);
    expect(check.ruleSet?.files).toEqual(LOAD_ORDER());
    expect(check.ruleSet?.rules.map((r) => [r.id, r.order])).toEqual([
      ['zeta', 0],
      ['team-a', 1],
      ['team-b', 2],
      ['deep', 3],
      ['team-x', 4],
    ]);
    expect(check.ruleSet?.warnings.map((d) => d.code)).toEqual([
      'EXR_SYMLINK_OUTSIDE_TREE',
      'EXR_SYMLINK_OUTSIDE_TREE',
    ]);
  });

  it('gives the same rule set as listing the files one by one', async () => {
    const fromTree = await loadRuleSet(tree);
    const fromList = await loadRuleSet(LOAD_ORDER());
    expect(fromTree.version).toBe(fromList.version);
    expect(fromTree.files).toEqual(fromList.files);
  });

  it('reads a file reached through the tree and by name once', async () => {
    const { files, diagnostics } = await collectRuleFiles([at('team', 'b.yaml'), tree, at('team')]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(files).toEqual([
      at('team', 'b.yaml'),
      ...LOAD_ORDER().filter((f) => !f.endsWith('b.yaml')),
    ]);
  });

  it('still reports a rule id duplicated across subfolders, naming both places', async () => {
    const extra = join(root, 'dup');
    await put(
      join(extra, 'one', 'r.yaml'),
      `${DIRECTORY}rules:\n  - id: same\n    notify: [{ to: [ops], template: alert }]\n`,
    );
    await put(join(extra, 'two', 'r.yaml'), rulesFile('same'));
    const error = await loadError(extra);
    expect(error.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([
      ['EXR_DUPLICATE_RULE_ID', join(extra, 'two', 'r.yaml'), 3, 9],
    ]);
    expect(error.diagnostics[0]?.message).toContain(`${join(extra, 'one', 'r.yaml')}:7:5`);
  });

  it('reports a suite file given by name as EXR_SUITE_FILE_AS_RULES, with a hint', async () => {
    const error = await loadError([at('directory.yaml'), at('team', 'cases.suite.yml')]);
    expect(error.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ['EXR_SUITE_FILE_AS_RULES', 'error', at('team', 'cases.suite.yml')],
    ]);
    expect(error.diagnostics[0]?.hint).toBeDefined();
  });

  it('reports a tree holding only suites as EXR_NO_RULE_FILES', async () => {
    const error = await loadError(join(root, 'only-suites'));
    expect(error.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['EXR_NO_RULE_FILES', join(root, 'only-suites')],
    ]);
  });

  it('reports a dangling link named like a rule file', async () => {
    const folder = join(root, 'dangling');
    await put(join(folder, 'ok.yaml'), `${DIRECTORY}`);
    await symlink(join(folder, 'gone.yaml'), join(folder, 'moved.yaml'));
    await symlink(join(folder, 'gone'), join(folder, 'moved-folder'));
    const error = await loadError(folder);
    expect(error.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['EXR_FILE_NOT_FOUND', join(folder, 'moved.yaml')],
    ]);
  });
});

describe('the rule file bound', () => {
  it('stops at 10,000 rule files with EXR_TOO_MANY_RULE_FILES and reads none', async () => {
    const big = join(root, 'big');
    for (let folder = 0; folder < 11; folder += 1) {
      const path = join(big, `f${String(folder).padStart(2, '0')}`);
      await mkdir(path, { recursive: true });
      // Empty files: reading any of them would add EXR_EMPTY_FILE diagnostics.
      await Promise.all(
        Array.from({ length: 1000 }, (_, i) => writeFile(join(path, `r${i}.yaml`), '')),
      );
    }
    const collected = await collectRuleFiles(big);
    expect(collected.files).toHaveLength(10_000);
    expect(collected.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['EXR_TOO_MANY_RULE_FILES', big],
    ]);
    const check = await checkRuleFiles(big);
    expect(check.ruleSet).toBeUndefined();
    expect(check.diagnostics.map((d) => d.code)).toEqual(['EXR_TOO_MANY_RULE_FILES']);
  });
});
