import { describe, expect, it } from 'vitest';
import { createRouter, parseRuleSet } from '@exroute/core';
import type { ConditionTrace, Explanation, NormalizedEvent } from '@exroute/core';

const RULES = parseRuleSet(
  `
apiVersion: exroute/v1
regions:
  EMEA: [UK, DE]
  AMER: [US]
recipients:
  ops: { email: ops@example.com }
templates:
  alert: { id: EXS-ALERT, channels: [email] }
calendars:
  uk-office:
    timezone: Europe/London
    days: [mon, tue, wed, thu, fri]
    hours: ["09:00-17:30"]
  ny-office:
    timezone: America/New_York
    days: [mon, tue, wed, thu, fri]
    hours: ["09:00-17:00"]
regionCalendars:
  EMEA: uk-office
  US: ny-office
rules:
  - id: uk-hours
    conditions: { fact: $now, operator: withinBusinessHours, value: uk-office }
    notify: [{ to: [ops], template: alert }]
  - id: own-region-closed
    when: { type: delivery.failed }
    conditions: { fact: $now, operator: outsideBusinessHours, value: { fact: region } }
    notify: [{ to: [ops], template: alert }]
  - id: night-in-new-york
    conditions:
      fact: time
      operator: timeBetween
      value: { from: "22:00", to: "06:00", calendar: ny-office }
    notify: [{ to: [ops], template: alert }]
  - id: uk-weekend
    conditions: { fact: $now, operator: "not:dayOfWeek", value: { days: [sat, sun], calendar: UK } }
    notify: [{ to: [ops], template: alert }]
  - id: swapped
    conditions:
      fact: region
      operator: "swap:withinBusinessHours"
      value: "2026-03-30T08:30:00Z"
    notify: [{ to: [ops], template: alert }]
`,
  { filename: 'time-notes.yaml' },
);

function event(fields: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    id: 'e-1',
    source: 'exstream/test',
    type: 'delivery.failed',
    time: '2026-03-02T10:15:00Z',
    region: 'UK',
    data: {},
    ...fields,
  };
}

function explainAt(instant: string, fields: Partial<NormalizedEvent> = {}): Explanation {
  return createRouter(RULES, { clock: () => new Date(instant) }).explain(event(fields));
}

function leaves(trace: ConditionTrace | undefined): ConditionTrace[] {
  if (trace === undefined) return [];
  if (trace.kind === 'leaf') return [trace];
  return (trace.children ?? []).flatMap(leaves);
}

/** The one time-operator leaf of a rule. */
function timeLeaf(explanation: Explanation, ruleId: string): ConditionTrace {
  const rule = explanation.rules.find((r) => r.ruleId === ruleId);
  const found = leaves(rule?.condition).filter((leaf) => leaf.fact !== 'type');
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('explain notes on time conditions', () => {
  it.each([
    // Spring forward in London, 2026-03-29 01:00 UTC: GMT before, BST after.
    ['2026-03-29T00:30:00Z', '2026-03-29 00:30 +00:00 Europe/London'],
    ['2026-03-29T01:30:00Z', '2026-03-29 02:30 +01:00 Europe/London'],
    // Fall back, 2026-10-25 01:00 UTC: 01:30 local happens twice, told apart by the offset.
    ['2026-10-25T00:30:00Z', '2026-10-25 01:30 +01:00 Europe/London'],
    ['2026-10-25T01:30:00Z', '2026-10-25 01:30 +00:00 Europe/London'],
  ])('a named calendar at %s reads %s', (clock, local) => {
    const explanation = explainAt(clock);
    expect(explanation.now).toBe(new Date(clock).toISOString());
    const leaf = timeLeaf(explanation, 'uk-hours');
    expect(leaf.actual).toBe(explanation.now);
    expect(leaf.note).toContain(local);
    expect(leaf.note).toContain('uk-office');
  });

  it.each([
    // America/New_York springs forward 2026-03-08 07:00 UTC (02:00 EST → 03:00 EDT).
    ['2026-03-08T06:30:00Z', 'US', '2026-03-08 01:30 -05:00 America/New_York', 'ny-office'],
    ['2026-03-08T07:30:00Z', 'US', '2026-03-08 03:30 -04:00 America/New_York', 'ny-office'],
    // DE has no entry of its own: its group EMEA supplies uk-office.
    ['2026-03-29T00:30:00Z', 'DE', '2026-03-29 00:30 +00:00 Europe/London', 'uk-office'],
    ['2026-03-29T01:30:00Z', 'DE', '2026-03-29 02:30 +01:00 Europe/London', 'uk-office'],
  ])('value { fact: region } at %s in %s reads %s', (clock, region, local, calendar) => {
    const leaf = timeLeaf(explainAt(clock, { region }), 'own-region-closed');
    expect(leaf.expected).toBe(region);
    expect(leaf.note).toContain(local);
    expect(leaf.note).toContain(calendar);
  });

  it('notes the group a region took its calendar from', () => {
    const leaf = timeLeaf(explainAt('2026-03-29T01:30:00Z', { region: 'DE' }), 'own-region-closed');
    expect(leaf.note).toContain('EMEA');
  });

  it.each([
    // New York falls back 2026-11-01 06:00 UTC: 01:30 local twice.
    ['2026-11-01T05:30:00Z', '2026-11-01 01:30 -04:00 America/New_York'],
    ['2026-11-01T06:30:00Z', '2026-11-01 01:30 -05:00 America/New_York'],
  ])('timeBetween on the event time %s reads %s, not the clock', (time, local) => {
    const leaf = timeLeaf(explainAt('2026-06-01T12:00:00Z', { time }), 'night-in-new-york');
    expect(leaf.result).toBe(true);
    expect(leaf.note).toContain(local);
    expect(leaf.note).toContain('ny-office');
  });

  it('a decorated dayOfWeek notes the calendar its region names', () => {
    const leaf = timeLeaf(explainAt('2026-03-29T01:30:00Z'), 'uk-weekend');
    expect(leaf.result).toBe(false);
    expect(leaf.note).toContain('2026-03-29 02:30 +01:00 Europe/London');
    expect(leaf.note).toContain('uk-office');
  });

  it('swap: notes the operands the operator really compared', () => {
    const leaf = timeLeaf(explainAt('2026-06-01T12:00:00Z', { region: 'US' }), 'swapped');
    expect(leaf.note).toContain('2026-03-30 04:30 -04:00 America/New_York');
    expect(leaf.note).toContain('ny-office');
  });

  it('leaves other conditions without a note', () => {
    const explanation = explainAt('2026-03-29T01:30:00Z');
    const rule = explanation.rules.find((r) => r.ruleId === 'own-region-closed');
    const typeLeaf = leaves(rule?.condition).find((leaf) => leaf.fact === 'type');
    expect(typeLeaf).toBeDefined();
    expect(typeLeaf).not.toHaveProperty('note');
  });

  it('agrees with route at the same clock', () => {
    const clock = () => new Date('2026-10-25T01:30:00Z');
    const router = createRouter(RULES, { clock });
    const input = event({ region: 'US' });
    expect(router.explain(input).decision).toEqual(router.route(input));
  });
});
