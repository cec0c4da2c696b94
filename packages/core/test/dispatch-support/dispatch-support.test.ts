import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRuleSet, createRouter, parseRuleSet, RuleSetError } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';
import {
  compileEventTemplate,
  createEscalationNotifier,
  createEventMatcher,
  createFieldReader,
  createTimeOffset,
  formatDuration,
  MAX_DURATION_MS,
  parseDuration,
} from '@exroute/core/dispatch-support';

const RULES = `apiVersion: exroute/v1
regions: { EMEA: [UK, DE] }
calendars:
  uk: { timezone: Europe/London, days: [mon, tue, wed, thu, fri], hours: ["09:00-17:00"], holidays: ["2026-12-25"] }
regionCalendars: { UK: uk }
recipients:
  alice: { email: alice@example.com, sms: "+447700900001" }
  bob: { email: bob@example.com }
  leads: { members: [alice, bob] }
templates:
  overdue:
    id: EXS-OVERDUE
    channels: [email, sms]
    subject: "Overdue: {{ data.resource.name }}"
    params: { region: "{{ region }}", at: "{{ $now }}" }
  review: { id: EXS-REVIEW, channels: [email] }
inhibit:
  - id: mute
    source: { type: batch.failed, region: { within: EMEA } }
    target: { type: delivery.failed }
    equal: [correlationId]
    for: 6h
escalations:
  legal:
    steps:
      - { after: { businessDays: 1 }, to: [leads], template: overdue }
      - { after: { hours: 48 }, to: [bob], template: review, channels: [email] }
rules:
  - id: review
    when: { type: content.review_requested }
    notify:
      - { to: [alice], template: review, escalate: legal, due: { businessDays: 1 } }
`;

const ruleSet = parseRuleSet(RULES, { filename: 'rules.yaml' });

function event(fields: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    id: 'e1',
    source: 'exstream/test',
    type: 'content.review_requested',
    time: '2026-12-24T16:00:00Z',
    region: 'UK',
    correlationId: 'job-1',
    data: { resource: { name: 'Policy 7' }, count: 3, tags: ['a'] },
    ...fields,
  };
}

describe('createEventMatcher', () => {
  it('matches an inhibit rule source with region groups like a rule', () => {
    const [rule] = ruleSet.inhibitRules;
    const source = createEventMatcher(ruleSet, rule!.source);
    const now = new Date('2026-12-24T16:00:00Z');
    expect(source(event({ type: 'batch.failed', region: 'DE' }), now)).toBe(true);
    expect(source(event({ type: 'batch.failed', region: 'US' }), now)).toBe(false);
    expect(source(event({ type: 'delivery.failed', region: 'DE' }), now)).toBe(false);
  });

  it('takes only a rule set from the loader, which reports a condition that does not compile', () => {
    expect(() => createEventMatcher({ ...ruleSet }, ruleSet.inhibitRules[0]!.source)).toThrow(
      RuleSetError,
    );
    const { diagnostics } = checkRuleSet([
      { text: RULES.replace('type: batch.failed', 'type: { equalz: x }'), filename: 'm.yaml' },
    ]);
    expect(diagnostics.map((d) => d.code)).toContain('EXR_UNKNOWN_OPERATOR');
  });
});

describe('compileEventTemplate and createFieldReader', () => {
  it('render placeholders the way routed notification params are rendered', () => {
    const now = new Date('2026-12-24T16:00:00Z');
    const decision = createRouter(
      parseRuleSet(
        RULES.replace(
          'params: { region: "{{ region }}", at: "{{ $now }}" }',
          'params: { region: "{{ region }}", at: "{{ $now }}", x: "{{ data.count }}/{{ data.tags }}/{{ data.none }}" }',
        ).replace('template: review, escalate', 'template: overdue, escalate'),
      ),
      { clock: () => now },
    ).route(event());
    const rendered = compileEventTemplate('{{ data.count }}/{{ data.tags }}/{{ data.none }}');
    expect(rendered(event(), now)).toBe(decision.notifications[0]!.params['x']);
    expect(compileEventTemplate('{{ $now }}')(event(), now)).toBe('2026-12-24T16:00:00.000Z');
  });

  it('reads a missing field as empty text', () => {
    expect(createFieldReader('correlationId')(event())).toBe('job-1');
    expect(createFieldReader('data.resource.name')(event())).toBe('Policy 7');
    expect(createFieldReader('tenant')(event())).toBe('');
    expect(createFieldReader('data.nothing[2].x')(event())).toBe('');
  });

  it('leaves a placeholder that is not a field path as written; the loader reports it', () => {
    expect(compileEventTemplate('x {{ a | upper }} y')(event())).toBe('x {{ a | upper }} y');
    const { diagnostics } = checkRuleSet([
      { text: RULES.replace('{{ region }}', '{{ region | upper }}'), filename: 't.yaml' },
    ]);
    expect(diagnostics.map((d) => d.code)).toContain('EXR_TEMPLATE_PLACEHOLDER');
  });
});

