import { describe, expect, it } from 'vitest';
import { checkRuleSet, LOADER_DIAGNOSTIC_CODES, parseRuleSet } from '@exroute/core';
import type { Diagnostic, RuleSource } from '@exroute/core';
import { POLICY_DIAGNOSTIC_CODES } from '../../src/validate/policy-diagnostic-codes.js';

// The policy sections of DESIGN.md §8: every diagnostic is checked on its code and on the
// position of the token it must point at (found in the text, so cases stay readable).

interface Sections {
  policies?: string;
  inhibit?: string;
  escalations?: string;
  rules?: string;
  templates?: string;
  regionCalendars?: string;
}

const DEFAULTS: Required<Sections> = {
  policies: '  p: { dedup: { key: "{{ id }}", for: 1h } }\n',
  inhibit: '',
  escalations: '  e: { steps: [{ after: { hours: 1 }, to: [lead], template: alert }] }\n',
  rules:
    '  - id: r\n    when: { type: x }\n    notify: [{ to: [ops], template: alert, policy: p, escalate: e }]\n',
  templates: '',
  regionCalendars: 'regionCalendars: { UK: uk }\n',
};

function ruleFile(sections: Sections = {}): string {
  const s = { ...DEFAULTS, ...sections };
  return [
    'apiVersion: exroute/v1\n',
    'regions: { EMEA: [UK] }\n',
    'calendars:\n',
    '  uk: { timezone: Europe/London, days: [mon, tue, wed, thu, fri], hours: ["09:00-17:00"] }\n',
    s.regionCalendars,
    'recipients:\n',
    '  ops: { email: ops@example.com }\n',
    '  lead: { email: lead@example.com }\n',
    'templates:\n',
    '  alert: { id: T1, channels: [email] }\n',
    '  lines: { id: T2, channels: [email], digest: { line: "{{ data.ref }}" } }\n',
    s.templates,
    s.policies === '' ? '' : `policies:\n${s.policies}`,
    s.inhibit === '' ? '' : `inhibit:\n${s.inhibit}`,
    s.escalations === '' ? '' : `escalations:\n${s.escalations}`,
    `rules:\n${s.rules}`,
  ].join('');
}

/** 1-based line and column of the `occurrence`-th `needle` in `text`. */
function positionOf(text: string, needle: string, occurrence = 0): [number, number] {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`'${needle}' not in the case text`);
  }
  const before = text.slice(0, index).split('\n');
  return [before.length, before[before.length - 1]!.length + 1];
}

function diagnose(sources: RuleSource[] | string): Diagnostic[] {
  return checkRuleSet(
    typeof sources === 'string' ? [{ text: sources, filename: 'rules.yaml' }] : sources,
  ).diagnostics;
}

interface Case {
  code: string;
  text: string;
  /** The token the diagnostic points at (its first occurrence, or `occurrence`). */
  at: string;
  occurrence?: number;
  hint?: string;
  severity?: 'warning';
}

const digestRule = (policy: string) =>
  `  - id: r\n    when: { type: x }\n    notify: [{ to: [ops], template: lines, policy: ${policy}, escalate: e }]\n`;

