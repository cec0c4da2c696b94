import { describe, expect, it } from 'vitest';
import { checkRuleSet, LOADER_DIAGNOSTIC_CODES, parseRuleSet, RuleSetError } from '@exroute/core';
import type { Diagnostic, RuleSource } from '@exroute/core';
import { POLICY_DIAGNOSTIC_CODES } from '../../src/validate/policy-diagnostic-codes.js';

// A directory every case can build on: lines 1–7.
const BASE = `apiVersion: exroute/v1
regions: { EMEA: [UK, DE] }
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: T1, channels: [email] }
rules:
`;
// Line 8 onwards: one rule whose body each case fills in.
const rule = (body: string) => `${BASE}  - id: r1\n${body}`;
const NOTIFY = '    notify: [{ to: [ops], template: alert }]\n';

interface CodeCase {
  code: string;
  sources: RuleSource[] | string;
  line: number;
  column: number;
  hint?: string;
  severity?: 'warning';
}

const cases: CodeCase[] = [
  { code: 'EXR_YAML_SYNTAX', sources: "apiVersion: exroute/v1\na: 'x' y\n", line: 2, column: 8 },
  { code: 'EXR_YAML_SYNTAX', sources: 'apiVersion: exroute/v1\na: *nowhere\n', line: 2, column: 4 },
  {
    code: 'EXR_YAML_DUPLICATE_KEY',
    sources: 'apiVersion: exroute/v1\napiVersion: exroute/v1\n',
    line: 2,
    column: 1,
  },
  {
    code: 'EXR_YAML_TAG',
    sources: 'apiVersion: exroute/v1\nmetadata: { name: !foo x }\n',
    line: 2,
    column: 19,
  },
  {
    code: 'EXR_YAML_WARNING',
    sources: '%YAML 1.3\n---\napiVersion: exroute/v1\n',
    line: 1,
    column: 7,
  },
  {
    code: 'EXR_YAML_INTEGER_TOO_LARGE',
    sources: rule('    when: { data.accountNumber: 12345678901234567890 }\n' + NOTIFY),
    line: 9,
    column: 33,
  },
  {
    code: 'EXR_YAML_TOO_DEEP',
    sources: `apiVersion: exroute/v1\nx: ${'['.repeat(70)}${']'.repeat(70)}\n`,
    line: 2,
    column: 67,
  },
  {
    code: 'EXR_YAML_ALIAS_LIMIT',
    sources: `apiVersion: exroute/v1\na: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n`,
    // b holds 8 expansions; each *b counts 9, so the fifth *b (8 + 5 × 9 = 53) crosses 50.
    line: 4,
    column: 21,
  },
  {
    code: 'EXR_TOO_MANY_DECORATORS',
    sources: rule(
      `    conditions: { all: [{ fact: region, operator: ${'not:'.repeat(9)}equal, value: UK }] }\n` +
        NOTIFY,
    ),
    line: 9,
    column: 51,
  },
  {
    code: 'EXR_CONDITION_TOO_LARGE',
    sources: rule(
      '    conditions: { condition: c14 }\n' +
        NOTIFY +
        'sharedConditions:\n  c0: { fact: region, operator: equal, value: UK }\n' +
        Array.from(
          { length: 14 },
          (_, i) => `  c${i + 1}: { any: [{ condition: c${i} }, { condition: c${i} }] }\n`,
        ).join(''),
    ),
    line: 9,
    column: 5,
  },
  {
    code: 'EXR_YAML_ALIAS_CYCLE',
    sources: 'apiVersion: exroute/v1\nx: &a [ *a ]\n',
    line: 2,
    column: 9,
  },
  {
    code: 'EXR_FILE_TOO_LARGE',
    sources: `apiVersion: exroute/v1\n#${'x'.repeat(1024 * 1024)}\n`,
    line: 1,
    column: 1,
  },
  { code: 'EXR_EMPTY_FILE', sources: '# only a comment\n', line: 1, column: 1 },
  { code: 'EXR_UNSUPPORTED_API_VERSION', sources: 'apiVersion: exroute/v2\n', line: 1, column: 13 },
  {
    code: 'EXR_SCHEMA_UNKNOWN_KEY',
    sources: 'apiVersion: exroute/v1\nrecipients:\n  ops: { emial: a@example.com }\n',
    line: 3,
    column: 10,
    hint: "did you mean 'email'?",
  },
  {
    code: 'EXR_SCHEMA_UNKNOWN_KEY',
    sources: rule(`${NOTIFY}    proirity: 3\n`),
    line: 10,
    column: 5,
    hint: "did you mean 'priority'?",
  },
  {
    code: 'EXR_SCHEMA_MISSING_KEY',
    sources: 'apiVersion: exroute/v1\ntemplates:\n  t: { channels: [email] }\n',
    line: 3,
    column: 6,
  },
  { code: 'EXR_SCHEMA_MISSING_KEY', sources: 'metadata: { name: x }\n', line: 1, column: 1 },
  { code: 'EXR_SCHEMA_TYPE', sources: 'apiVersion: exroute/v1\nrules: {}\n', line: 2, column: 8 },
  { code: 'EXR_SCHEMA_TYPE', sources: '- apiVersion\n', line: 1, column: 1 },
  {
    code: 'EXR_SCHEMA_ENUM',
    sources: 'apiVersion: exroute/v1\ntemplates:\n  t: { id: T, channels: [emial] }\n',
    line: 3,
    column: 26,
    hint: "did you mean 'email'?",
  },
  { code: 'EXR_SCHEMA_PATTERN', sources: `${BASE}  - id: Bad Id\n${NOTIFY}`, line: 8, column: 9 },
  { code: 'EXR_SCHEMA_EMPTY', sources: rule('    notify: []\n'), line: 9, column: 13 },
  {
    code: 'EXR_SCHEMA_TOO_MANY_KEYS',
    sources: rule(
      '    notify: [{ to: [ops], template: alert, due: { hours: 1, businessDays: 2 } }]\n',
    ),
    line: 9,
    column: 49,
  },
  {
    code: 'EXR_SCHEMA_RANGE',
    sources: rule('    notify: [{ to: [ops], template: alert, due: { hours: 0 } }]\n'),
    line: 9,
    column: 58,
  },
  {
    code: 'EXR_SCHEMA_DUPLICATE_ITEM',
    sources: 'apiVersion: exroute/v1\ntemplates:\n  t: { id: T, channels: [email, email] }\n',
    line: 3,
    column: 25,
  },
  {
    code: 'EXR_FORBIDDEN_KEY',
    sources: 'apiVersion: exroute/v1\nmetadata:\n  labels: { __proto__: x }\n',
    line: 3,
    column: 13,
  },
  {
    code: 'EXR_FORBIDDEN_KEY',
    sources: rule(`${NOTIFY}    when: { data.x: { constructor: 1 } }\n`),
    line: 10,
    column: 23,
  },
  {
    code: 'EXR_DUPLICATE_DEFINITION',
    sources: [
      { filename: 'a.yaml', text: BASE },
      {
        filename: 'b.yaml',
        text: 'apiVersion: exroute/v1\nrecipients:\n  ops: { email: other@example.com }\n',
      },
    ],
    line: 3,
    column: 3,
  },
  {
    code: 'EXR_DUPLICATE_RULE_ID',
    sources: rule(`${NOTIFY}  - id: r1\n${NOTIFY}`),
    line: 10,
    column: 9,
  },
  {
    code: 'EXR_UNKNOWN_RECIPIENT',
    sources: rule('    notify: [{ to: [ops, opz], template: alert }]\n'),
    line: 9,
    column: 26,
    hint: "did you mean 'ops'?",
  },
  {
    code: 'EXR_UNKNOWN_RECIPIENT',
    sources: 'apiVersion: exroute/v1\nrecipients:\n  team: { members: [nobody] }\n',
    line: 3,
    column: 21,
  },
  {
    code: 'EXR_UNKNOWN_TEMPLATE',
    sources: rule('    notify: [{ to: [ops], template: alret }]\n'),
    line: 9,
    column: 37,
    hint: "did you mean 'alert'?",
  },
  {
    code: 'EXR_UNKNOWN_REGION',
    sources: rule(`${NOTIFY}    when: { region: { within: EMAE } }\n`),
    line: 10,
    column: 31,
    hint: "did you mean 'EMEA'?",
  },
  {
    code: 'EXR_REGION_NOT_DECLARED',
    sources: rule(`${NOTIFY}    when: { region: DEU }\n`),
    line: 10,
    column: 21,
    hint: "did you mean 'DE'?",
    severity: 'warning',
  },
  {
    code: 'EXR_YAML_INDENTATION',
    sources: rule(`${NOTIFY}     when: { region: DE }\n`),
    line: 10,
    column: 6,
  },
  {
    code: 'EXR_UNKNOWN_CALENDAR',
    sources: 'apiVersion: exroute/v1\nregionCalendars:\n  UK: uk-ofice\n',
    line: 3,
    column: 7,
  },
  {
    code: 'EXR_UNKNOWN_CALENDAR',
    sources: rule(`${NOTIFY}    effective: { from: "2027-01-01", calendar: nowhere }\n`),
    line: 10,
    column: 48,
  },
  {
    code: 'EXR_UNKNOWN_CONDITION',
    sources: rule(`${NOTIFY}    conditions: { condition: nope }\n`),
    line: 10,
    column: 30,
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    sources: rule(`${NOTIFY}    when: { documnetType: invoice }\n`),
    line: 10,
    column: 13,
    hint: "did you mean 'documentType'?",
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    sources: rule(
      `${NOTIFY}    conditions: { fact: data, operator: equal, value: { fact: regoin } }\n`,
    ),
    line: 10,
    column: 63,
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    sources:
      'apiVersion: exroute/v1\ntemplates:\n  t: { id: T, channels: [email], subject: "{{ volume }}" }\n',
    line: 3,
    column: 44,
  },
  {
    code: 'EXR_UNKNOWN_OPERATOR',
    sources: rule(`${NOTIFY}    when: { type: { equals: x } }\n`),
    line: 10,
    column: 21,
    hint: "did you mean 'equal'?",
  },
  {
    code: 'EXR_UNKNOWN_OPERATOR',
    sources: rule(`${NOTIFY}    conditions: { fact: type, operator: "sumFact:equal", value: x }\n`),
    line: 10,
    column: 41,
    hint: "did you mean 'someFact:equal'?",
  },
  {
    code: 'EXR_RECIPIENT_CYCLE',
    sources: 'apiVersion: exroute/v1\nrecipients:\n  a: { members: [b] }\n  b: { members: [a] }\n',
    line: 3,
    column: 3,
  },
  {
    code: 'EXR_REGION_CYCLE',
    sources: 'apiVersion: exroute/v1\nregions:\n  A: [B, UK]\n  B: [A]\n',
    line: 3,
    column: 3,
  },
  {
    code: 'EXR_CONDITION_CYCLE',
    sources: `${BASE.replace('rules:\n', '')}sharedConditions:\n  a: { condition: b }\n  b: { any: [{ condition: a }] }\nrules:\n  - id: r1\n${NOTIFY}    conditions: { condition: a }\n`,
    line: 8,
    column: 3,
  },
  {
    code: 'EXR_EMPTY_CONDITION_LIST',
    sources: rule(`${NOTIFY}    conditions: { all: [] }\n`),
    line: 10,
    column: 24,
  },
  {
    code: 'EXR_CONDITION_SHAPE',
    sources: rule(`${NOTIFY}    conditions: { fact: type, operator: equal }\n`),
    line: 10,
    column: 17,
  },
  {
    code: 'EXR_CONDITION_SHAPE',
    sources: rule(
      `${NOTIFY}    conditions: { all: [{ fact: type, operator: equal, value: x }], any: [{ fact: type, operator: equal, value: y }] }\n`,
    ),
    line: 10,
    column: 17,
  },
  {
    code: 'EXR_CONDITION_SHAPE',
    sources: rule(`${NOTIFY}    when: { region: {} }\n`),
    line: 10,
    column: 21,
  },
  {
    code: 'EXR_CONDITION_TOO_DEEP',
    sources: rule(
      `${NOTIFY}    conditions: ${'{ not: '.repeat(33)}{ fact: type, operator: equal, value: x }${' }'.repeat(33)}\n`,
    ),
    line: 10,
    column: 17 + 7 * 32,
  },
  {
    code: 'EXR_OPERATOR_VALUE_TYPE',
    sources: rule(`${NOTIFY}    when: { data.volume: { greaterThan: "100" } }\n`),
    line: 10,
    column: 41,
  },
  {
    code: 'EXR_OPERATOR_VALUE_TYPE',
    sources: rule(`${NOTIFY}    conditions: { fact: region, operator: in, value: UK }\n`),
    line: 10,
    column: 54,
  },
  {
    code: 'EXR_OPERATOR_VALUE_TYPE',
    sources: rule(`${NOTIFY}    when: { priority: { atLeast: hihg } }\n`),
    line: 10,
    column: 34,
    hint: "did you mean 'high'?",
  },
  {
    code: 'EXR_OPERATOR_VALUE_TYPE',
    sources: rule(
      `${NOTIFY}    conditions: { fact: region, operator: "someValue:equal", value: UK }\n`,
    ),
    line: 10,
    column: 69,
  },
  {
    code: 'EXR_FACT_VALUE_NOT_ALLOWED',
    sources: rule(
      `${NOTIFY}    conditions: { fact: data, operator: exists, value: { fact: region } }\n`,
    ),
    line: 10,
    column: 56,
  },
  {
    code: 'EXR_FACT_VALUE_NOT_ALLOWED',
    sources: rule(
      `${NOTIFY}    conditions: { fact: data, path: $.code, operator: "swap:matches", value: "INV-1" }\n`,
    ),
    line: 10,
    column: 55,
  },
  {
    code: 'EXR_FACT_VALUE_NOT_ALLOWED',
    sources: rule(`${NOTIFY}    when: { data.code: { "not:swap:matches": "INV-1" } }\n`),
    line: 10,
    column: 26,
  },
  {
    code: 'EXR_UNSUPPORTED_PATH',
    sources: rule(
      `${NOTIFY}    conditions: { fact: data, path: "$..x", operator: equal, value: 1 }\n`,
    ),
    line: 10,
    column: 37,
  },
  {
    code: 'EXR_UNSUPPORTED_PATH',
    sources: rule(`${NOTIFY}    when: { "data[*].x": 1 }\n`),
    line: 10,
    column: 13,
  },
  {
    // In the middle of a long subject, the column is the placeholder's own.
    code: 'EXR_TEMPLATE_PLACEHOLDER',
    sources:
      'apiVersion: exroute/v1\ntemplates:\n  t:\n    id: T\n    channels: [email]\n    subject: Review of {{ documentType }} for {{ data.name() }} now\n',
    line: 6,
    column: 47,
  },
  {
    // The same bad placeholder twice: the second report points at the second one.
    code: 'EXR_TEMPLATE_PLACEHOLDER',
    sources:
      'apiVersion: exroute/v1\ntemplates:\n  t:\n    id: T\n    channels: [email]\n    subject: "{{ a + b }} and {{ a + b }}"\n',
    line: 6,
    column: 31,
  },
  {
    // In a block scalar, on the line the placeholder is written.
    code: 'EXR_TEMPLATE_PLACEHOLDER',
    sources:
      'apiVersion: exroute/v1\ntemplates:\n  t:\n    id: T\n    channels: [email]\n    subject: |\n      First line {{ documentType }}\n      then {{ a + b }} here\n',
    line: 8,
    column: 12,
  },
  {
    code: 'EXR_TEMPLATE_PLACEHOLDER',
    sources:
      'apiVersion: exroute/v1\ntemplates:\n  t: { id: T, channels: [email], params: { a: "{{ data.x | upper }}" } }\n',
    line: 3,
    column: 48,
  },
  {
    code: 'EXR_NO_ADDRESS_FOR_CHANNEL',
    severity: 'warning',
    sources: rule('    notify: [{ to: [texter], template: alert }]\n').replace(
      'recipients:\n',
      'recipients:\n  texter: { sms: "+4470000" }\n',
    ),
    line: 10,
    column: 21,
  },
  {
    code: 'EXR_CHANNEL_NOT_IN_TEMPLATE',
    severity: 'warning',
    sources: rule('    notify: [{ to: [ops], template: alert, channels: [sms] }]\n'),
    line: 9,
    column: 55,
  },
  {
    code: 'EXR_UNUSED_SHARED_CONDITION',
    severity: 'warning',
    sources:
      'apiVersion: exroute/v1\nsharedConditions:\n  spare: { fact: type, operator: equal, value: x }\n',
    line: 3,
    column: 3,
  },
  {
    code: 'EXR_RECIPIENT_WITHOUT_ADDRESS',
    severity: 'warning',
    sources: 'apiVersion: exroute/v1\nrecipients:\n  nobody: { description: left the company }\n',
    line: 3,
    column: 3,
  },
];

