import { describe, expect, it } from 'vitest';
import { createRouter, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent, RoutingDecision } from '@exroute/core';

// Table-driven, as Alertmanager tests its routing tree: inline YAML, an event, the expected route.

const DIRECTORY = `
apiVersion: exroute/v1
regions:
  EMEA: [UK, DACH]
  DACH: [DE, AT]
recipients:
  alice: { email: alice@example.com, sms: "+447700900001" }
  bob: { email: [bob@example.com, bob@home.example] }
  carol: { email: carol@example.com }
  legal: { members: [alice, bob] }
  everyone: { members: [legal, carol] }
templates:
  alert:
    id: EXS-ALERT
    channels: [email]
    subject: "{{ type }} for {{ data.resource.name }}"
    params: { region: "{{ region }}", volume: "{{ data.volume }}", missing: "{{ data.nope }}" }
`;

function ruleSet(rules: string) {
  return parseRuleSet(`${DIRECTORY}\nrules:\n${rules}`, { filename: 'table.yaml' });
}

function event(
  fields: Partial<NormalizedEvent> & { data?: Record<string, unknown> },
): NormalizedEvent {
  return {
    id: 'evt-1',
    source: 'exstream/test',
    type: 'delivery.failed',
    time: '2026-03-02T10:15:00Z',
    data: {},
    ...fields,
  };
}

const CLOCK = () => new Date('2026-03-02T10:15:00Z');

function matchedIds(decision: RoutingDecision): string[] {
  return decision.matched.map((m) => m.ruleId);
}

interface MatchCase {
  name: string;
  rules: string;
  event: NormalizedEvent;
  matched: string[];
}

const MATCH_CASES: MatchCase[] = [
  {
    name: 'shorthand scalar is equal, list is in',
    rules: `
  - id: r
    when: { type: delivery.failed, documentType: [invoice, policy] }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ documentType: 'policy' }),
    matched: ['r'],
  },
  {
    name: 'shorthand list rejects a value outside it',
    rules: `
  - id: r
    when: { documentType: [invoice, policy] }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ documentType: 'letter' }),
    matched: [],
  },
  {
    name: 'dotted keys read inside data',
    rules: `
  - id: r
    when: { "data.resource.versions[1]": 3, data.volume: { greaterThan: 100 } }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ data: { resource: { versions: [2, 3] }, volume: 101 } }),
    matched: ['r'],
  },
  {
    name: 'within walks nested region groups',
    rules: `
  - id: r
    when: { region: { within: EMEA } }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ region: 'AT' }),
    matched: ['r'],
  },
  {
    name: 'within rejects a region outside the group',
    rules: `
  - id: r
    when: { region: { within: DACH } }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ region: 'UK' }),
    matched: [],
  },
  {
    name: 'priority defaults to normal for atLeast / atMost',
    rules: `
  - id: at-least-normal
    when: { priority: { atLeast: normal } }
    notify: [{ to: [alice], template: alert }]
  - id: at-most-low
    when: { priority: { atMost: low } }
    notify: [{ to: [alice], template: alert }]`,
    event: event({}),
    matched: ['at-least-normal'],
  },
  {
    name: 'exists distinguishes present from absent fields',
    rules: `
  - id: has-tenant
    when: { tenant: { exists: true } }
    notify: [{ to: [alice], template: alert }]
  - id: no-channel
    when: { channel: { exists: false } }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ tenant: 'acme' }),
    matched: ['has-tenant', 'no-channel'],
  },
  {
    name: 'startsWith, endsWith and matches (anchored)',
    rules: `
  - id: starts
    when: { documentType: { startsWith: overdue- } }
    notify: [{ to: [alice], template: alert }]
  - id: ends
    when: { documentType: { endsWith: -reminder } }
    notify: [{ to: [alice], template: alert }]
  - id: whole
    when: { documentType: { matches: "overdue-[a-z-]+" } }
    notify: [{ to: [alice], template: alert }]
  - id: partial-does-not-match
    when: { documentType: { matches: "payment" } }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ documentType: 'overdue-payment-reminder' }),
    matched: ['starts', 'ends', 'whole'],
  },
  {
    name: 'verbatim conditions with decorators and a fact-to-fact value',
    rules: `
  - id: r
    conditions:
      all:
        - { fact: data, path: $.tags, operator: "someFact:equal", value: urgent }
        - { fact: data, path: $.owner, operator: equal, value: { fact: data, path: $.approver } }
        - { fact: data, path: $.tags, operator: "not:contains", value: ignore }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ data: { tags: ['x', 'urgent'], owner: 'kim', approver: 'kim' } }),
    matched: ['r'],
  },
  {
    name: 'a missing fact is undefined: notEqual holds, equal does not',
    rules: `
  - id: not-equal
    conditions: { all: [{ fact: data, path: $.absent, operator: notEqual, value: 1 }] }
    notify: [{ to: [alice], template: alert }]
  - id: equal
    conditions: { all: [{ fact: data, path: $.absent, operator: equal, value: 1 }] }
    notify: [{ to: [alice], template: alert }]`,
    event: event({}),
    matched: ['not-equal'],
  },
  {
    name: 'any / not compose',
    rules: `
  - id: r
    conditions:
      any:
        - { fact: channel, operator: equal, value: fax }
        - not: { fact: region, operator: in, value: [UK, DE] }
    notify: [{ to: [alice], template: alert }]`,
    event: event({ region: 'FR' }),
    matched: ['r'],
  },
  {
    name: 'priority first, then file order',
    rules: `
  - id: low-first-in-file
    when: { type: delivery.failed }
    notify: [{ to: [alice], template: alert }]
  - id: high
    priority: 10
    when: { type: delivery.failed }
    notify: [{ to: [alice], template: alert }]
  - id: low-second-in-file
    when: { type: delivery.failed }
    notify: [{ to: [alice], template: alert }]`,
    event: event({}),
    matched: ['high', 'low-first-in-file', 'low-second-in-file'],
  },
  {
    name: 'stop cuts off every later rule',
    rules: `
  - id: before
    priority: 5
    when: { type: delivery.failed }
    notify: [{ to: [alice], template: alert }]
  - id: stopper
    when: { type: delivery.failed }
    stop: true
    notify: [{ to: [alice], template: alert }]
  - id: after
    when: { type: delivery.failed }
    notify: [{ to: [alice], template: alert }]`,
    event: event({}),
    matched: ['before', 'stopper'],
  },
  {
    name: 'a stop rule that does not match stops nothing',
    rules: `
  - id: stopper
    when: { type: batch.failed }
    stop: true
    notify: [{ to: [alice], template: alert }]
  - id: after
    when: { type: delivery.failed }
    notify: [{ to: [alice], template: alert }]`,
    event: event({}),
    matched: ['after'],
  },
  {
    name: 'effective windows use the router clock (UTC dates, inclusive)',
    rules: `
  - id: current
    effective: { from: "2026-03-02", until: "2026-03-02" }
    when: { type: delivery.failed }
    notify: [{ to: [alice], template: alert }]
  - id: expired
    effective: { until: "2026-03-01" }
    when: { type: delivery.failed }
    notify: [{ to: [alice], template: alert }]`,
    event: event({}),
    matched: ['current'],
  },
];