const cases: Case[] = [
  {
    code: 'EXR_INVALID_DURATION',
    text: ruleFile({ policies: '  p: { dedup: { key: "{{ id }}", for: 1h30m } }\n' }),
    at: '1h30m',
    hint: "did you mean '90m'? (one unit only)",
  },
  {
    code: 'EXR_INVALID_DURATION',
    text: ruleFile({ policies: '  p: { dedup: { key: "{{ id }}", for: 2 hours } }\n' }),
    at: '2 hours',
    hint: "did you mean '2h'?",
  },
  {
    code: 'EXR_INVALID_DURATION',
    text: ruleFile({ policies: '  p: { throttle: { key: "{{ tenant }}", limit: 5, per: 0m } }\n' }),
    at: '0m',
  },
  {
    code: 'EXR_INVALID_DURATION',
    text: ruleFile({ policies: '  p: { group: { close: 400d } }\n', rules: digestRule('p') }),
    at: '400d',
  },
  {
    code: 'EXR_INVALID_DURATION',
    text: ruleFile({
      inhibit: '  - { id: i, source: { type: a }, target: { type: b }, for: 1.5h }\n',
    }),
    at: '1.5h',
  },
  {
    code: 'EXR_POLICY_REPEAT_BELOW_INTERVAL',
    text: ruleFile({
      policies: '  p: { group: { interval: 15m, repeat: 10m } }\n',
      rules: digestRule('p'),
    }),
    at: '10m',
  },
  {
    code: 'EXR_POLICY_REPEAT_AFTER_CLOSE',
    severity: 'warning',
    text: ruleFile({
      policies: '  p: { group: { repeat: 24h, close: 12h } }\n',
      rules: digestRule('p'),
    }),
    at: '24h',
  },
  {
    code: 'EXR_POLICY_CLOSE_BEFORE_INTERVAL',
    severity: 'warning',
    text: ruleFile({
      policies: '  p: { group: { interval: 15m, close: 10m } }\n',
      rules: digestRule('p'),
    }),
    at: '10m',
  },
  {
    code: 'EXR_UNKNOWN_POLICY',
    text: ruleFile({
      rules:
        '  - id: r\n    when: { type: x }\n    notify: [{ to: [ops], template: alert, policy: pp, escalate: e }]\n',
    }),
    at: 'pp',
    hint: "did you mean 'p'?",
  },
  {
    code: 'EXR_UNKNOWN_ESCALATION',
    text: ruleFile({
      rules:
        '  - id: r\n    when: { type: x }\n    notify: [{ to: [ops], template: alert, policy: p, escalate: ee }]\n',
    }),
    at: 'ee',
    hint: "did you mean 'e'?",
  },
  {
    code: 'EXR_GROUP_WITHOUT_DIGEST',
    severity: 'warning',
    text: ruleFile({ policies: '  p: { group: { wait: 1m } }\n' }),
    at: 'p, escalate',
  },
  {
    code: 'EXR_UNUSED_POLICY',
    severity: 'warning',
    text: ruleFile({
      policies: '  p: { dedup: { key: "{{ id }}", for: 1h } }\n  spare: { group: {} }\n',
    }),
    at: 'spare',
  },
  {
    code: 'EXR_UNUSED_ESCALATION',
    severity: 'warning',
    text: ruleFile({
      escalations:
        '  e: { steps: [{ after: { hours: 1 }, to: [lead], template: alert }] }\n  spare: { steps: [{ after: { hours: 2 }, to: [lead], template: alert }] }\n',
    }),
    at: 'spare',
  },
  {
    code: 'EXR_INHIBIT_NEVER_MATCHES',
    severity: 'warning',
    text: ruleFile({
      inhibit:
        '  - id: never\n    source: { type: batch.failed, correlationId: A }\n    target: { type: delivery.failed, correlationId: [B, C] }\n    equal: [tenant, correlationId]\n    for: 6h\n',
    }),
    at: 'correlationId]',
  },
  {
    code: 'EXR_INHIBIT_NEVER_MATCHES',
    severity: 'warning',
    text: ruleFile({
      inhibit:
        '  - id: by-type\n    source: { type: batch.failed }\n    target: { type: delivery.failed }\n    equal: [type]\n    for: 6h\n',
    }),
    at: 'type]',
  },
  {
    code: 'EXR_ESCALATION_STEP_ORDER',
    severity: 'warning',
    text: ruleFile({
      escalations:
        '  e:\n    steps:\n      - { after: { hours: 4 }, to: [lead], template: alert }\n      - { after: { hours: 2 }, to: [ops], template: alert }\n',
    }),
    at: '2 }, to: [ops]',
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    text: ruleFile({
      policies: '  p: { group: { by: [corelationId] } }\n',
      rules: digestRule('p'),
    }),
    at: 'corelationId',
    hint: "did you mean 'correlationId'?",
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    text: ruleFile({ policies: '  p: { group: { by: [$now] } }\n', rules: digestRule('p') }),
    at: '$now',
  },
  {
    code: 'EXR_UNSUPPORTED_PATH',
    text: ruleFile({ policies: '  p: { group: { by: ["data..x"] } }\n', rules: digestRule('p') }),
    at: '"data..x"',
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    text: ruleFile({ policies: '  p: { dedup: { key: "{{ batch }}", for: 1h } }\n' }),
    at: '{{ batch }}',
  },
  {
    code: 'EXR_TEMPLATE_PLACEHOLDER',
    text: ruleFile({
      policies: '  p: { throttle: { key: "t-{{ tenant | upper }}", limit: 5, per: 1h } }\n',
    }),
    at: '{{ tenant | upper }}',
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    text: ruleFile({
      templates: '  d2: { id: T3, channels: [email], digest: { line: "{{ reason }}" } }\n',
    }),
    at: '{{ reason }}',
  },
  {
    code: 'EXR_UNKNOWN_RECIPIENT',
    text: ruleFile({
      escalations: '  e: { steps: [{ after: { hours: 1 }, to: [laed], template: alert }] }\n',
    }),
    at: 'laed',
    hint: "did you mean 'lead'?",
  },
  {
    code: 'EXR_UNKNOWN_TEMPLATE',
    text: ruleFile({
      escalations: '  e: { steps: [{ after: { hours: 1 }, to: [lead], template: alret }] }\n',
    }),
    at: 'alret',
    hint: "did you mean 'alert'?",
  },
  {
    code: 'EXR_REGION_CALENDAR_REQUIRED',
    text: ruleFile({
      regionCalendars: '',
      escalations:
        '  e: { steps: [{ after: { businessDays: 1 }, to: [lead], template: alert }] }\n',
    }),
    at: '{ businessDays',
  },
  {
    code: 'EXR_UNKNOWN_OPERATOR',
    text: ruleFile({
      inhibit: '  - { id: i, source: { type: { equals: a } }, target: { type: b }, for: 1h }\n',
    }),
    at: 'equals',
    hint: "did you mean 'equal'?",
  },
  {
    code: 'EXR_UNKNOWN_REGION',
    text: ruleFile({
      inhibit:
        '  - { id: i, source: { type: a }, target: { region: { within: EMAE } }, for: 1h }\n',
    }),
    at: 'EMAE',
    hint: "did you mean 'EMEA'?",
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    text: ruleFile({
      escalations:
        '  e:\n    steps: [{ after: { hours: 1 }, to: [lead], template: alert }]\n    resolvedBy: { when: { documnetType: x }, equal: [data.resourceId] }\n',
    }),
    at: 'documnetType',
    hint: "did you mean 'documentType'?",
  },
  {
    code: 'EXR_UNKNOWN_FACT',
    text: ruleFile({
      escalations:
        '  e:\n    steps: [{ after: { hours: 1 }, to: [lead], template: alert }]\n    resolvedBy: { when: { type: done }, equal: [resourceId] }\n',
    }),
    at: 'resourceId]',
  },
  {
    code: 'EXR_DUPLICATE_DEFINITION',
    text: ruleFile({
      inhibit:
        '  - { id: twice, source: { type: a }, target: { type: b }, for: 1h }\n  - { id: twice, source: { type: c }, target: { type: d }, for: 1h }\n',
    }),
    at: 'twice',
    occurrence: 1,
  },
  {
    code: 'EXR_SCHEMA_TYPE',
    text: ruleFile({ policies: '  p: { dedup: { key: "{{ id }}", for: 30 } }\n' }),
    at: '30 }',
  },
  {
    code: 'EXR_SCHEMA_UNKNOWN_KEY',
    text: ruleFile({ policies: '  p: { group: { wiat: 2m } }\n', rules: digestRule('p') }),
    at: 'wiat',
    hint: "did you mean 'wait'?",
  },
  {
    code: 'EXR_SCHEMA_ENUM',
    text: ruleFile({
      policies: '  p: { dedup: { key: "{{ id }}", for: 1h }, critical: immediatly }\n',
    }),
    at: 'immediatly',
    hint: "did you mean 'immediate'?",
  },
  {
    code: 'EXR_SCHEMA_TOO_MANY_KEYS',
    text: ruleFile({
      escalations:
        '  e: { steps: [{ after: { hours: 1, businessDays: 1 }, to: [lead], template: alert }] }\n',
    }),
    at: '{ hours',
  },
  {
    code: 'EXR_SCHEMA_MISSING_KEY',
    text: ruleFile({ inhibit: '  - { id: i, source: { type: a }, target: { type: b } }\n' }),
    at: '{ id: i',
  },
];

