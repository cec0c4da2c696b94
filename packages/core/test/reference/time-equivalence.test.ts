/**
 * Issue 6: the compiled router and the json-rules-engine reference stay in agreement with the
 * time operators, `effective`, `due` and `deferUntil` — on clocks and event times chosen around
 * the spring and autumn changes in London and New York, midnight and 29 February.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReferenceRouter, createRouter, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';

const INSTANTS = [
  '2026-03-27T16:45:00Z', // Fri, London GMT near closing
  '2026-03-29T00:30:00Z', // London spring change night (GMT)
  '2026-03-29T01:30:00Z', // … just after (BST)
  '2026-03-30T08:30:00Z', // Mon 09:30 BST
  '2026-10-25T00:30:00Z', // London autumn change (first 01:30 BST)
  '2026-10-25T01:30:00Z', // … second 01:30 (GMT)
  '2026-03-08T06:30:00Z', // New York spring change (01:30 EST)
  '2026-03-08T07:30:00Z', // … 03:30 EDT
  '2026-11-01T05:30:00Z', // New York autumn change (01:30 EDT)
  '2026-11-01T06:30:00Z', // … 01:30 EST
  '2026-12-24T22:59:00Z', // Christmas Eve, before a holiday
  '2028-02-29T12:00:00Z', // leap day (a holiday in uk-office)
  '2028-02-28T23:59:59Z',
];

const dateFact = fc.constantFrom('$now', 'time', 'data.dueDate');
const calendarRef = fc.constantFrom('uk-office', 'ny-office', 'UK', 'US', 'EMEA', 'DE', 'JP');
const clock = fc.constantFrom('00:00', '01:30', '06:00', '09:00', '17:30', '22:00', '24:00');
const weekday = fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
const decorator = fc.constantFrom('', 'not:');

const leaf = fc.oneof(
  fc.record({
    fact: dateFact,
    operator: fc.constantFrom('withinBusinessHours', 'outsideBusinessHours'),
    value: fc.oneof(calendarRef, fc.constant({ fact: 'region' })),
    decorator,
  }),
  fc.record({
    fact: dateFact,
    operator: fc.constant('timeBetween'),
    value: fc
      .record({ from: clock, to: clock, calendar: fc.option(calendarRef, { nil: undefined }) })
      .filter((w) => w.from !== w.to && !(w.from === '00:00' && w.to === '24:00'))
      .filter((w) => w.from !== '24:00')
      .map((w) => (w.calendar === undefined ? { from: w.from, to: w.to } : w)),
    decorator,
  }),
  fc.record({
    fact: dateFact,
    operator: fc.constant('dayOfWeek'),
    value: fc.oneof(
      fc.uniqueArray(weekday, { minLength: 1, maxLength: 3 }),
      fc.record({
        days: fc.uniqueArray(weekday, { minLength: 1, maxLength: 3 }),
        calendar: calendarRef,
      }),
    ),
    decorator,
  }),
  fc.record({
    fact: dateFact,
    operator: fc.constantFrom('before', 'after'),
    value: fc.oneof(fc.constantFrom(...INSTANTS, '2028-02-29'), fc.constant({ fact: '$now' })),
    decorator,
  }),
);

function toCondition(l: { fact: string; operator: string; value: unknown; decorator: string }) {
  const [fact, ...path] = l.fact.split('.');
  return {
    fact,
    ...(path.length > 0 ? { path: `$.${path.join('.')}` } : {}),
    operator: `${l.decorator}${l.operator}`,
    value: l.value,
  };
}

const rule = fc.record({
  leaves: fc.array(leaf, { minLength: 1, maxLength: 3 }),
  any: fc.boolean(),
  effective: fc.option(
    fc.record({
      from: fc.constantFrom('2026-03-29', '2026-11-01'),
      until: fc.constantFrom('2026-12-31', '2028-02-29'),
    }),
    { nil: undefined },
  ),
  due: fc.option(
    fc.oneof(
      fc.record({ hours: fc.constantFrom(1, 24) }),
      fc.record({ businessHours: fc.constantFrom(1, 8.5) }),
      fc.record({ businessDays: fc.constantFrom(1, 2) }),
    ),
    { nil: undefined },
  ),
  defer: fc.boolean(),
  template: fc.constantFrom('alert', 'review'),
});

const ruleFile = fc.array(rule, { minLength: 1, maxLength: 5 }).map((rules) => ({
  apiVersion: 'exroute/v1',
  regions: { EMEA: ['UK', 'DE'], AMER: ['US'], APAC: ['JP'] },
  recipients: { ops: { email: 'ops@example.com' } },
  templates: {
    alert: { id: 'EXS-ALERT', channels: ['email'] },
    review: { id: 'EXS-REVIEW', channels: ['email'] },
  },
  calendars: {
    'uk-office': {
      timezone: 'Europe/London',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      hours: ['09:00-12:30', '13:30-17:30'],
      holidays: ['2026-12-25', '2026-12-28', '2028-02-29'],
    },
    'ny-office': {
      timezone: 'America/New_York',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
      hours: ['00:00-03:00', '08:00-24:00'],
    },
  },
  regionCalendars: { EMEA: 'uk-office', US: 'ny-office' },
  rules: rules.map((r, i) => ({
    id: `rule-${i}`,
    conditions: { [r.any ? 'any' : 'all']: r.leaves.map(toCondition) },
    ...(r.effective !== undefined ? { effective: r.effective } : {}),
    notify: [
      {
        to: ['ops'],
        template: r.template,
        ...(r.due !== undefined ? { due: r.due } : {}),
        ...(r.defer ? { deferUntil: 'businessHours' } : {}),
      },
    ],
  })),
}));

const event: fc.Arbitrary<NormalizedEvent> = fc
  .record({
    time: fc.constantFrom(...INSTANTS),
    region: fc.option(fc.constantFrom('UK', 'DE', 'US', 'JP', 'EMEA'), { nil: undefined }),
    priority: fc.constantFrom<'normal' | 'critical'>('normal', 'critical'),
    // Dates without an offset and non-dates are false for every time operator, in both routers.
    dueDate: fc.option(fc.constantFrom(...INSTANTS, '2028-02-29', '2026-03-29T01:30:00', 'soon'), {
      nil: undefined,
    }),
  })
  .map((f) => ({
    id: 'e-1',
    source: 'exstream/test',
    type: 'delivery.failed',
    time: f.time,
    priority: f.priority,
    ...(f.region !== undefined ? { region: f.region } : {}),
    data: f.dueDate !== undefined ? { dueDate: f.dueDate } : {},
  }));

describe('compiled router ≡ json-rules-engine reference, with time', () => {
  it('agrees on matches, dueAt and sendAt around DST changes, midnight and 29 February', async () => {
    let matched = 0;
    let unmatched = 0;
    let timed = 0;
    const property = fc.asyncProperty(
      ruleFile,
      fc.array(event, { minLength: 1, maxLength: 4 }),
      fc.constantFrom(...INSTANTS).map((iso) => new Date(iso)),
      async (file, events, now) => {
        const ruleSet = parseRuleSet(JSON.stringify(file), { filename: 'time.yaml' });
        const clock = (): Date => now;
        const router = createRouter(ruleSet, { clock });
        const reference = createReferenceRouter(ruleSet, { clock });
        for (const e of events) {
          const compiled = router.route(e);
          expect(compiled).toEqual(await reference.route(e));
          if (compiled.matched.length > 0) matched++;
          else unmatched++;
          if (compiled.notifications.some((n) => n.dueAt !== undefined || n.sendAt !== undefined)) {
            timed++;
          }
        }
      },
    );
    await fc.assert(property, { numRuns: 300 });
    expect(matched).toBeGreaterThan(100);
    expect(unmatched).toBeGreaterThan(100);
    expect(timed).toBeGreaterThan(50);
  }, 180_000);
});
