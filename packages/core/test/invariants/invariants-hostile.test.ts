import { describe, expect, it } from 'vitest';
import { checkRuleSet } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

// Hostile input in the `invariants:` section: every case ends in located diagnostics (never a
// throw, never EXR_INTERNAL, never a hang). Sizes approach the 1 MiB file cap, so a check that
// is quadratic in the input would blow the per-test time bound; nothing here measures speed.

const HEAD = `apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: T1, channels: [email] }
rules:
  - id: r
    when: { type: x }
    notify: [{ to: [ops], template: alert }]
`;

function diagnose(text: string): Diagnostic[] {
  const check = checkRuleSet([{ text, filename: 'hostile.yaml' }]);
  for (const d of check.diagnostics) {
    expect(d.code).not.toBe('EXR_INTERNAL');
    expect(d.file).toBe('hostile.yaml');
    expect(d.line).toBeGreaterThan(0);
    expect(d.column).toBeGreaterThan(0);
  }
  return check.diagnostics;
}

const codes = (text: string) => diagnose(text).map((d) => d.code);
const BOUND = { timeout: 20_000 };
const OK_REQUIRE = 'require: { recipients: [ops], channels: [email] }';

describe('invariants: hostile input', () => {
  it('deep nesting in a `for` value stops at the YAML depth bound', BOUND, () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(
      codes(`${HEAD}invariants:\n  - { id: i, for: { type: ${deep} }, ${OK_REQUIRE} }\n`),
    ).toContain('EXR_YAML_TOO_DEEP');
  });

  it('nesting just inside the bound is checked like a rule`s when', BOUND, () => {
    const deep = `${'['.repeat(55)}x${']'.repeat(55)}`;
    expect(
      codes(
        `${HEAD}invariants:\n  - { id: i, for: { data.x: { contains: ${deep} } }, ${OK_REQUIRE} }\n`,
      ),
    ).toEqual([]);
  });

  it(
    'long ids, recipient names and templates are capped by the schema, messages stay short',
    BOUND,
    () => {
      const long = 'x'.repeat(300_000);
      const diagnostics = diagnose(
        `${HEAD}invariants:\n  - { id: ${long}, for: { type: x }, require: { recipients: [${long}], channels: [email], template: ${long} } }\n`,
      );
      expect(diagnostics.map((d) => d.code)).toEqual(
        expect.arrayContaining([
          'EXR_SCHEMA_RANGE',
          'EXR_UNKNOWN_RECIPIENT',
          'EXR_UNKNOWN_TEMPLATE',
        ]),
      );
      expect(diagnostics.every((d) => d.message.length < 600)).toBe(true);
    },
  );

  it(
    'thousands of repeated ids are each reported once, and the list length is capped',
    BOUND,
    () => {
      const entries = (n: number) =>
        Array.from({ length: n }, () => `  - { id: same, for: { type: x }, ${OK_REQUIRE} }`).join(
          '\n',
        );
      const repeated = codes(`${HEAD}invariants:\n${entries(1000)}\n`);
      expect(repeated.filter((c) => c === 'EXR_DUPLICATE_INVARIANT_ID')).toHaveLength(999);
      expect(codes(`${HEAD}invariants:\n${entries(1001)}\n`)).toContain('EXR_SCHEMA_RANGE');
    },
  );

  it('a long `for` with many operators on one field is analysed in one pass', BOUND, () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `v${i}`).join(', ');
    expect(
      codes(
        `${HEAD}invariants:\n  - { id: i, for: { documentType: { in: [${values}], notIn: [${values}] } }, ${OK_REQUIRE} }\n`,
      ),
    ).toEqual(['EXR_INVARIANT_NEVER_MATCHES']);
  });

  it.each([
    ['invariants: is a string', 'invariants: nope'],
    ['an entry is a list', 'invariants:\n  - [a, b]'],
    ['for is a list', `invariants:\n  - { id: i, for: [a], ${OK_REQUIRE} }`],
    ['require is a number', 'invariants:\n  - { id: i, for: { type: x }, require: 5 }'],
    [
      'recipients is a string',
      'invariants:\n  - { id: i, for: { type: x }, require: { recipients: ops, channels: [email] } }',
    ],
    [
      'channels hold a mapping',
      'invariants:\n  - { id: i, for: { type: x }, require: { recipients: [ops], channels: [{ a: 1 }] } }',
    ],
    [
      'group is a string',
      `invariants:\n  - { id: i, for: { type: x }, ${OK_REQUIRE}, group: "yes" }`,
    ],
    ['id is a number', `invariants:\n  - { id: 5, for: { type: x }, ${OK_REQUIRE} }`],
    ['an unknown key', `invariants:\n  - { id: i, for: { type: x }, ${OK_REQUIRE}, stop: true }`],
    [
      'an empty list of recipients',
      'invariants:\n  - { id: i, for: { type: x }, require: { recipients: [], channels: [email] } }',
    ],
  ])('wrong types end in located schema errors: %s', BOUND, (_name, section) => {
    const found = codes(`${HEAD}${section}\n`);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((c) => c.startsWith('EXR_SCHEMA_'))).toBe(true);
  });

  it.each([
    [
      'an invariant entry',
      `invariants:\n  - { id: i, __proto__: { x: 1 }, for: { type: x }, ${OK_REQUIRE} }`,
    ],
    ['for', `invariants:\n  - { id: i, for: { __proto__: { polluted: 1 } }, ${OK_REQUIRE} }`],
    ['for, nested', `invariants:\n  - { id: i, for: { type: { constructor: x } }, ${OK_REQUIRE} }`],
    [
      'require',
      'invariants:\n  - { id: i, for: { type: x }, require: { recipients: [ops], channels: [email], prototype: 1 } }',
    ],
  ])('prototype keys in %s are rejected, and nothing is polluted', BOUND, (_name, section) => {
    expect(codes(`${HEAD}${section}\n`)).toContain('EXR_FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});
