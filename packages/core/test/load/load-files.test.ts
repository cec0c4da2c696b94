import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRuleFiles,
  collectRuleFiles,
  createRouter,
  loadRuleSet,
  RuleSetError,
} from '@exroute/core';

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

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'exroute-load-'));
  await mkdir(join(root, 'rules'));
  await writeFile(join(root, 'rules', 'b-rules.yml'), rulesFile('second'));
  await writeFile(join(root, 'rules', 'a-rules.yaml'), rulesFile('first'));
  await writeFile(join(root, 'rules', 'notes.txt'), 'not a rule file');
  await writeFile(join(root, 'directory.yaml'), DIRECTORY);
  await writeFile(join(root, 'duplicate.yaml'), rulesFile('first'));
  await mkdir(join(root, 'empty'));
  await symlink(join(root, 'loop-b'), join(root, 'loop-a'));
  await symlink(join(root, 'loop-a'), join(root, 'loop-b'));
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

describe('loadRuleSet on files and directories', () => {
  it('merges a file and a directory, taking directory files sorted and *.yaml/*.yml only', async () => {
    const ruleSet = await loadRuleSet([join(root, 'directory.yaml'), join(root, 'rules')]);
    expect(ruleSet.files).toEqual([
      join(root, 'directory.yaml'),
      join(root, 'rules', 'a-rules.yaml'),
      join(root, 'rules', 'b-rules.yml'),
    ]);
    expect(ruleSet.rules.map((r) => [r.id, r.order, r.location.file, r.location.line])).toEqual([
      ['first', 0, join(root, 'rules', 'a-rules.yaml'), 3],
      ['second', 1, join(root, 'rules', 'b-rules.yml'), 3],
    ]);
    expect(ruleSet.recipients.get('ops')?.location.file).toBe(join(root, 'directory.yaml'));
  });

  it('reads a path given twice once', async () => {
    const files = await collectRuleFiles([
      join(root, 'rules'),
      join(root, 'rules', 'a-rules.yaml'),
    ]);
    expect(files.files).toHaveLength(2);
  });

  it('reports a rule id duplicated across files, naming both places', async () => {
    const error = await loadError([
      join(root, 'directory.yaml'),
      join(root, 'rules'),
      join(root, 'duplicate.yaml'),
    ]);
    expect(error.diagnostics).toHaveLength(1);
    expect(error.diagnostics[0]).toMatchObject({
      code: 'EXR_DUPLICATE_RULE_ID',
      file: join(root, 'duplicate.yaml'),
      line: 3,
      column: 9,
    });
    expect(error.diagnostics[0]?.message).toContain(`${join(root, 'rules', 'a-rules.yaml')}:3:5`);
  });

  it('reports a missing path as EXR_FILE_NOT_FOUND', async () => {
    const error = await loadError([join(root, 'directory.yaml'), join(root, 'missing.yaml')]);
    expect(error.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['EXR_FILE_NOT_FOUND', join(root, 'missing.yaml')],
    ]);
  });

  it('reports a directory without rule files as EXR_NO_RULE_FILES', async () => {
    const error = await loadError(join(root, 'empty'));
    expect(error.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['EXR_NO_RULE_FILES', join(root, 'empty')],
    ]);
  });

  it('reports an unreadable path (a symlink loop) as EXR_FILE_UNREADABLE', async () => {
    const error = await loadError(join(root, 'loop-a'));
    expect(error.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['EXR_FILE_UNREADABLE', join(root, 'loop-a')],
    ]);
  });

  it('reports no paths at all as EXR_NO_RULE_FILES', async () => {
    const error = await loadError([]);
    expect(error.diagnostics.map((d) => d.code)).toEqual(['EXR_NO_RULE_FILES']);
  });

  it('checkRuleFiles returns warnings alongside the rule set', async () => {
    const file = join(root, 'warn.yaml');
    await writeFile(file, `${DIRECTORY}  spare: { id: T2, channels: [sms] }\n`);
    await writeFile(
      join(root, 'warn-rules.yaml'),
      'apiVersion: exroute/v1\nrules:\n  - id: texts\n    notify: [{ to: [ops], template: spare }]\n',
    );
    const check = await checkRuleFiles([file, join(root, 'warn-rules.yaml')]);
    expect(check.ruleSet).toBeDefined();
    expect(check.diagnostics.map((d) => [d.code, d.severity, d.line, d.column])).toEqual([
      ['EXR_NO_ADDRESS_FOR_CHANNEL', 'warning', 4, 21],
    ]);
    expect(check.ruleSet?.warnings).toEqual(check.diagnostics);
  });

  it('checkRuleFiles walks the paths once and says which do not exist', async () => {
    const missing = join(root, 'nowhere');
    const check = await checkRuleFiles([
      join(root, 'directory.yaml'),
      missing,
      join(root, 'rules'),
    ]);
    expect(check.ruleSet).toBeUndefined();
    expect(check.missingPaths).toEqual([missing]);
    expect(check.files).toEqual([
      join(root, 'directory.yaml'),
      join(root, 'rules', 'a-rules.yaml'),
      join(root, 'rules', 'b-rules.yml'),
    ]);
    expect(check.pathDiagnostics.map((d) => [d.code, d.file])).toEqual([
      ['EXR_FILE_NOT_FOUND', missing],
    ]);
    expect(check.diagnostics).toEqual(expect.arrayContaining(check.pathDiagnostics));

    const clean = await checkRuleFiles([join(root, 'directory.yaml'), join(root, 'rules')]);
    expect(clean.ruleSet?.rules.map((r) => r.id)).toEqual(['first', 'second']);
    expect([clean.missingPaths, clean.pathDiagnostics]).toEqual([[], []]);
  });

  it('checkRuleFiles gives a rule set with file warnings that createRouter still takes', async () => {
    const file = join(root, 'warn.yaml');
    const check = await checkRuleFiles([file, join(root, 'warn-rules.yaml')]);
    expect(check.ruleSet?.warnings.length).toBeGreaterThan(0);
    expect(() => createRouter(check.ruleSet!)).not.toThrow();
  });
});
