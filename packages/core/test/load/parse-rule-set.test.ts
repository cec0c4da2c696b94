import { describe, expect, it } from 'vitest';
import { parseRuleSet, RuleSetError } from '@exroute/core';

const DESIGN_EXAMPLE = `apiVersion: exroute/v1
metadata: { name: insurance-emea, owner: compliance-emea@example.com }
regions:
  EMEA: [UK, DE, FR]
recipients:
  collections-uk: { email: [collections-uk@example.com], sms: ["+447700900001"] }
  legal-reviewers: { members: [alice, bob] }
  alice: { email: alice@example.com }
  bob: { email: [bob@example.com] }
templates:
  regulated-review:
    id: EXS-REG-REVIEW
    channels: [email]
    subject: "Review {{ data.resource.name }} v{{ data.resource.version }}"
    params: { document: "{{ documentType }}", region: "{{ region }}" }
rules:
  - id: regulated-review-legal
    priority: 100
    when:
      type: content.review_requested
      documentType: [legal-correspondence, policy-change]
      region: { within: EMEA }
      data.volume: { greaterThan: 100 }
    conditions:
      any:
        - { fact: priority, operator: in, value: [high, critical] }
        - { fact: data, path: $.regulated, operator: equal, value: true }
    notify:
      - to: [legal-reviewers, collections-uk]
        template: regulated-review
        channels: [email]
        severity: high
    stop: true
  - id: fallback
    notify:
      - { to: [alice], template: regulated-review }
`;

describe('parseRuleSet on valid input', () => {
  const ruleSet = parseRuleSet(DESIGN_EXAMPLE, { filename: 'emea.yaml' });

  it('builds the directory as maps with positions', () => {
    expect([...ruleSet.regions.keys()]).toEqual(['EMEA']);
    expect(ruleSet.regions.get('EMEA')?.members).toEqual(['UK', 'DE', 'FR']);
    expect(ruleSet.recipients.get('alice')?.addresses).toEqual({ email: ['alice@example.com'] });
    expect(ruleSet.recipients.get('legal-reviewers')?.members).toEqual(['alice', 'bob']);
    expect(ruleSet.templates.get('regulated-review')).toMatchObject({
      id: 'EXS-REG-REVIEW',
      channels: ['email'],
      params: { document: '{{ documentType }}', region: '{{ region }}' },
      location: { file: 'emea.yaml', line: 11, column: 3, pointer: '/templates/regulated-review' },
    });
    expect(ruleSet.files).toEqual(['emea.yaml']);
    expect(ruleSet.metadata).toEqual([
      { file: 'emea.yaml', name: 'insurance-emea', owner: 'compliance-emea@example.com' },
    ]);
  });

  it('desugars when into leaves, in key order, followed by conditions', () => {
    const rule = ruleSet.rules[0]!;
    expect(rule.condition.all).toEqual([
      { fact: 'type', operator: 'equal', value: 'content.review_requested' },
      { fact: 'documentType', operator: 'in', value: ['legal-correspondence', 'policy-change'] },
      { fact: 'region', operator: 'within', value: 'EMEA' },
      { fact: 'data', path: '$.volume', operator: 'greaterThan', value: 100 },
      rule.conditions,
    ]);
    expect(rule).toMatchObject({
      id: 'regulated-review-legal',
      priority: 100,
      order: 0,
      stop: true,
    });
    expect(rule.location).toEqual({ file: 'emea.yaml', line: 17, column: 5, pointer: '/rules/0' });
    expect(rule.notify[0]).toMatchObject({
      to: ['legal-reviewers', 'collections-uk'],
      template: 'regulated-review',
      channels: ['email'],
      severity: 'high',
    });
  });

  it('applies defaults: priority 0, stop false, an empty all when nothing is pinned', () => {
    const rule = ruleSet.rules[1]!;
    expect(rule).toMatchObject({ id: 'fallback', priority: 0, order: 1, stop: false });
    expect(rule.condition).toEqual({ all: [] });
    expect(rule.notify[0]?.channels).toBeUndefined();
  });

  it('computes a sha256 version', () => {
    expect(ruleSet.version).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(ruleSet.warnings).toEqual([]);
  });

  it('throws RuleSetError for invalid input', () => {
    expect(() => parseRuleSet('apiVersion: exroute/v2\n')).toThrow(RuleSetError);
  });
});

describe('parseRuleSet on the time keys of DESIGN.md §7', () => {
  const ruleSet = parseRuleSet(`apiVersion: exroute/v1
regions: { APAC: [JP] }
calendars:
  uk-office:
    timezone: Europe/London
    days: [mon, tue, wed, thu, fri]
    hours: ["09:00-12:30", "13:30-17:30"]
    holidays: ["2026-12-25", "2026-12-28"]
  tokyo-office: { timezone: Asia/Tokyo, days: [mon, tue, wed, thu, fri], hours: ["09:00-18:00"] }
regionCalendars:
  UK: uk-office
  JP: tokyo-office
recipients: { on-call: { sms: "+447700900001" } }
templates: { lapse: { id: LAPSE, channels: [sms] } }
rules:
  - id: after-hours-lapse
    effective: { from: "2027-01-01", until: "2027-12-31" }
    conditions:
      all:
        - { fact: $now, operator: outsideBusinessHours, value: { fact: region } }
        - { fact: time, operator: withinBusinessHours, value: uk-office }
    notify:
      - to: [on-call]
        template: lapse
        due: { businessDays: 2 }
        deferUntil: businessHours
`);

  it('keeps calendars, region calendars, effective, due and deferUntil', () => {
    expect(ruleSet.calendars.get('uk-office')).toMatchObject({
      timezone: 'Europe/London',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      hours: ['09:00-12:30', '13:30-17:30'],
      holidays: ['2026-12-25', '2026-12-28'],
    });
    expect(ruleSet.regionCalendars.get('JP')?.calendar).toBe('tokyo-office');
    const rule = ruleSet.rules[0]!;
    expect(rule.effective).toEqual({ from: '2027-01-01', until: '2027-12-31' });
    expect(rule.notify[0]).toMatchObject({ due: { businessDays: 2 }, deferUntil: 'businessHours' });
  });
});
