import { describe, expect, it } from 'vitest';
import { checkRuleSet, parseRuleSet, RuleSetError } from '@exroute/core';

const DIRECTORY = `recipients:
  norway: { email: no@example.com }
templates:
  t: { id: T, channels: [email] }
`;

function codesOf(text: string): string[] {
  return checkRuleSet([{ text, filename: 'hostile.yaml' }]).diagnostics.map((d) => d.code);
}

function expectRuleSetError(text: string): RuleSetError {
  try {
    parseRuleSet(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSetError);
    return error as RuleSetError;
  }
  throw new Error('expected parseRuleSet to throw');
}

describe('YAML hardening', () => {
  it('keeps NO, yes and on as strings even under a %YAML 1.1 directive', () => {
    const ruleSet = parseRuleSet(
      `%YAML 1.1\n---\napiVersion: exroute/v1\n${DIRECTORY}rules:\n  - id: norway\n    when: { region: NO, documentType: [yes, on, off] }\n    notify: [{ to: [norway], template: t }]\n`,
    );
    expect(ruleSet.rules[0]?.condition.all).toEqual([
      { fact: 'region', operator: 'equal', value: 'NO' },
      { fact: 'documentType', operator: 'in', value: ['yes', 'on', 'off'] },
    ]);
  });

  it('does not merge `<<` keys under %YAML 1.1', () => {
    const codes = codesOf(
      `%YAML 1.1\n---\napiVersion: exroute/v1\nrecipients:\n  base: &b { email: a@example.com }\n  other: { <<: *b }\n`,
    );
    expect(codes).toContain('EXR_SCHEMA_UNKNOWN_KEY');
  });

  it('refuses integers a JavaScript number would round, and keeps every other number', () => {
    const ruleWith = (when: string) =>
      `apiVersion: exroute/v1\n${DIRECTORY}rules:\n  - id: big\n    when: { ${when} }\n    notify: [{ to: [norway], template: t }]\n`;
    const over = (value: string) => `data.amount: { greaterThan: ${value} }`;
    for (const value of [
      '9007199254740993.0',
      '9007199254740992',
      '-9007199254740993',
      '0x20000000000001',
      '0o400000000000000001',
    ]) {
      expect(codesOf(ruleWith(over(value)))).toEqual(['EXR_YAML_INTEGER_TOO_LARGE']);
    }
    for (const value of ['9007199254740991', '-9007199254740991', '1e20', '12.5']) {
      expect(codesOf(ruleWith(over(value)))).toEqual([]);
    }
    // Quoted, a long account number is text and compares exactly.
    expect(codesOf(ruleWith('data.accountNumber: "12345678901234567890"'))).toEqual([]);
  });

  it('stops a billion-laughs document with a diagnostic', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const error = expectRuleSetError(`apiVersion: exroute/v1\n${levels.join('\n')}\n`);
    expect(error.diagnostics.map((d) => d.code)).toEqual(['EXR_YAML_ALIAS_LIMIT']);
  });

  it('reports 5000-deep flow nesting at the same place whatever the caller has on its stack', () => {
    const text = `apiVersion: exroute/v1\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    // The yaml library recurses per flow level, so where (and how) it gave up used to depend on
    // the stack left to it; the pre-scan refuses the file before the library sees it.
    const nested = (depth: number): unknown =>
      depth > 0 ? nested(depth - 1) : expectRuleSetError(text).diagnostics[0];
    const places = [0, 2_000, 5_000].map((depth) => nested(depth));
    expect(places[0]).toMatchObject({ code: 'EXR_YAML_TOO_DEEP', line: 2, column: 260 });
    expect(places[1]).toEqual(places[0]);
    expect(places[2]).toEqual(places[0]);
  });

  it('rejects 5000-deep flow nesting with a positioned diagnostic', () => {
    const error = expectRuleSetError(
      `apiVersion: exroute/v1\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    );
    expect(error.diagnostics[0]).toMatchObject({ code: 'EXR_YAML_TOO_DEEP', line: 2 });
    expect(error.diagnostics.filter((d) => d.code === 'EXR_YAML_TOO_DEEP')).toHaveLength(1);
  });

  it('rejects 300-deep block nesting (5000 would exceed the size cap)', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`);
    const error = expectRuleSetError(`apiVersion: exroute/v1\nx:\n${lines.join('\n')} 1\n`);
    expect(error.diagnostics.map((d) => d.code)).toContain('EXR_YAML_TOO_DEEP');
  });

  it.each([
    ['!include other.yaml', 3, 6],
    ['!!binary aGVsbG8=', 3, 6],
    ['!!js/function "function () {}"', 3, 6],
    ['!!set { a, b }', 3, 6],
    ['!!timestamp 2026-01-01', 3, 6],
  ])('rejects the tag in `%s` as an error', (tagged, line, column) => {
    const error = expectRuleSetError(`apiVersion: exroute/v1\nmetadata:\n  x: ${tagged}\n`);
    expect(error.diagnostics[0]).toMatchObject({
      code: 'EXR_YAML_TAG',
      severity: 'error',
      line,
      column,
    });
  });

  it('reports duplicate keys, including 1 and "1"', () => {
    expect(codesOf('apiVersion: exroute/v1\nmetadata: { labels: { 1: a, "1": b } }\n')).toEqual([
      'EXR_YAML_DUPLICATE_KEY',
    ]);
  });

  it('rejects a file over 1 MiB before parsing it', () => {
    const text = `apiVersion: exroute/v1\nmetadata: { description: "${'x'.repeat(1024 * 1024)}" }\n`;
    expect(codesOf(text)).toEqual(['EXR_FILE_TOO_LARGE']);
  });

  it.each([
    ['NUL and control bytes', '\u0000\u0001\u0002\u00ff\ufffd\u0007garbage'],
    [
      'random bytes as latin1',
      Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 97 + 13) % 256)).toString('latin1'),
    ],
    ['a lone quote', '"'],
    ['several documents', 'apiVersion: exroute/v1\n---\napiVersion: exroute/v1\n'],
    ['tabs as indentation', 'apiVersion: exroute/v1\nmetadata:\n\tname: x\n'],
  ])('turns %s into diagnostics, never a crash', (_name, text) => {
    const error = expectRuleSetError(text);
    expect(error.diagnostics.length).toBeGreaterThan(0);
    for (const d of error.diagnostics) {
      expect(d.code).toMatch(/^EXR_[A-Z_]+$/);
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
  });

  it('never lets __proto__ keys reach Object.prototype', () => {
    const error = expectRuleSetError(
      `apiVersion: exroute/v1\n__proto__: { polluted: true }\nrecipients:\n  prototype: { email: a@example.com }\n`,
    );
    expect(error.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['EXR_FORBIDDEN_KEY', 2, 1],
      ['EXR_FORBIDDEN_KEY', 4, 3],
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