function diagnose(sources: RuleSource[] | string): Diagnostic[] {
  return checkRuleSet(
    typeof sources === 'string' ? [{ text: sources, filename: 'rules.yaml' }] : sources,
  ).diagnostics;
}

describe('every loader diagnostic code, with its position', () => {
  it.each(cases.map((c, i) => [`${c.code} #${i}`, c] as const))('%s', (_name, c) => {
    const diagnostics = diagnose(c.sources);
    const found = diagnostics.filter((d) => d.code === c.code);
    expect(found.map((d) => [d.line, d.column])).toContainEqual([c.line, c.column]);
    const hit = found.find((d) => d.line === c.line && d.column === c.column)!;
    expect(hit.severity).toBe(c.severity ?? 'error');
    if (c.hint !== undefined) expect(hit.hint).toBe(c.hint);
    if (c.severity === 'warning') {
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    }
  });

  it('reports a non-string text as EXR_NOT_TEXT at 1:1', () => {
    const error = catchRuleSetError(() => parseRuleSet(42 as unknown as string));
    expect(error.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['EXR_NOT_TEXT', 1, 1],
    ]);
  });

  it('uses only catalogued codes, and every catalogued code is exercised', () => {
    const exercised = new Set(cases.map((c) => c.code));
    const elsewhere = [
      // File-system codes: load-files.test.ts, load-directory-tree.test.ts; event codes:
      // validate-event.test.ts.
      'EXR_FILE_NOT_FOUND',
      'EXR_FILE_UNREADABLE',
      'EXR_NO_RULE_FILES',
      'EXR_SUITE_FILE_AS_RULES',
      'EXR_TOO_MANY_RULE_FILES',
      'EXR_SYMLINK_OUTSIDE_TREE',
      'EXR_NOT_TEXT',
      'EXR_EVENT_FORBIDDEN_KEY',
      'EXR_EVENT_MISSING_FIELD',
      'EXR_EVENT_UNKNOWN_FIELD',
      'EXR_EVENT_INVALID_FIELD',
      'EXR_EVENT_TOO_DEEP',
      'EXR_EVENT_TOO_LARGE',
      // hostile-input.test.ts
      'EXR_EVENT_NOT_JSON',
      'EXR_EVENT_UNREADABLE',
      'EXR_GROUP_TOO_DEEP',
      // explain-and-events.test.ts
      'EXR_RULE_SET_UNCHECKED',
      'EXR_REGION_GROUPS_TOO_LARGE',
      // Policy-section codes, each with its position: policy-sections.test.ts.
      ...Object.keys(POLICY_DIAGNOSTIC_CODES),
      // Invariant codes, each with its position: invariants/load-invariants.test.ts.
      'EXR_DUPLICATE_INVARIANT_ID',
      'EXR_INVARIANT_NEVER_MATCHES',
      'EXR_INVARIANT_CHANNEL_NOT_IN_TEMPLATE',
      'EXR_INVARIANT_NO_ADDRESS',
    ];
    // Defensive fallbacks that no known input reaches (the hardening tests prove the loader never throws).
    const unreachable = ['EXR_YAML_INTERNAL', 'EXR_INTERNAL', 'EXR_SCHEMA_INVALID'];
    const catalogued = Object.keys(LOADER_DIAGNOSTIC_CODES);
    for (const code of exercised) expect(catalogued).toContain(code);
    expect(
      catalogued.filter(
        (code) => !exercised.has(code) && !elsewhere.includes(code) && !unreachable.includes(code),
      ),
    ).toEqual([]);
  });

  it('names both places of a cross-file duplicate', () => {
    const duplicate = diagnose(
      cases.find((c) => c.code === 'EXR_DUPLICATE_DEFINITION')!.sources,
    ).find((d) => d.code === 'EXR_DUPLICATE_DEFINITION');
    expect(duplicate).toMatchObject({
      code: 'EXR_DUPLICATE_DEFINITION',
      file: 'b.yaml',
      pointer: '/recipients/ops',
    });
    expect(duplicate?.message).toContain('a.yaml:4:3');
  });

  it.each([
    ['{ fact: type, operater: equal, value: x }', 31, "did you mean 'operator'?"],
    ['{ alll: [{ fact: type, operator: equal, value: x }] }', 19, "did you mean 'all'?"],
  ])('reports a misspelled condition key %s once, at the key', (condition, column, hint) => {
    const diagnostics = diagnose(rule(`${NOTIFY}    conditions: ${condition}\n`));
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.hint])).toEqual([
      ['EXR_SCHEMA_UNKNOWN_KEY', 10, column, hint],
    ]);
  });

  it('keeps two texts given under one name apart', () => {
    const text = 'apiVersion: exroute/v1\nrecipients:\n  ops: { email: ops@example.com }\n';
    const diagnostics = diagnose([
      { text, filename: '<inline>' },
      { text: `# moved down\n${text}`, filename: '<inline>' },
    ]);
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([
      ['EXR_DUPLICATE_DEFINITION', '<inline> (2)', 4, 3],
    ]);
  });

  it('collects problems of several kinds in one pass', () => {
    const codes = diagnose(
      rule(
        `    notify: [{ to: [opz], template: alret }]\n    when: { documnetType: x, type: { equals: y } }\n    stopp: true\n`,
      ),
    ).map((d) => d.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'EXR_UNKNOWN_RECIPIENT',
        'EXR_UNKNOWN_TEMPLATE',
        'EXR_UNKNOWN_FACT',
        'EXR_UNKNOWN_OPERATOR',
        'EXR_SCHEMA_UNKNOWN_KEY',
      ]),
    );
  });
});

function catchRuleSetError(run: () => unknown): RuleSetError {
  try {
    run();
  } catch (error) {
    if (error instanceof RuleSetError) return error;
    throw error;
  }
  throw new Error('expected a RuleSetError');
}