describe('policy sections: every diagnostic at its position', () => {
  it.each(cases.map((c, i) => [`${c.code} #${i}`, c] as const))('%s', (_name, c) => {
    const diagnostics = diagnose(c.text);
    const [line, column] = positionOf(c.text, c.at, c.occurrence);
    const found = diagnostics.filter((d) => d.code === c.code);
    expect(found.map((d) => [d.line, d.column])).toContainEqual([line, column]);
    const hit = found.find((d) => d.line === line && d.column === column)!;
    expect(hit.severity).toBe(c.severity ?? 'error');
    expect(hit.file).toBe('rules.yaml');
    if (c.hint !== undefined) expect(hit.hint).toBe(c.hint);
    if (c.severity === 'warning') {
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    }
  });

  it('exercises every policy code, and the loader catalogue holds them', () => {
    const exercised = new Set(cases.map((c) => c.code));
    for (const code of Object.keys(POLICY_DIAGNOSTIC_CODES)) {
      expect(exercised).toContain(code);
      expect(Object.keys(LOADER_DIAGNOSTIC_CODES)).toContain(code);
    }
  });

  it('accepts the defaults file without any diagnostic', () => {
    expect(diagnose(ruleFile())).toEqual([]);
  });

  it('does not warn when the equal field may agree', () => {
    const text = ruleFile({
      inhibit:
        '  - id: ok\n    source: { type: batch.failed, correlationId: [A, B] }\n    target: { type: delivery.failed, correlationId: B }\n    equal: [correlationId]\n    for: 6h\n',
    });
    expect(diagnose(text)).toEqual([]);
  });

  it('names both places of a policy or escalation defined in two files', () => {
    const a = ruleFile();
    const b = `apiVersion: exroute/v1\npolicies:\n  p: { dedup: { key: "{{ id }}", for: 2h } }\nescalations:\n  e: { steps: [{ after: { hours: 3 }, to: [ops], template: alert }] }\ninhibit:\n  - { id: i, source: { type: a }, target: { type: b }, for: 1h }\n`;
    const c = `apiVersion: exroute/v1\ninhibit:\n  - { id: i, source: { type: c }, target: { type: d }, for: 1h }\n`;
    const duplicates = diagnose([
      { text: a, filename: 'a.yaml' },
      { text: b, filename: 'b.yaml' },
      { text: c, filename: 'c.yaml' },
    ]).filter((d) => d.code === 'EXR_DUPLICATE_DEFINITION');
    expect(duplicates.map((d) => [d.file, d.line, d.column, d.pointer])).toEqual([
      ['b.yaml', 3, 3, '/policies/p'],
      ['b.yaml', 5, 3, '/escalations/e'],
      ['c.yaml', 3, 11, '/inhibit/0/id'],
    ]);
    expect(duplicates[0]!.message).toContain('a.yaml:');
    expect(duplicates[2]!.message).toContain('b.yaml:7:');
  });
});

