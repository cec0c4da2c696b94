import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRouter, parseRuleSet, validateEvent } from '@exroute/core';
import { loadMapping, normalize, toCloudEvent, normalizeCloudEvent } from '@exroute/exstream';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const cases = readdirSync(fixturesDir).filter((name) =>
  statSync(`${fixturesDir}${name}`).isDirectory(),
);
const mapping = await loadMapping(`${fixturesDir}mapping.yaml`);
const read = (name: string, file: string): unknown =>
  JSON.parse(readFileSync(`${fixturesDir}${name}/${file}`, 'utf8'));
// Folders named default-* run without a mapping file, to pin the built-in defaults.
const optionsFor = (name: string) => (name.startsWith('default-') ? {} : { mapping });

describe('fixture pairs: raw → expected NormalizedEvent', () => {
  it('covers every raw shape', () => {
    const prefixes = new Set(cases.map((name) => name.split('-')[0]));
    expect([...prefixes].sort()).toEqual(['asset', 'cloudevent', 'default', 'job', 'tracking']);
  });

  for (const name of cases) {
    it(name, () => {
      const event = normalize(read(name, 'raw.json'), optionsFor(name));
      expect(event).toEqual(read(name, 'expected.json'));
      expect(validateEvent(event)).toEqual([]);
    });

    it(`${name}: same raw event, same id and source`, () => {
      const first = normalize(read(name, 'raw.json'), optionsFor(name));
      const again = normalize(read(name, 'raw.json'), optionsFor(name));
      expect([again.id, again.source]).toEqual([first.id, first.source]);
    });

    it(`${name}: survives toCloudEvent and back`, () => {
      const event = normalize(read(name, 'raw.json'), optionsFor(name));
      expect(normalizeCloudEvent(JSON.parse(JSON.stringify(toCloudEvent(event))))).toEqual(event);
    });
  }
});

describe('normalized events route with the core router', () => {
  const ruleSet = parseRuleSet(
    [
      'apiVersion: exroute/v1',
      'recipients:',
      '  collections-uk: { email: collections-uk@example.com }',
      '  compliance: { email: compliance@example.com }',
      '  ops: { email: ops@example.com }',
      'templates:',
      '  failed: { id: EXS-FAILED, channels: [email] }',
      '  review: { id: EXS-REVIEW, channels: [email] }',
      '  batch: { id: EXS-BATCH, channels: [email] }',
      'rules:',
      '  - id: overdue-delivery-failed-uk',
      '    when: { type: delivery.failed, documentType: overdue-payment-reminder, region: UK, data.nextAction: resend-via-alternate-channel }',
      '    notify: [{ to: [collections-uk], template: failed }]',
      '  - id: policy-review',
      '    when: { type: content.review_requested, documentType: policy-change, data.resource.kind: template }',
      '    notify: [{ to: [compliance], template: review }]',
      '  - id: batch-with-errors',
      '    when: { type: batch.completed, data.completionStatus: completed-with-errors, data.volumeFailed: { greaterThan: 10 } }',
      '    notify: [{ to: [ops], template: batch }]',
    ].join('\n'),
    { filename: 'inline.yaml' },
  );
  const router = createRouter(ruleSet, { clock: () => new Date('2026-03-02T12:00:00Z') });

  it.each([
    ['tracking-email-ndlv', ['overdue-delivery-failed-uk']],
    ['asset-review-requested', ['policy-review']],
    ['job-completed-with-errors', ['batch-with-errors']],
    ['tracking-generated', []],
  ])('%s matches %j', (name, expected) => {
    const decision = router.route(normalize(read(name, 'raw.json'), { mapping }));
    expect(decision.matched.map((m) => m.ruleId)).toEqual(expected);
  });
});
