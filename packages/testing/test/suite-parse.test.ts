import { describe, expect, it } from 'vitest';
import { loadSuite, parseSuite, SuiteError } from '@exroute/testing';
import { TempProject } from './temp-project.js';

const VALID = `suite: review
rules: [./rules.yaml]
defaults: { source: exstream/test, at: "2026-11-30T10:00:00Z" }
cases:
  - name: first
    event: { type: content.review_requested, data: {} }
    expect: { none: true }
`;

function codesAt(text: string): [string, number | undefined, number | undefined][] {
  return parseSuite(text, { filename: 'x.suite.yaml' }).diagnostics.map((d) => [
    d.code,
    d.line,
    d.column,
  ]);
}

describe('parseSuite', () => {
  it('reads a valid suite, resolving rules paths against the suite file', () => {
    const parsed = parseSuite(VALID, { filename: '/work/suites/a.suite.yaml' });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.suite?.name).toBe('review');
    expect(parsed.suite?.rules).toEqual(['/work/suites/rules.yaml']);
    expect(parsed.suite?.defaults).toEqual({
      at: '2026-11-30T10:00:00Z',
      event: { source: 'exstream/test' },
    });
    expect(parsed.suite?.cases[0]).toMatchObject({
      index: 0,
      name: 'first',
      expect: { none: true },
      location: { file: '/work/suites/a.suite.yaml', line: 5, column: 5 },
    });
  });

  it('reports an unknown field at its key, with a suggestion', () => {
    const text = VALID.replace('expect: { none: true }', 'expect: { none: true, rulez: [a] }');
    const [diagnostic] = parseSuite(text, { filename: 'x.suite.yaml' }).diagnostics;
    expect(diagnostic).toMatchObject({
      code: 'EXR_SUITE_UNKNOWN_FIELD',
      file: 'x.suite.yaml',
      line: 7,
      column: 27,
      hint: "did you mean 'rules'?",
    });
  });

  it('reports a missing required field at the object that lacks it', () => {
    const text = VALID.replace('    expect: { none: true }\n', '');
    expect(codesAt(text)).toEqual([['EXR_SUITE_MISSING_FIELD', 5, 5]]);
  });

  it('rejects malformed and impossible instants', () => {
    expect(codesAt(VALID.replace('2026-11-30T10:00:00Z', 'tomorrow'))).toEqual([
      ['EXR_SUITE_INVALID_TIME', 3, 40],
    ]);
    expect(codesAt(VALID.replace('2026-11-30T10:00:00Z', '2026-13-45T10:00:00Z'))).toEqual([
      ['EXR_SUITE_INVALID_TIME', 3, 40],
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const diagnostics = parseSuite('suite: [unclosed\nrules: x\n', { filename: 'y' }).diagnostics;
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.code === 'EXR_SUITE_YAML' && d.line !== undefined)).toBe(
      true,
    );
  });

  it('refuses aliases, so a billion-laughs suite cannot expand', () => {
    const text = `suite: &a review\nrules: [*a]\ncases: []\n`;
    expect(parseSuite(text).diagnostics.map((d) => d.code)).toContain('EXR_SUITE_YAML');
  });

  it('reports duplicate case names at the second one', () => {
    const text = `${VALID}  - name: first\n    event: { data: {} }\n    expect: { none: false }\n`;
    expect(codesAt(text)).toEqual([['EXR_SUITE_DUPLICATE_CASE', 8, 11]]);
  });

  it('reports none: true contradicted by another expectation', () => {
    const text = VALID.replace('{ none: true }', '{ none: true, rules: [a] }');
    expect(codesAt(text)).toEqual([['EXR_SUITE_CONFLICTING_EXPECTATION', 7, 27]]);
  });

  it('refuses nesting deep enough to endanger the validators', () => {
    const deep = `${'{ a: '.repeat(80)}1${' }'.repeat(80)}`;
    const text = VALID.replace('data: {}', `data: ${deep}`);
    expect(parseSuite(text).diagnostics.map((d) => d.code)).toEqual(['EXR_SUITE_TOO_DEEP']);
  });

  it('refuses an integer a JavaScript number would round, at its position', () => {
    const text = VALID.replace('data: {}', 'data: { account: 12345678901234567890 }');
    expect(codesAt(text)).toEqual([['EXR_SUITE_INTEGER_TOO_LARGE', 6, 63]]);
    const quoted = VALID.replace('data: {}', 'data: { account: "12345678901234567890" }');
    expect(codesAt(quoted)).toEqual([]);
  });

  it('keeps a __proto__ key as data and reports it as an unknown field', () => {
    const text = VALID.replace('suite: review', 'suite: review\n__proto__: { polluted: true }');
    expect(codesAt(text)).toEqual([['EXR_SUITE_UNKNOWN_FIELD', 2, 1]]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('loadSuite', () => {
  it('throws one SuiteError carrying every diagnostic', () => {
    const project = new TempProject();
    try {
      const file = project.write('bad.suite.yaml', 'suite: x\ncases: []\nextra: 1\n');
      let caught: unknown;
      try {
        loadSuite(file);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SuiteError);
      expect((caught as SuiteError).code).toBe('EXR_SUITE_INVALID');
      expect((caught as SuiteError).diagnostics.map((d) => d.code).sort()).toEqual([
        'EXR_SUITE_INVALID_VALUE',
        'EXR_SUITE_MISSING_FIELD',
        'EXR_SUITE_UNKNOWN_FIELD',
      ]);
    } finally {
      project.remove();
    }
  });

  it('reports an unreadable file as EXR_SUITE_READ', () => {
    expect(() => loadSuite('/nonexistent/a.suite.yaml')).toThrow(SuiteError);
  });
});
