import { describe, expect, it } from 'vitest';
import { LOADER_DIAGNOSTIC_CODES, parseRuleSet, RuleSetError } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';

const HEAD = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE]
recipients:
  compliance-officers: { members: [carol] }
  carol: { email: carol@example.com }
  ops: { email: ops@example.com, sms: "+447700900001" }
  nobody-by-sms: { email: quiet@example.com }
templates:
  regulated-review: { id: EXS-REG, channels: [email], subject: "Review {{ documentType }}" }
  ops-alert: { id: EXS-OPS, channels: [email, sms] }
rules:
  - id: r1
    when: { type: batch.failed }
    notify: [{ to: [ops], template: ops-alert }]
`;

/** The diagnostics of loading `text`, or [] when it loads. */
function problems(text: string): Diagnostic[] {
  try {
    parseRuleSet(text, { filename: 'rules.yaml' });
    return [];
  } catch (error) {
    if (error instanceof RuleSetError) return error.diagnostics;
    throw error;
  }
}

function located(text: string): string[] {
  return problems(text).map((d) => `${d.code}@${d.line}:${d.column}`);
}

describe('invariants: loading', () => {
  it('builds each invariant with its desugared `for` and requirement', () => {
    const ruleSet = parseRuleSet(
      `${HEAD}invariants:
  - id: reg-compliance
    description: every regulated review reaches compliance by email
    for: { type: content.review_requested, region: { within: EMEA } }
    require: { recipients: [compliance-officers], channels: [email], template: regulated-review }
  - id: failed-batch-ops
    for: { type: batch.failed }
    require: { recipients: [ops], channels: [email, sms] }
    group: true
`,
    );
    expect(ruleSet.invariants).toHaveLength(2);
    const [first, second] = ruleSet.invariants!;
    expect(first!.id).toBe('reg-compliance');
    expect(first!.group).toBe(false);
    expect(first!.require).toEqual({
      recipients: ['compliance-officers'],
      channels: ['email'],
      template: 'regulated-review',
    });
    expect(first!.condition.all).toEqual([
      { fact: 'type', operator: 'equal', value: 'content.review_requested' },
      { fact: 'region', operator: 'within', value: 'EMEA' },
    ]);
    expect(first!.location).toMatchObject({ line: 17, column: 5, pointer: '/invariants/0' });
    expect(second!.group).toBe(true);
    expect(second!.require.template).toBeUndefined();
  });

  it('reports an unknown recipient at its position, with a did-you-mean', () => {
    const diagnostics = problems(`${HEAD}invariants:
  - id: x
    for: { type: batch.failed }
    require: { recipients: [compliance-oficers], channels: [email] }
`);
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.hint])).toEqual([
      ['EXR_UNKNOWN_RECIPIENT', 19, 29, "did you mean 'compliance-officers'?"],
    ]);
  });

  it('reports an unknown template, and a channel the template lacks', () => {
    expect(
      located(`${HEAD}invariants:
  - id: x
    for: { type: batch.failed }
    require: { recipients: [ops], channels: [email], template: ops-alrt }
  - id: y
    for: { type: batch.failed }
    require: { recipients: [ops], channels: [sms], template: regulated-review }
`),
    ).toEqual(['EXR_UNKNOWN_TEMPLATE@19:64', 'EXR_INVARIANT_CHANNEL_NOT_IN_TEMPLATE@22:46']);
  });

  it('rejects an unknown channel name through the schema', () => {
    const diagnostics = problems(`${HEAD}invariants:
  - id: x
    for: { type: batch.failed }
    require: { recipients: [ops], channels: [e-mail] }
`);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'error', line: 19, column: 46 });
    expect(diagnostics[0]!.code).toMatch(/^EXR_SCHEMA_/);
  });

  it('reports a required recipient without an address on a required channel', () => {
    expect(
      located(`${HEAD}invariants:
  - id: x
    for: { type: batch.failed }
    require: { recipients: [ops, nobody-by-sms], channels: [sms] }
`),
    ).toEqual(['EXR_INVARIANT_NO_ADDRESS@19:34']);
  });

  it('reports a repeated id at the second one, naming the first', () => {
    const diagnostics = problems(`${HEAD}invariants:
  - id: twice
    for: { type: batch.failed }
    require: { recipients: [ops], channels: [email] }
  - id: twice
    for: { type: batch.completed }
    require: { recipients: [ops], channels: [email] }
`);
    expect(diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual([
      'EXR_DUPLICATE_INVARIANT_ID@20:9',
    ]);
    expect(diagnostics[0]!.message).toContain('rules.yaml:17:5');
  });

  it.each([
    ['region: { equal: UK, in: [DE] }'],
    ['region: { within: EMEA, in: [US, FR] }'],
    ['priority: { atLeast: high, atMost: normal }'],
    ['data.volume: { greaterThan: 10, lessThan: 5 }'],
    ['data.volume: { greaterThanInclusive: 5, lessThan: 5 }'],
    ['documentType: { in: [a, b], notIn: [a, b] }'],
    ['data.volume: { in: [1, 2], greaterThan: 2 }'],
  ])('reports a `for` that can never match: %s', (condition) => {
    expect(
      located(`${HEAD}invariants:
  - id: never
    for: { ${condition} }
    require: { recipients: [ops], channels: [email] }
`),
    ).toEqual(['EXR_INVARIANT_NEVER_MATCHES@18:5']);
  });

  it.each([
    ['region: { within: EMEA, in: [UK, US] }'],
    ['priority: { atLeast: high, atMost: high }'],
    ['data.volume: { greaterThanInclusive: 5, lessThanInclusive: 5 }'],
    ['data.volume: { in: ["9", 2], greaterThan: 5 }'],
    ['documentType: { in: [a, b], notIn: [a] }'],
  ])('accepts a `for` some event matches: %s', (condition) => {
    expect(
      located(`${HEAD}invariants:
  - id: fine
    for: { ${condition} }
    require: { recipients: [ops], channels: [email] }
`),
    ).toEqual([]);
  });

  it('checks `for` exactly like a rule `when` (unknown operator, bad path)', () => {
    const codes = problems(`${HEAD}invariants:
  - id: x
    for: { region: { withn: EMEA }, "a..b": 1 }
    require: { recipients: [ops], channels: [email] }
`).map((d) => d.code);
    expect(codes).toContain('EXR_UNSUPPORTED_PATH');
    expect(codes.some((c) => c.includes('OPERATOR'))).toBe(true);
  });

  it('lists every invariant code in the diagnostic catalogue', () => {
    for (const code of [
      'EXR_DUPLICATE_INVARIANT_ID',
      'EXR_INVARIANT_NEVER_MATCHES',
      'EXR_INVARIANT_CHANNEL_NOT_IN_TEMPLATE',
      'EXR_INVARIANT_NO_ADDRESS',
    ]) {
      expect(LOADER_DIAGNOSTIC_CODES).toHaveProperty(code);
    }
  });

  it('changes ruleSetVersion with the section, and not without it', () => {
    const plain = parseRuleSet(HEAD);
    const withInvariant = (channels: string) =>
      parseRuleSet(`${HEAD}invariants:
  - id: x
    description: prose does not count
    for: { type: batch.failed }
    require: { recipients: [ops], channels: [${channels}] }
`);
    expect(withInvariant('email').version).not.toBe(plain.version);
    expect(withInvariant('email').version).not.toBe(withInvariant('sms').version);
    expect(parseRuleSet(`${HEAD}invariants: []\n`).version).toBe(plain.version);
  });
});