describe('route: which rules match', () => {
  it.each(MATCH_CASES)('$name', ({ rules, event: e, matched }) => {
    const router = createRouter(ruleSet(rules), { clock: CLOCK });
    expect(matchedIds(router.route(e))).toEqual(matched);
    expect(matchedIds(router.explain(e).decision)).toEqual(matched);
  });
});

describe('route: what is sent', () => {
  it('merges recipients per (template, channel), de-duplicated, first appearance first', () => {
    const router = createRouter(
      ruleSet(`
  - id: first
    priority: 2
    when: { type: delivery.failed }
    notify: [{ to: [bob, legal], template: alert, severity: normal }]
  - id: second
    priority: 1
    when: { type: delivery.failed }
    notify: [{ to: [everyone], template: alert, severity: high, channels: [email, sms] }]`),
      { clock: CLOCK },
    );
    const decision = router.route(event({ region: 'UK', data: { resource: { name: 'Q1' } } }));
    expect(decision.notifications).toEqual([
      {
        template: 'alert',
        templateId: 'EXS-ALERT',
        channel: 'email',
        recipients: [
          { key: 'bob', address: 'bob@example.com' },
          { key: 'bob', address: 'bob@home.example' },
          { key: 'alice', address: 'alice@example.com', via: ['legal'] },
          { key: 'carol', address: 'carol@example.com', via: ['everyone'] },
        ],
        subject: 'delivery.failed for Q1',
        params: { region: 'UK', volume: '', missing: '' },
        severity: 'high',
        ruleIds: ['first', 'second'],
      },
      {
        template: 'alert',
        templateId: 'EXS-ALERT',
        channel: 'sms',
        recipients: [{ key: 'alice', address: '+447700900001', via: ['everyone', 'legal'] }],
        subject: 'delivery.failed for Q1',
        params: { region: 'UK', volume: '', missing: '' },
        severity: 'high',
        ruleIds: ['second'],
      },
    ]);
  });

  it('renders numbers, booleans and objects; entry params override the template', () => {
    const router = createRouter(
      ruleSet(`
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [carol], template: alert, params: { region: "at {{ $now }}", flag: "{{ data.flag }}", obj: "{{ data.resource }}" } }]`),
      { clock: CLOCK },
    );
    const [notification] = router.route(
      event({ region: 'UK', data: { volume: 12.5, flag: false, resource: { name: 'n', v: [1] } } }),
    ).notifications;
    expect(notification?.params).toEqual({
      region: 'at 2026-03-02T10:15:00.000Z',
      volume: '12.5',
      missing: '',
      flag: 'false',
      obj: '{"name":"n","v":[1]}',
    });
    expect(notification?.subject).toBe('delivery.failed for n');
  });

  it('omits a notification whose recipients have no address on its channel', () => {
    const router = createRouter(
      ruleSet(`
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [carol], template: alert, channels: [sms] }]`),
      { clock: CLOCK },
    );
    const decision = router.route(event({}));
    expect(matchedIds(decision)).toEqual(['r']);
    expect(decision.notifications).toEqual([]);
  });

  it('carries the event id, the rule set version and each match position', () => {
    const rules = ruleSet(`
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [carol], template: alert }]`);
    const decision = createRouter(rules).route(event({ id: 'abc' }));
    expect(decision.eventId).toBe('abc');
    expect(decision.ruleSetVersion).toBe(rules.version);
    expect(decision.matched).toEqual([
      { ruleId: 'r', file: 'table.yaml', line: rules.rules[0]!.location.line },
    ]);
  });
});
