import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, parseRuleSet } from '@exroute/core';
import type { RoutingDecision } from '@exroute/core';
import {
  diffHasChanges,
  diffHasLoss,
  diffRuleSets,
  formatDiffMarkdown,
  formatDiffText,
  parseEventCorpus,
} from '@exroute/testing';
import type { CorpusEvent, ImpactGroup, RuleSetDiff } from '@exroute/testing';

// exroute diff's library half (issue 16): crafted rule changes must show exactly the events they
// affect — and nothing else — and the impact must agree with routing each event on both sides.

const BASE = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE, FR]
recipients:
  legal: { members: [alice, bob] }
  alice: { email: alice@example.com }
  bob: { email: bob@example.com }
  ops: { email: ops@example.com, sms: "+441" }
  billing: { email: billing@example.com }
templates:
  review: { id: EXS-REVIEW, channels: [email] }
  alert: { id: EXS-ALERT, channels: [email, sms] }
policies:
  digest: { group: { by: [correlationId], wait: 2m, interval: 15m, close: 24h } }
rules:
  - id: legal-review
    when:
      type: content.review_requested
      documentType: [legal-correspondence, policy-change, regulatory-letter]
      region: { within: EMEA }
    notify: [{ to: [legal], template: review }]
  - id: billing
    priority: 0
    when: { type: content.review_requested, documentType: billing-notice }
    stop: true
    notify: [{ to: [billing], template: review }]
  - id: everything
    priority: 5
    when: { type: content.review_requested }
    notify: [{ to: [ops], template: alert, policy: digest }]