describe('createTimeOffset', () => {
  const offset = createTimeOffset(ruleSet);

  it('counts business days in the event region calendar, as `due` does', () => {
    const from = new Date('2026-12-24T16:00:00Z');
    const router = createRouter(ruleSet, { clock: () => from });
    const dueAt = router.route(event()).notifications[0]!.dueAt;
    // Thursday 24 Dec 16:00 + 1 business day skips Christmas and the weekend.
    expect(offset({ businessDays: 1 }, { region: 'UK' }, from).toISOString()).toBe(dueAt);
    expect(dueAt).toBe('2026-12-28T17:00:00.000Z');
  });

  it('adds clock hours, and falls back to always-open UTC without a regional calendar', () => {
    const from = new Date('2026-12-24T16:00:00Z');
    expect(offset({ hours: 48 }, { region: 'UK' }, from).toISOString()).toBe(
      '2026-12-26T16:00:00.000Z',
    );
    expect(offset({ businessHours: 2 }, { region: 'US' }, from).toISOString()).toBe(
      '2026-12-24T18:00:00.000Z',
    );
    expect(offset({}, {}, from).getTime()).toBe(from.getTime());
  });
});

describe('createEscalationNotifier', () => {
  const notifier = createEscalationNotifier(ruleSet);
  const now = new Date('2026-12-28T17:00:00Z');

  it('renders a step like a notify entry: groups expanded, one notification per channel', () => {
    const sent = notifier.notifications('legal', 0, event(), now);
    expect(sent).toEqual([
      {
        template: 'overdue',
        templateId: 'EXS-OVERDUE',
        channel: 'email',
        recipients: [
          { key: 'alice', address: 'alice@example.com', via: ['leads'] },
          { key: 'bob', address: 'bob@example.com', via: ['leads'] },
        ],
        subject: 'Overdue: Policy 7',
        params: { region: 'UK', at: '2026-12-28T17:00:00.000Z' },
        ruleIds: ['legal#1'],
      },
      {
        template: 'overdue',
        templateId: 'EXS-OVERDUE',
        channel: 'sms',
        recipients: [{ key: 'alice', address: '+447700900001', via: ['leads'] }],
        subject: 'Overdue: Policy 7',
        params: { region: 'UK', at: '2026-12-28T17:00:00.000Z' },
        ruleIds: ['legal#1'],
      },
    ]);
    expect(notifier.notifications('legal', 1, event(), now).map((n) => n.channel)).toEqual([
      'email',
    ]);
  });

  it('returns nothing for an unknown escalation or step', () => {
    expect(notifier.notifications('nope', 0, event(), now)).toEqual([]);
    expect(notifier.notifications('legal', 2, event(), now)).toEqual([]);
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['2m', 120_000],
    ['4h', 14_400_000],
    ['7d', 604_800_000],
    ['366d', MAX_DURATION_MS],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['0s', 'zero'],
    ['367d', 'too-long'],
    ['9999999d', 'too-long'],
    ['1h30m', 'form'],
    ['1.5h', 'form'],
    ['-1h', 'form'],
    ['01h', 'form'],
    ['1H', 'form'],
    ['', 'form'],
    ['1'.repeat(100_000) + 's', 'form'],
  ])('rejects %s (%s)', (text, reason) => {
    expect(parseDuration(text)).toMatchObject({ ok: false, reason });
  });

  it('round-trips every duration through formatDuration', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_999_999 }),
        fc.constantFrom('s', 'm', 'h', 'd'),
        (amount, unit) => {
          const parsed = parseDuration(`${amount}${unit}`);
          const scale = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit];
          if (amount * scale > MAX_DURATION_MS) {
            expect(parsed).toMatchObject({ ok: false, reason: 'too-long' });
            return;
          }
          expect(parsed).toEqual({ ok: true, ms: amount * scale });
          expect(parseDuration(formatDuration(amount * scale))).toEqual(parsed);
        },
      ),
    );
  });
});