describe('policy sections: what the loader builds', () => {
  const ruleSet = parseRuleSet(
    ruleFile({
      policies: [
        '  delivery-failures:',
        '    group: { by: [correlationId, documentType], wait: 2m, interval: 15m, repeat: 4h, close: 24h, maxItems: 1000, sendFirst: true }',
        '    dedup: { key: "{{ correlationId }}/{{ data.customerRef }}", for: 24h }',
        '    throttle: { key: "{{ tenant }}", limit: 100, per: 1h }',
        '    critical: policy',
        '  defaults: { group: {} }',
        '',
      ].join('\n'),
      inhibit:
        '  - id: failed-batch\n    description: a failed batch mutes its deliveries\n    source: { type: batch.failed }\n    target: { type: delivery.failed, region: { within: EMEA } }\n    equal: [correlationId]\n    for: 6h\n',
      escalations: [
        '  e:',
        '    steps:',
        '      - { after: { businessDays: 1 }, to: [lead], template: alert }',
        '      - { after: { hours: 30 }, to: [ops], template: alert, channels: [email] }',
        '    resolvedBy: { when: { type: lifecycle.changed, data.stage: approved }, equal: [data.resourceId] }',
        '',
      ].join('\n'),
      rules: [
        '  - id: r',
        '    when: { type: x }',
        '    notify: [{ to: [ops], template: lines, policy: delivery-failures, escalate: e }]',
        '  - id: s',
        '    when: { type: y }',
        '    notify: [{ to: [ops], template: lines, policy: defaults }]',
        '',
      ].join('\n'),
    }),
    { filename: 'rules.yaml' },
  );

  it('parses durations to milliseconds and fills group defaults', () => {
    const policy = ruleSet.policies.get('delivery-failures')!;
    expect(policy).toMatchObject({
      name: 'delivery-failures',
      group: {
        by: ['correlationId', 'documentType'],
        waitMs: 120_000,
        intervalMs: 900_000,
        repeatMs: 14_400_000,
        closeMs: 86_400_000,
        maxItems: 1000,
        sendFirst: true,
      },
      dedup: { key: '{{ correlationId }}/{{ data.customerRef }}', forMs: 86_400_000 },
      throttle: { key: '{{ tenant }}', limit: 100, perMs: 3_600_000 },
      critical: 'policy',
    });
    expect(ruleSet.policies.get('defaults')).toMatchObject({
      group: { by: [], waitMs: 30_000, intervalMs: 300_000, closeMs: 86_400_000, sendFirst: false },
      critical: 'immediate',
    });
    expect(ruleSet.policies.get('defaults')!.group).not.toHaveProperty('repeatMs');
  });

  it('desugars inhibit and resolvedBy matchers like a rule`s when', () => {
    expect(ruleSet.inhibitRules).toEqual([
      {
        id: 'failed-batch',
        description: 'a failed batch mutes its deliveries',
        source: {
          when: { type: 'batch.failed' },
          condition: { all: [{ fact: 'type', operator: 'equal', value: 'batch.failed' }] },
        },
        target: {
          when: { type: 'delivery.failed', region: { within: 'EMEA' } },
          condition: {
            all: [
              { fact: 'type', operator: 'equal', value: 'delivery.failed' },
              { fact: 'region', operator: 'within', value: 'EMEA' },
            ],
          },
        },
        equal: ['correlationId'],
        forMs: 21_600_000,
        location: expect.objectContaining({ file: 'rules.yaml', pointer: '/inhibit/0' }),
      },
    ]);
    const escalation = ruleSet.escalations.get('e')!;
    expect(escalation.steps.map((s) => [s.after, s.to, s.template, s.channels])).toEqual([
      [{ businessDays: 1 }, ['lead'], 'alert', undefined],
      [{ hours: 30 }, ['ops'], 'alert', ['email']],
    ]);
    expect(escalation.resolvedBy).toEqual({
      when: { type: 'lifecycle.changed', 'data.stage': 'approved' },
      condition: {
        all: [
          { fact: 'type', operator: 'equal', value: 'lifecycle.changed' },
          { fact: 'data', path: '$.stage', operator: 'equal', value: 'approved' },
        ],
      },
      equal: ['data.resourceId'],
    });
  });

  it('keeps the digest of a template and the policy names of notify entries', () => {
    expect(ruleSet.templates.get('lines')!.digest).toEqual({
      line: '{{ data.ref }}',
      maxLines: 50,
    });
    expect(ruleSet.rules[0]!.notify[0]).toMatchObject({
      policy: 'delivery-failures',
      escalate: 'e',
    });
  });
});
