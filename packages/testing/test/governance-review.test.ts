import { describe, expect, it } from 'vitest';
import { parseRuleSet } from '@exroute/core';
import {
  buildNotificationMatrix,
  buildRoutingGraph,
  formatMatrixCsv,
  formatMatrixMarkdown,
  lintRuleSet,
  MAX_MATRIX_EVENTS,
  ruleSetToMermaid,
} from '@exroute/testing';

// Review metadata (issue 16 part 4): lint's reviewBy and --require checks, the graph's labels,
// and the notification matrix with exact expected cells on a small crafted rule set.

const RULES = `apiVersion: exroute/v1
regions:
  EMEA: [UK, DE]
recipients:
  legal: { members: [alice, bob] }
  alice: { email: alice@example.com }
  bob: { email: bob@example.com }
  ops: { email: ops@example.com, sms: "+441" }
  us-desk: { email: us@example.com }
templates:
  review: { id: EXS-REVIEW, channels: [email] }
  alert: { id: EXS-ALERT, channels: [email, sms] }
rules:
  - id: legal-emea
    description: Legal letters in EMEA go to the lawyers
    owner: compliance@example.com
    approvedBy: head@example.com
    ticket: COMP-1
    reviewBy: "2026-12-31"
    when:
      type: content.review_requested
      documentType: legal-correspondence
      region: { within: EMEA }
    notify: [{ to: [legal], template: review }]
  - id: us-review
    description: US reviews go to the US desk
    owner: us@example.com
    reviewBy: "2026-06-30"
    when: { type: content.review_requested, region: US }
    notify: [{ to: [us-desk], template: review }]
  - id: failures
    description: Failed deliveries alert ops, unless high volume
    when: { type: delivery.failed, data.volume: { lessThan: 100 } }
    notify: [{ to: [ops], template: alert }]
`;

describe('lint: review metadata', () => {
  const ruleSet = parseRuleSet(RULES, { filename: 'rules.yaml' });
  const review = (options: Parameters<typeof lintRuleSet>[1]) =>
    lintRuleSet(ruleSet, options)
      .filter((d) => d.code.includes('REVIEW'))
      .map((d) => [d.code, d.severity, d.line]);

  it('warns about rules past reviewBy, counting the review day itself as in time', () => {
    expect(review({ now: new Date('2026-06-30T23:59:59Z') })).toEqual([]);
    expect(review({ now: new Date('2026-07-01T00:00:00Z') })).toEqual([
      ['EXR_LINT_REVIEW_OVERDUE', 'warning', 25],
    ]);
    expect(review({ now: new Date('2027-01-01T00:00:00Z') })).toEqual([
      ['EXR_LINT_REVIEW_OVERDUE', 'warning', 14],
      ['EXR_LINT_REVIEW_OVERDUE', 'warning', 25],
    ]);
    expect(review({ now: new Date('2030-01-01T00:00:00Z'), reviewOverdue: false })).toEqual([]);
  });

  it('with requireFields, errors on every rule missing one', () => {
    expect(
      review({ now: new Date('2026-01-01T00:00:00Z'), requireFields: ['owner', 'approvedBy'] }),
    ).toEqual([
      ['EXR_LINT_MISSING_REVIEW_FIELD', 'error', 25],
      ['EXR_LINT_MISSING_REVIEW_FIELD', 'error', 31],
      ['EXR_LINT_MISSING_REVIEW_FIELD', 'error', 31],
    ]);
    const blank = parseRuleSet(RULES.replace('owner: us@example.com', 'owner: "  "'));
    expect(
      lintRuleSet(blank, { now: new Date('2026-01-01T00:00:00Z'), requireFields: ['owner'] })
        .filter((d) => d.code === 'EXR_LINT_MISSING_REVIEW_FIELD')
        .map((d) => d.message.split(' ')[1]),
    ).toEqual(["'us-review'", "'failures'"]);
  });
});

describe('graph: review metadata', () => {
  it('carries the metadata on rule nodes and shows it on a second label line', () => {
    const ruleSet = parseRuleSet(
      RULES.replace('ticket: COMP-1', 'ticket: "COMP-1 <b>\\"#x\\"</b>\\nnext"'),
    );
    const node = buildRoutingGraph(ruleSet).nodes.find((n) => n.name === 'legal-emea');
    expect(node?.review).toEqual({
      owner: 'compliance@example.com',
      approvedBy: 'head@example.com',
      ticket: 'COMP-1 <b>"#x"</b>\nnext',
      reviewBy: '2026-12-31',
    });
    const mermaid = ruleSetToMermaid(ruleSet);
    expect(mermaid).toContain(
      'rule0["legal-emea<br/>owner compliance@example.com · approved by head@example.com · COMP-1 #lt;b#gt;#quot;#35;x#quot;#lt;/b#gt; next · review by 2026-12-31"]:::rule',
    );
    expect(
      buildRoutingGraph(ruleSet).nodes.find((n) => n.name === 'failures')?.review,
    ).toBeUndefined();
  });
});