`;

const DOCUMENTS = [
  'legal-correspondence',
  'policy-change',
  'regulatory-letter',
  'billing-notice',
  'welcome',
];
const REGIONS = ['UK', 'DE', 'FR', 'US'];

/** One event per document type × region, plus one of another type. */
function corpus(): CorpusEvent[] {
  const events: CorpusEvent[] = [];
  let line = 0;
  for (const documentType of DOCUMENTS) {
    for (const region of REGIONS) {
      line += 1;
      events.push({
        event: {
          id: `e${line}`,
          source: 'test',
          type: 'content.review_requested',
          time: '2026-11-30T10:00:00Z',
          documentType,
          region,
          data: {},
        },
        origin: { file: 'corpus.jsonl', line },
      });
    }
  }
  events.push({
    event: {
      id: 'alert',
      source: 'test',
      type: 'service.alert',
      time: '2026-11-30T10:00:00Z',
      data: {},
    },
    origin: { file: 'corpus.jsonl', line: line + 1 },
  });
  return events;
}

const groupKeys = (diff: RuleSetDiff) =>
  diff.impact.groups.map((g: ImpactGroup) => `${g.type}/${g.documentType ?? ''}/${g.region ?? ''}`);

describe('diffRuleSets on crafted changes', () => {
  it('a narrowed in list: exactly the dropped document type in EMEA loses the legal reviewers', () => {
    const after = BASE.replace(
      'documentType: [legal-correspondence, policy-change, regulatory-letter]',
      'documentType: [legal-correspondence, policy-change]',
    );
    const diff = diffRuleSets(parseRuleSet(BASE), parseRuleSet(after), { events: corpus() });
    expect(groupKeys(diff)).toEqual([
      'content.review_requested/regulatory-letter/DE',
      'content.review_requested/regulatory-letter/FR',
      'content.review_requested/regulatory-letter/UK',
    ]);
    for (const group of diff.impact.groups) {
      expect(group.changes.map((c) => [c.change, c.aspect, c.value, c.events])).toEqual([
        ['lost', 'recipient', 'alice <alice@example.com> via review/email', 1],
        ['lost', 'recipient', 'bob <bob@example.com> via review/email', 1],
        ['lost', 'template', 'review', 1],
      ]);
    }
    expect(diff.impact).toMatchObject({
      events: 21,
      routed: 21,
      changed: 3,
      withLoss: 3,
      withGain: 0,
    });
    expect(diff.definitions).toEqual([
      {
        kind: 'rule',
        key: 'legal-review',
        change: 'changed',
        old: { file: '<inline>', line: 16 },
        new: { file: '<inline>', line: 16 },
        fields: ['when'],
      },
    ]);
    expect(diffHasLoss(diff)).toBe(true);
  });

  it('a raised priority with stop: only events both rules match lose the later rule', () => {
    const after = BASE.replace('    priority: 0\n', '    priority: 10\n');
    const diff = diffRuleSets(parseRuleSet(BASE), parseRuleSet(after), { events: corpus() });
    expect(groupKeys(diff)).toEqual(
      REGIONS.map((r) => `content.review_requested/billing-notice/${r}`).sort(),
    );
    for (const group of diff.impact.groups) {
      expect(group.changes.map((c) => [c.change, c.aspect, c.value])).toEqual([
        ['lost', 'recipient', 'ops <+441> via alert/sms'],
        ['lost', 'recipient', 'ops <ops@example.com> via alert/email'],
        ['lost', 'template', 'alert'],
        ['lost', 'channel', 'sms'],
        ['lost', 'policy', 'digest via alert/email'],
        ['lost', 'policy', 'digest via alert/sms'],
      ]);
      expect(group.changes[0]?.example.eventId).toMatch(/^e1[3-6]$/);
    }
    expect(diff.definitions.map((d) => [d.key, d.fields])).toEqual([['billing', ['priority']]]);
  });

  it('a member removed from a group: only events routed to the group lose that member', () => {
    const after = BASE.replace('members: [alice, bob]', 'members: [alice]');
    const diff = diffRuleSets(parseRuleSet(BASE), parseRuleSet(after), { events: corpus() });
    expect(diff.impact.changed).toBe(9);
    expect(groupKeys(diff)).toHaveLength(9);
    for (const group of diff.impact.groups) {
      expect(group.region).not.toBe('US');
      expect(group.changes.map((c) => [c.change, c.value])).toEqual([
        ['lost', 'bob <bob@example.com> via review/email'],
      ]);
    }
    expect(diff.definitions).toMatchObject([
      { kind: 'recipient', key: 'legal', change: 'changed', fields: ['members'] },
    ]);
  });

  it('reports added and removed definitions of every section at their lines', () => {
    const after = `${BASE.replace(
      '  billing: { email: billing@example.com }\n',
      '  billing: { email: billing@example.com }\n  carol: { email: carol@example.com }\n',
    )
      .replace(
        'policies:\n  digest: { group: { by: [correlationId], wait: 2m, interval: 15m, close: 24h } }\n',
        '',
      )
      .replace(', policy: digest', '')}calendars:
  uk: { timezone: Europe/London, days: [mon], hours: ["09:00-17:00"] }
`;
    const diff = diffRuleSets(parseRuleSet(BASE), parseRuleSet(after));
    expect(
      diff.definitions.map((d) => [d.change, d.kind, d.key, d.old?.line, d.new?.line]),
    ).toEqual([
      ['changed', 'rule', 'everything', 27, 26],
      ['added', 'recipient', 'carol', undefined, 10],
      ['removed', 'policy', 'digest', 14, undefined],
      ['added', 'calendar', 'uk', undefined, 31],
    ]);
    expect(diff.impact).toMatchObject({ events: 0, changed: 0 });
    expect(diffHasChanges(diff)).toBe(true);
    expect(diffHasLoss(diff)).toBe(false);
  });

  it('finds nothing when only layout, comments and review metadata change', () => {
    const after = `# a comment\n${BASE.replace('  - id: billing\n', '  - id: billing\n    reviewBy: "2030-01-01"\n')}`;
    const diff = diffRuleSets(parseRuleSet(BASE), parseRuleSet(after), { events: corpus() });
    expect(diff.impact.changed).toBe(0);
    expect(diff.definitions.map((d) => [d.key, d.fields])).toEqual([['billing', ['reviewBy']]]);
    expect(diffHasLoss(diff)).toBe(false);
  });
});

