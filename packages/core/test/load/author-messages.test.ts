import { describe, expect, it } from 'vitest';
import { checkRuleSet, validateEvent } from '@exroute/core';

// Messages a compliance author can act on: what is wrong, where, in which rule, and the fix.

function check(text: string) {
  return checkRuleSet([{ text, filename: 'rules.yaml' }]).diagnostics;
}

const HEADER = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE]
recipients:
  a: { email: a@example.com }
templates:
  t: { id: T, channels: [email] }
rules:
`;

describe('a region a rule names that regions does not declare', () => {
  it('is a warning at the value, with the closest declared code', () => {
    const diagnostics = check(`${HEADER}  - id: review-billing-de
    description: d
    when: { type: x.y, region: DEU }
    notify: [{ to: [a], template: t }]
  - id: numbers
    description: d
    when: { type: x.y, region: [UK, 49] }
    notify: [{ to: [a], template: t }]
  - id: condition
    description: d
    conditions: { all: [{ fact: region, operator: notEqual, value: de }] }
    notify: [{ to: [a], template: t }]
`);
    expect(
      diagnostics.map((d) => [d.code, d.severity, d.line, d.column, d.pointer, d.hint]),
    ).toEqual([
      ['EXR_REGION_NOT_DECLARED', 'warning', 11, 32, '/rules/0/when/region', "did you mean 'DE'?"],
      ['EXR_REGION_NOT_DECLARED', 'warning', 15, 37, '/rules/1/when/region/1', undefined],
      [
        'EXR_REGION_NOT_DECLARED',
        'warning',
        19,
        68,
        '/rules/2/conditions/all/0/value',
        "did you mean 'DE'?",
      ],
    ]);
  });

  it('is not reported for declared codes and groups, or when no regions are declared', () => {
    expect(
      check(`${HEADER}  - id: ok
    description: d
    when: { type: x.y, region: [UK, EMEA] }
    notify: [{ to: [a], template: t }]
`),
    ).toEqual([]);
    expect(
      check(`apiVersion: exroute/v1
recipients: { a: { email: a@example.com } }
templates: { t: { id: T, channels: [email] } }
rules:
  - id: free
    description: d
    when: { type: x.y, region: ANYWHERE }
    notify: [{ to: [a], template: t }]
`),
    ).toEqual([]);
  });
});

describe('locations inside a rule', () => {
  it('name the rule by index and id, as well as the JSON Pointer', () => {
    const [diagnostic] = check(`${HEADER}  - id: first
    description: d
    when: { type: x.y }
    notify: [{ to: [a], template: t }]
  - id: review-billing-de
    description: d
    when: { type: x.y }
    notify: [{ to: [nobody], template: t }]
`);
    expect(diagnostic?.code).toBe('EXR_UNKNOWN_RECIPIENT');
    expect(diagnostic?.pointer).toBe('/rules/1/notify/0/to/0');
    expect(diagnostic?.message.startsWith("rules[1] 'review-billing-de': ")).toBe(true);
  });

  it('name the rule by index alone when its id is not text', () => {
    const diagnostics = check(`${HEADER}  - id: [not, text]
    description: d
    when: { type: x.y }
    notify: [{ to: [a], template: t }]
`);
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics.filter((x) => x.pointer?.startsWith('/rules/0') === true)) {
      expect(d.message.startsWith('rules[0]: ')).toBe(true);
    }
  });
});

describe('channels: [e-mail]', () => {
  it('is one error saying the channel is unknown, not that recipients lack an address', () => {
    const diagnostics = check(`${HEADER}  - id: r
    description: d
    when: { type: x.y }
    notify: [{ to: [a], template: t, channels: [e-mail] }]
`);
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.hint])).toEqual([
      ['EXR_SCHEMA_ENUM', 12, 49, "did you mean 'email'?"],
    ]);
    expect(diagnostics[0]?.message).toContain("unknown channel 'e-mail'");
  });
});

describe('YAML indentation mistakes', () => {
  const cases: { name: string; text: string; line: number; column: number; fixes: number[] }[] = [
    {
      name: 'a key indented one space too far after a scalar',
      text: `${HEADER}  - id: r\n    description: d\n     when: { type: x.y }\n    notify: [{ to: [a], template: t }]\n`,
      line: 11,
      column: 6,
      fixes: [4],
    },
    {
      name: 'a key between two levels',
      text: `${HEADER}  - id: r\n    description: d\n    when:\n      type: x.y\n     region: UK\n    notify: [{ to: [a], template: t }]\n`,
      line: 13,
      column: 6,
      fixes: [6, 4],
    },
    {
      name: 'a rule key at the column of its dash',
      text: `${HEADER}  - id: r\n  description: d\n`,
      line: 10,
      column: 3,
      fixes: [4, 0],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: one error at that line, naming the columns that would be right`, () => {
      const diagnostics = check(c.text);
      expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
        ['EXR_YAML_INDENTATION', c.line, c.column],
      ]);
      const offered = [...(diagnostics[0]?.message ?? '').matchAll(/by (\d+) to line it up/g)].map(
        (m) => Number(m[1]),
      );
      expect(offered).toEqual(c.fixes);
    });
  }

  it('a tab used for indentation is said in words', () => {
    const [diagnostic] = check('apiVersion: exroute/v1\nrules:\n\t- id: r\n');
    expect(diagnostic?.code).toBe('EXR_YAML_SYNTAX');
    expect(diagnostic?.message).toContain('tab');
  });

  it('stays bounded on thousands of badly indented lines', () => {
    const text = `${HEADER}  - id: r\n    description: d\n${'     x: 1\n    y: 2\n'.repeat(5000)}`;
    const diagnostics = check(text);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(21);
  });
});

describe('an event field with a typo', () => {
  it('gets a did-you-mean hint', () => {
    const [diagnostic] = validateEvent({
      id: 'e',
      source: 's',
      type: 't',
      time: '2026-11-30T10:00:00Z',
      documnetType: 'invoice',
      data: {},
    });
    expect(diagnostic?.code).toBe('EXR_EVENT_UNKNOWN_FIELD');
    expect(diagnostic?.pointer).toBe('/documnetType');
    expect(diagnostic?.hint).toBe("did you mean 'documentType'?");
  });

  it('gets no hint when nothing is close, or for __proto__-like keys', () => {
    const [far] = validateEvent({
      id: 'e',
      source: 's',
      type: 't',
      time: '2026-11-30T10:00:00Z',
      somethingElse: 1,
      data: {},
    });
    expect(far?.hint).toBeUndefined();
  });
});
