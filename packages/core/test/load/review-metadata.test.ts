import { describe, expect, it } from 'vitest';
import { RuleSetError, parseRuleSet } from '@exroute/core';

// Review metadata on rules (issue 16): owner, approvedBy, ticket, reviewBy. Loaded onto the rule,
// checked (reviewBy must be a real date), and never part of routing or ruleSetVersion.

const HEADER = `apiVersion: exroute/v1
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: EXS-ALERT, channels: [email] }
rules:
  - id: r1
`;
const NOTIFY = `    notify: [{ to: [ops], template: alert }]
`;

function errorsOf(text: string): Record<string, unknown>[] {
  try {
    parseRuleSet(text, { filename: 'review.yaml' });
    return [];
  } catch (error) {
    if (!(error instanceof RuleSetError)) throw error;
    return error.diagnostics.map(({ code, line, column, pointer }) => ({
      code,
      line,
      column,
      pointer,
    }));
  }
}

describe('review metadata on rules', () => {
  it('loads owner, approvedBy, ticket and reviewBy onto the rule', () => {
    const ruleSet = parseRuleSet(
      `${HEADER}    owner: compliance@example.com
    approvedBy: head-of-compliance@example.com
    ticket: COMP-42
    reviewBy: "2027-02-28"
${NOTIFY}`,
    );
    expect(ruleSet.rules[0]).toMatchObject({
      owner: 'compliance@example.com',
      approvedBy: 'head-of-compliance@example.com',
      ticket: 'COMP-42',
      reviewBy: '2027-02-28',
    });
  });

  it('leaves ruleSetVersion unchanged when only review metadata changes', () => {
    const bare = parseRuleSet(`${HEADER}${NOTIFY}`);
    const reviewed = parseRuleSet(
      `${HEADER}    owner: a
    approvedBy: b
    ticket: c
    reviewBy: "2030-01-01"
${NOTIFY}`,
    );
    expect(reviewed.version).toBe(bare.version);
  });

  it('reports a reviewBy that is not a real date at its value', () => {
    expect(errorsOf(`${HEADER}    reviewBy: "2027-02-29"\n${NOTIFY}`)).toEqual([
      { code: 'EXR_INVALID_DATE', line: 8, column: 15, pointer: '/rules/0/reviewBy' },
    ]);
  });

  it.each([
    ['a timestamp', '"2027-02-28T10:00:00Z"'],
    ['a number', '20270228'],
    ['a list', '["2027-02-28"]'],
    ['a long string', `"${'9'.repeat(5000)}"`],
  ])('rejects %s as reviewBy with a schema error at the value', (_name, value) => {
    const errors = errorsOf(`${HEADER}    reviewBy: ${value}\n${NOTIFY}`);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors)
      expect(error).toMatchObject({ line: 8, pointer: '/rules/0/reviewBy' });
  });

  it('rejects wrong types and unknown review keys, and never takes __proto__ as metadata', () => {
    expect(errorsOf(`${HEADER}    approvedBy: { name: x }\n${NOTIFY}`)[0]).toMatchObject({
      line: 8,
      pointer: '/rules/0/approvedBy',
    });
    expect(errorsOf(`${HEADER}    ticket: [1, 2]\n${NOTIFY}`)[0]).toMatchObject({ line: 8 });
    expect(errorsOf(`${HEADER}    reviewer: someone\n${NOTIFY}`)[0]).toMatchObject({ line: 8 });
    expect(errorsOf(`${HEADER}    __proto__: { owner: x }\n${NOTIFY}`).length).toBeGreaterThan(0);
  });
});