describe('diffRuleSets agrees with routing each event on both sides', () => {
  const variants = [
    BASE,
    BASE.replace(
      'documentType: [legal-correspondence, policy-change, regulatory-letter]',
      'documentType: policy-change',
    ),
    BASE.replace('    priority: 0\n', '    priority: 10\n'),
    BASE.replace('members: [alice, bob]', 'members: [bob]'),
    BASE.replace('region: { within: EMEA }', 'region: { notIn: [DE] }'),
    BASE.replace('channels: [email, sms]', 'channels: [sms]'),
  ].map((text) => parseRuleSet(text));

  const sent = (d: RoutingDecision) =>
    new Set(
      d.notifications.flatMap((n) =>
        n.recipients.map(
          (r) => `${n.template}/${n.channel}/${r.key}/${r.address}/${n.policy ?? ''}`,
        ),
      ),
    );

  it('counts as changed exactly the events whose notifications differ (property)', () => {
    const events = corpus();
    fc.assert(
      fc.property(
        fc.nat(variants.length - 1),
        fc.nat(variants.length - 1),
        fc.subarray(events, { minLength: 1 }),
        (a, b, chosen) => {
          const before = variants[a]!;
          const after = variants[b]!;
          const diff = diffRuleSets(before, after, { events: chosen });
          const clock = () => new Date('2026-11-30T10:00:00Z');
          const [r1, r2] = [createRouter(before, { clock }), createRouter(after, { clock })];
          const differing = chosen.filter((e) => {
            const x = sent(r1.route(e.event));
            const y = sent(r2.route(e.event));
            return x.size !== y.size || [...x].some((v) => !y.has(v));
          });
          expect(diff.impact.changed).toBe(differing.length);
          const changedIds = new Set(
            diff.impact.groups.flatMap((g) => g.changes.map((c) => c.example.eventId)),
          );
          for (const id of changedIds) expect(differing.map((e) => e.event.id)).toContain(id);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('parseEventCorpus', () => {
  it('reads NormalizedEvents and raw Exstream payloads, and locates every bad line', () => {
    const normalized = JSON.stringify(corpus()[0]!.event);
    const cloudEvent =
      '{"specversion":"1.0","id":"ce-1","source":"/opentext/notifications/eu","type":"com.opentext.notifications.webhook.delivery_failed","time":"2026-03-02T10:00:00Z","datacontenttype":"application/json","data":{"summary":"x"}}';
    const text = [
      normalized,
      '',
      cloudEvent,
      '{not json',
      '[1,2]',
      '"text"',
      '{"expctr": 42}',
      `{"x":"${'a'.repeat(1024 * 1024 + 10)}"}`,
      '   ',
    ].join('\r\n');
    const { events, diagnostics } = parseEventCorpus(text, { file: 'c.jsonl' });
    expect(events.map((e) => [e.event.id, e.origin.line])).toEqual([
      ['e1', 1],
      ['ce-1', 3],
    ]);
    const byLine = new Map(diagnostics.map((d) => [d.line, d.code]));
    expect([...byLine].map(([line, code]) => [code, line])).toEqual([
      ['EXR_INVALID_JSON', 4],
      ['EXR_DIFF_NOT_AN_EVENT', 5],
      ['EXR_DIFF_NOT_AN_EVENT', 6],
      [expect.stringMatching(/^EXR_/), 7],
      ['EXR_DIFF_LINE_TOO_LONG', 8],
    ]);
    expect(diagnostics.every((d) => d.file === 'c.jsonl' && d.column === 1)).toBe(true);
  });

  it('routes hostile events to located diagnostics, never an exception', () => {
    let deep = '1';
    for (let i = 0; i < 5000; i++) deep = `{"a":${deep}}`;
    const lines = [
      `{"id":"x","source":"s","type":"service.alert","time":"2026-01-01T00:00:00Z","data":${deep}}`,
      '{"__proto__":{"polluted":true},"id":"p","source":"s","type":"service.alert","time":"2026-01-01T00:00:00Z","data":{}}',
      '{"constructor":{"prototype":{"x":1}},"id":"c","source":"s","type":"service.alert","time":"2026-01-01T00:00:00Z","data":{}}',
      '{"id":5,"source":[],"type":{},"time":"yesterday","data":"none"}',
      '{"id":"t","source":"s","type":"service.alert","time":"not a time","data":{}}',
      `{"id":"${'i'.repeat(100_000)}","source":"s","type":"service.alert","time":"2026-01-01T00:00:00Z","data":{}}`,
    ];
    const { events, diagnostics: read } = parseEventCorpus(lines.join('\n'), { file: 'h.jsonl' });
    expect(read).toEqual([]);
    const ruleSet = parseRuleSet(BASE);
    const started = performance.now();
    const diff = diffRuleSets(ruleSet, ruleSet, { events });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const lines1 = diff.diagnostics.map((d) => d.line);
    expect(lines1).toContain(4);
    expect(lines1).toContain(5);
    for (const d of diff.diagnostics) expect(d).toMatchObject({ file: 'h.jsonl', column: 1 });
    expect(diff.impact.events).toBe(6);
    expect(diff.impact.changed).toBe(0);
  });
});

describe('diff reports', () => {
  const many = (() => {
    const before = parseRuleSet(BASE);
    const after = parseRuleSet(BASE.replace('members: [alice, bob]', 'members: [alice]'));
    const events: CorpusEvent[] = [];
    for (let i = 0; i < 400; i++) {
      events.push({
        event: {
          id: `n${i}`,
          source: 's',
          type: 'content.review_requested',
          time: '2026-11-30T10:00:00Z',
          documentType: 'policy-change',
          region: i % 2 === 0 ? 'UK' : 'DE',
          channel: 'email',
          data: {},
          subject: `|<script>${i}`,
        },
        origin: { file: 'c.jsonl', line: i + 1 },
      });
      // A document type per event, so every event is its own group and row.
      (events[i]!.event as { documentType: string }).documentType = `policy-change|${i}`;
    }
    return { before, after, events };
  })();

  it('cuts the Markdown to its row and size budget and says how much was left out', () => {
    const after = parseRuleSet(
      BASE.replace('members: [alice, bob]', 'members: [alice]').replace(
        'documentType: [legal-correspondence, policy-change, regulatory-letter]',
        'documentType: { startsWith: policy-change }',
      ),
    );
    const diff = diffRuleSets(many.before, after, { events: many.events });
    expect(diff.impact.groups.length).toBe(400);
    const markdown = formatDiffMarkdown(diff, { maxRows: 20 });
    const rows = markdown.split('\n').filter((l) => l.startsWith('| `content'));
    expect(rows).toHaveLength(20);
    expect(markdown).toContain(
      `…and ${diff.impact.groups.flatMap((g) => g.changes).length - 20} more rows not shown`,
    );
    expect(markdown).not.toContain('<script>');
    const small = formatDiffMarkdown(diff, { maxChars: 5000, maxRows: 10_000 });
    expect(small.length).toBeLessThanOrEqual(5000);
    expect(small).toMatch(/…and \d+ more rows not shown/);
    for (const row of small.split('\n').filter((l) => l.startsWith('| `'))) {
      // Every row keeps its 8 cells: escaped pipes do not split it.
      expect(row.split(/(?<!\\)\|/).length - 2).toBe(8);
    }
  });

  it('prints a terminal table with both places of a changed definition', () => {
    const diff = diffRuleSets(many.before, many.after, { events: corpus() });
    const text = formatDiffText(diff);
    expect(text).toContain('changed  recipient  legal  <inline>:5 → <inline>:5  (members)');
    expect(text).toMatch(
      /- lost {2}recipient {2}bob <bob@example.com> via review\/email {2}1 event {2}e\.g\. e\d+ \(corpus\.jsonl:\d+\)/,
    );
  });
});