describe('buildNotificationMatrix', () => {
  const ruleSet = parseRuleSet(RULES);
  const matrix = buildNotificationMatrix(ruleSet, { at: new Date('2026-11-30T10:00:00Z') });

  it('takes its vocabulary from the rules and region groups', () => {
    expect(matrix.documentTypes).toEqual(['legal-correspondence', '(other)', '(none)']);
    expect(matrix.regions).toEqual(['DE', 'UK', 'US', '(other)', '(none)']);
    expect(matrix.eventTypes).toEqual(['content.review_requested', 'delivery.failed', '(other)']);
    expect(matrix.otherFields).toEqual([{ ruleId: 'failures', fields: ['data.volume'] }]);
  });

  it('has exactly the expected cells', () => {
    const cells = matrix.rows.map((r) =>
      [
        r.documentType,
        r.region,
        r.eventType,
        r.template,
        r.channel,
        r.recipients.join('+'),
        r.rules.join('+'),
      ].join(' | '),
    );
    expect(cells).toEqual([
      'legal-correspondence | DE | content.review_requested | review | email | alice+bob | legal-emea',
      'legal-correspondence | UK | content.review_requested | review | email | alice+bob | legal-emea',
      'legal-correspondence | US | content.review_requested | review | email | us-desk | us-review',
      'legal-correspondence | (other) |  |  |  |  | ',
      'legal-correspondence | (none) |  |  |  |  | ',
      '(other) | DE |  |  |  |  | ',
      '(other) | UK |  |  |  |  | ',
      '(other) | US | content.review_requested | review | email | us-desk | us-review',
      '(other) | (other) |  |  |  |  | ',
      '(other) | (none) |  |  |  |  | ',
      '(none) | DE |  |  |  |  | ',
      '(none) | UK |  |  |  |  | ',
      '(none) | US | content.review_requested | review | email | us-desk | us-review',
      '(none) | (other) |  |  |  |  | ',
      '(none) | (none) |  |  |  |  | ',
    ]);
  });

  it('shows a rule on other fields where the representative event meets it', () => {
    const lenient = parseRuleSet(RULES.replace('lessThan: 100', 'notEqual: 100'));
    const rows = buildNotificationMatrix(lenient, { at: new Date('2026-11-30T10:00:00Z') }).rows;
    const failures = rows.filter((r) => r.rules.includes('failures'));
    expect(failures).toHaveLength(2 * 15);
    expect(new Set(failures.map((r) => r.channel))).toEqual(new Set(['email', 'sms']));
    expect(failures.find((r) => r.channel === 'sms')?.addresses).toEqual(['+441']);
  });

  it('renders Markdown and CSV that cannot break their tables or run as formulas', () => {
    const hostile = parseRuleSet(
      RULES.replace(
        'documentType: legal-correspondence',
        'documentType: "=HYPERLINK(\\"x\\")|a,b\\nc"',
      ),
    );
    const m = buildNotificationMatrix(hostile, { at: new Date('2026-11-30T10:00:00Z') });
    const csv = formatMatrixCsv(m);
    expect(csv.split('\r\n')[0]).toBe(
      'documentType,region,eventType,template,templateId,channel,recipients,addresses,rules,policy',
    );
    expect(csv).toContain(
      `"'=HYPERLINK(""x"")|a,b\nc",DE,content.review_requested,review,EXS-REVIEW,email,alice;bob,alice@example.com;bob@example.com,legal-emea,\r\n`,
    );
    const markdown = formatMatrixMarkdown(m);
    for (const line of markdown
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.includes('nobody'))) {
      expect(line.split(/(?<!\\)\|/).length - 2).toBe(7);
    }
    expect(markdown).toContain('- failures: data.volume');
  });

  it('leaves out values no event can carry instead of failing to route them', () => {
    const long = parseRuleSet(
      RULES.replace('documentType: legal-correspondence', `documentType: "${'x'.repeat(1500)}"`),
    );
    const m = buildNotificationMatrix(long, { at: new Date('2026-11-30T10:00:00Z') });
    expect(m.diagnostics).toEqual([]);
    expect(m.documentTypes).toEqual(['(other)', '(none)']);
  });

  it('refuses a vocabulary too large to route, and stays linear on a long in list', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `d${i}`).join(', ');
    const wide = parseRuleSet(
      RULES.replace('documentType: legal-correspondence', `documentType: [${values}]`).replace(
        'EMEA: [UK, DE]',
        `EMEA: [${Array.from({ length: 40 }, (_, i) => `R${i}`).join(', ')}]`,
      ),
    );
    const m = buildNotificationMatrix(wide, { at: new Date('2026-11-30T10:00:00Z') });
    expect(3 * 1002 * 43).toBeGreaterThan(MAX_MATRIX_EVENTS);
    expect(m.rows).toEqual([]);
    expect(m.diagnostics.map((d) => d.code)).toEqual(['EXR_MATRIX_TOO_LARGE']);
    const one = buildNotificationMatrix(wide, {
      at: new Date('2026-11-30T10:00:00Z'),
      types: ['delivery.failed'],
    });
    expect(one.diagnostics).toEqual([]);
    expect(one.rows.length).toBe(1002 * 43);
  });
});
