import { describe, expect, it } from 'vitest';
import { checkRuleSet } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

// Hostile input in the policy sections: every case ends in located diagnostics (never a throw,
// never EXR_INTERNAL). Sizes approach the 1 MiB file cap, so a check that is quadratic in the
// input would blow the per-test time bound; nothing here measures speed.

const HEAD = `apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: T1, channels: [email], digest: { line: "{{ id }}" } }
`;
const RULE = `rules:
  - id: r
    when: { type: x }
    notify: [{ to: [ops], template: alert, policy: p }]
`;

function diagnose(text: string): Diagnostic[] {
  const diagnostics = checkRuleSet([{ text, filename: 'hostile.yaml' }]).diagnostics;
  for (const d of diagnostics) {
    expect(d.code).not.toBe('EXR_INTERNAL');
    expect(d.file).toBe('hostile.yaml');
    expect(d.line).toBeGreaterThan(0);
    expect(d.column).toBeGreaterThan(0);
  }
  return diagnostics;
}

const codes = (text: string) => diagnose(text).map((d) => d.code);
const BOUND = { timeout: 20_000 };

describe('policy sections: hostile input', () => {
  it('deep nesting in a matcher value stops at the YAML depth bound', BOUND, () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const text = `${HEAD}inhibit:\n  - { id: i, source: { type: ${deep} }, target: { type: b }, for: 1h }\n${RULE}policies:\n  p: { group: {} }\n`;
    expect(codes(text)).toContain('EXR_YAML_TOO_DEEP');
  });

  it('nesting just inside the bound is checked like a rule`s when', BOUND, () => {
    const deep = `${'['.repeat(55)}x${']'.repeat(55)}`;
    const text = `${HEAD}policies:\n  p: { group: {} }\ninhibit:\n  - { id: i, source: { data.x: { contains: ${deep} } }, target: { type: b }, for: 1h }\n${RULE}`;
    expect(codes(text)).toEqual([]);
  });

  it('a very long duration, key and name end in located errors', BOUND, () => {
    const long = 'x'.repeat(400_000);
    const text = `${HEAD}policies:\n  p: { dedup: { key: "${'{{'.repeat(100_000)}", for: "${long}" } }\n  ${'n'.repeat(1000)}: { dedup: { key: "{{ id }}", for: 99999999999999999999d } }\n${RULE}`;
    const diagnostics = diagnose(text);
    const durations = diagnostics.filter((d) => d.code === 'EXR_INVALID_DURATION');
    expect(durations.map((d) => d.line)).toEqual([7, 8]);
    expect(durations.every((d) => d.message.length < 300)).toBe(true);
    // Keys are capped at 1000 characters by the schema, and still checked for placeholders.
    expect(diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(['EXR_SCHEMA_RANGE', 'EXR_TEMPLATE_PLACEHOLDER']),
    );
  });

  it('every placeholder of a key is checked and located', BOUND, () => {
    const key = '{{ id }}-'.repeat(100);
    const text = `${HEAD}policies:\n  p: { dedup: { key: "${key}{{ nope }}", for: 1h } }\n${RULE}`;
    const diagnostics = diagnose(text);
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['EXR_UNKNOWN_FACT', 7, 23 + key.length],
    ]);
  });

  it('long group.by and equal lists are checked in one pass', BOUND, () => {
    const fields = Array.from({ length: 20_000 }, (_, i) => `data.f${i}`).join(', ');
    const text = `${HEAD}policies:\n  p: { group: { by: [${fields}, bogus] } }\ninhibit:\n  - { id: i, source: { type: a }, target: { type: b }, equal: [${fields}], for: 1h }\n${RULE}`;
    expect(codes(text)).toEqual(['EXR_UNKNOWN_FACT']);
  });

  it('thousands of repeated inhibit ids and policies are each reported once', BOUND, () => {
    const inhibit = Array.from(
      { length: 5000 },
      () => '  - { id: same, source: { type: a }, target: { type: b }, for: 1h }',
    ).join('\n');
    const policies = Array.from(
      { length: 5000 },
      (_, i) => `  q${i}: { throttle: { key: "{{ tenant }}", limit: 1, per: 1h } }`,
    ).join('\n');
    const text = `${HEAD}policies:\n  p: { group: {} }\n${policies}\ninhibit:\n${inhibit}\n${RULE}`;
    const found = codes(text);
    expect(found.filter((c) => c === 'EXR_DUPLICATE_DEFINITION')).toHaveLength(4999);
    expect(found.filter((c) => c === 'EXR_UNUSED_POLICY')).toHaveLength(5000);
  });

  it.each([
    ['policies as a list', 'policies: [p]\n', 'EXR_SCHEMA_TYPE'],
    ['inhibit as a mapping', 'inhibit: { id: x }\n', 'EXR_SCHEMA_TYPE'],
    ['escalations as text', 'escalations: often\n', 'EXR_SCHEMA_TYPE'],
    ['steps as a mapping', 'escalations:\n  e: { steps: { after: 1 } }\n', 'EXR_SCHEMA_TYPE'],
    ['group as a number', 'policies:\n  p: { group: 5 }\n', 'EXR_SCHEMA_TYPE'],
    ['critical as a boolean', 'policies:\n  p: { group: {}, critical: true }\n', 'EXR_SCHEMA_TYPE'],
    ['a numeric duration', 'policies:\n  p: { group: { wait: 30 } }\n', 'EXR_SCHEMA_TYPE'],
    ['an infinite duration', 'policies:\n  p: { group: { wait: .inf } }\n', 'EXR_SCHEMA_TYPE'],
    [
      'a huge limit',
      'policies:\n  p: { throttle: { key: k, limit: 1e300, per: 1h } }\n',
      'EXR_SCHEMA_RANGE',
    ],
    [
      'a negative limit',
      'policies:\n  p: { throttle: { key: k, limit: -1, per: 1h } }\n',
      'EXR_SCHEMA_RANGE',
    ],
    [
      'a huge maxItems',
      'policies:\n  p: { group: { maxItems: 9007199254740993 } }\n',
      'EXR_YAML_INTEGER_TOO_LARGE',
    ],
    [
      'a huge step delay',
      'escalations:\n  e: { steps: [{ after: { hours: 1e308 }, to: [ops], template: alert }] }\n',
      'EXR_SCHEMA_RANGE',
    ],
    [
      'digest as text',
      'templates:\n  d: { id: D, channels: [email], digest: lines }\n',
      'EXR_SCHEMA_TYPE',
    ],
    [
      'a matcher as a list',
      'inhibit:\n  - { id: i, source: [type], target: { type: b }, for: 1h }\n',
      'EXR_SCHEMA_TYPE',
    ],
    [
      'equal as text',
      'inhibit:\n  - { id: i, source: { type: a }, target: { type: b }, equal: correlationId, for: 1h }\n',
      'EXR_SCHEMA_TYPE',
    ],
  ])('%s is a located schema error', (_name, section, code) => {
    const text = `${HEAD.replace('templates:\n', section.startsWith('templates') ? '' : 'templates:\n')}${section.startsWith('templates') ? section.replace('templates:\n', 'templates:\n  alert: { id: T1, channels: [email], digest: { line: "{{ id }}" } }\n') : section}${RULE}`;
    expect(codes(text)).toContain(code);
  });

  it('a numeric policy name in notify is a schema error', BOUND, () => {
    expect(
      codes(`${HEAD}policies:\n  p: { group: {} }\n${RULE.replace('policy: p', 'policy: 5')}`),
    ).toContain('EXR_SCHEMA_TYPE');
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses %s as a policy, escalation or matcher key, and as a field',
    (key) => {
      const text = `${HEAD}policies:\n  p: { group: { by: [${key}, data.${key}] } }\n  ${key}: { group: {} }\nescalations:\n  ${key}: { steps: [{ after: { hours: 1 }, to: [ops], template: alert }] }\ninhibit:\n  - { id: i, source: { ${key}: x }, target: { type: b }, equal: [data.${key}], for: 1h }\n${RULE.replace('policy: p', `policy: p, escalate: ${key}`)}`;
      const found = codes(text);
      expect(found).toContain('EXR_FORBIDDEN_KEY');
      expect(found).toContain('EXR_UNSUPPORTED_PATH');
      expect(found).toContain('EXR_UNKNOWN_ESCALATION');
    },
  );
});
