// The audit record (issue #16 part 3): built records satisfy the shipped schema, bad lines give
// located diagnostics and never throw, the line splitter agrees with String#split, filters select
// exactly the crafted records they should.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createRouter, loadRuleSet, parseRuleSet } from '@exroute/core';
import type { NormalizedEvent } from '@exroute/core';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, createMemoryStore } from '../../src/index.js';
import {
  AUDIT_SCHEMA,
  auditRecordSchema,
  buildDecisionRecord,
  buildDeliveryRecord,
  createAuditFilter,
  parseAuditLine,
  readAuditFile,
  readAuditLines,
  splitLines,
} from '../../src/audit/index.js';
import type { AuditRecord, DecisionAuditRecord } from '../../src/audit/index.js';

const RULES = fileURLToPath(new URL('../../../../rules', import.meta.url));

const RULE_TEXT = `
apiVersion: exroute/v1
recipients:
  collections-uk: { email: [collections-uk@example.com] }
  compliance: { email: [compliance@example.com] }
templates:
  lapse: { id: EXS-LAPSE, channels: [email], subject: "Lapse {{ data.secretNote }}" }
rules:
  - id: lapse-to-collections
    when: { type: delivery.failed, region: UK, data.customer.tier: gold }
    notify: [{ to: [collections-uk], template: lapse }]
  - id: lapse-to-compliance
    conditions: { all: [{ fact: data, path: "$.amounts[0]", operator: greaterThan, value: 100 }] }
    notify: [{ to: [compliance], template: lapse }]
`;

function event(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    id: 'e-1',
    source: 'exstream/test',
    type: 'delivery.failed',
    time: '2026-03-03T09:00:00Z',
    region: 'UK',
    correlationId: 'job-7',
    data: {
      customerReference: 'CUST-42',
      customer: { tier: 'gold', name: 'A. Person' },
      amounts: [150, 3],
      secretNote: 'body text that must stay out',
    },
    ...overrides,
  };
}

async function decisionFor(e: NormalizedEvent, eventData?: 'referenced' | 'full' | 'none') {
  const ruleSet = parseRuleSet(RULE_TEXT, { filename: 'rules.yaml' });
  const decision = createRouter(ruleSet).route(e);
  const dispatcher = createDispatcher({ ruleSet, store: createMemoryStore() });
  const dispatched = await dispatcher.ingest(e, decision);
  return {
    ruleSet,
    dispatched,
    record: buildDecisionRecord({
      event: e,
      decision,
      verdicts: dispatched.verdicts,
      outgoing: dispatched.outgoing,
      at: new Date('2026-03-03T09:00:01Z'),
      ruleSet,
      instance: 'test-1',
      ...(eventData !== undefined ? { eventData } : {}),
    }),
  };
}

describe('audit record schema', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(auditRecordSchema());

  it('a decision record has rules with file:line, recipients, verdicts, and no message text', async () => {
    const { record } = await decisionFor(event());
    expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
    expect(record.schema).toBe(AUDIT_SCHEMA);
    expect(record.customerReference).toBe('CUST-42');
    expect(record.matched.map((m) => [m.ruleId, m.file, m.line])).toEqual([
      ['lapse-to-collections', 'rules.yaml', 9],
      ['lapse-to-compliance', 'rules.yaml', 12],
    ]);
    expect(record.notifications[0]!.recipients.map((r) => r.key).sort()).toEqual([
      'collections-uk',
      'compliance',
    ]);
    expect(record.verdicts.map((v) => v.kind)).toEqual(['sent']);
    // Only what the conditions read: the tier and the whole amounts array, not the name or the note.
    expect(record.event.data).toEqual({ customer: { tier: 'gold' }, amounts: [150, 3] });
    expect(JSON.stringify(record)).not.toContain('body text');
    expect(JSON.stringify(record)).not.toContain('A. Person');
  });

  it('eventData full and none keep the whole payload or nothing', async () => {
    expect((await decisionFor(event(), 'full')).record.event.data?.['secretNote']).toBeDefined();
    expect((await decisionFor(event(), 'none')).record.event.data).toBeUndefined();
  });

  it('the id is stable for one event and version, and differs between events', async () => {
    const a = (await decisionFor(event())).record;
    const b = (await decisionFor(event())).record;
    const c = (await decisionFor(event({ id: 'e-2' }))).record;
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(c.id);
  });

  it('carries invariant ids and requiredBy when the decision has them', async () => {
    const { record, dispatched } = await decisionFor(event());
    const decision = {
      eventId: 'e-1',
      ruleSetVersion: record.ruleSetVersion,
      matched: record.matched,
      invariants: ['compliance-sees-lapses'],
      notifications: [
        {
          template: 'lapse',
          templateId: 'EXS-LAPSE',
          channel: 'email',
          recipients: [{ key: 'compliance', address: 'compliance@example.com' }],
          params: {},
          ruleIds: [],
          requiredBy: ['compliance-sees-lapses'],
        },
      ],
    };
    const built = buildDecisionRecord({
      event: event(),
      decision,
      verdicts: dispatched.verdicts,
      outgoing: [],
      at: new Date(),
    });
    expect(validate(built), JSON.stringify(validate.errors)).toBe(true);
    expect(built.invariants).toEqual(['compliance-sees-lapses']);
    expect(built.notifications[0]!.requiredBy).toEqual(['compliance-sees-lapses']);
  });

  it('a delivery record names the key, the events and the job id', async () => {
    const { dispatched } = await decisionFor(event());
    const outgoing = dispatched.outgoing[0]!;
    const delivered = buildDeliveryRecord({
      outgoing,
      result: { outcome: 'delivered', jobId: 'job-123', attempts: 1 },
      at: new Date(),
      correlationId: 'job-7',
    });
    const failed = buildDeliveryRecord({
      outgoing,
      result: { outcome: 'dead-lettered', failure: 'EXR_DELIVERY_REJECTED', attempts: 3 },
      at: new Date(),
    });
    expect(validate(delivered), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(failed), JSON.stringify(validate.errors)).toBe(true);
    expect(delivered.eventIds).toEqual(['exstream/test/e-1']);
    expect(delivered.id).not.toBe(failed.id);
    // The schema is closed: a misspelt field is refused.
    expect(validate({ ...delivered, jobid: 'x' })).toBe(false);
  });

  it('records of the repository rules and sample events all satisfy the schema', async () => {
    const ruleSet = await loadRuleSet(RULES);
    const router = createRouter(ruleSet);
    const dispatcher = createDispatcher({ ruleSet, store: createMemoryStore() });
    const types = ['delivery.failed', 'batch.failed', 'content.review_requested'];
    for (let i = 0; i < 30; i++) {
      const e = event({
        id: `r-${i}`,
        type: types[i % 3]!,
        region: ['UK', 'DE', 'US'][i % 3]!,
        documentType: ['invoice', 'policy-change'][i % 2]!,
        priority: (['low', 'normal', 'high', 'critical'] as const)[i % 4]!,
      });
      const decision = router.route(e);
      const dispatched = await dispatcher.ingest(e, decision);
      const record = buildDecisionRecord({
        event: e,
        decision,
        verdicts: dispatched.verdicts,
        outgoing: dispatched.outgoing,
        at: new Date(),
        ruleSet,
      });
      expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

describe('reading audit lines', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exroute-audit-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('bad lines give located diagnostics with stable codes and never throw', async () => {
    const good = JSON.stringify((await decisionFor(event())).record);
    const lines = [
      good,
      good.slice(0, good.length / 2), // truncated by a crash
      '{"schema":"exroute/audit/v1","kind":"decision","__proto__":{"polluted":true}}',
      JSON.stringify({ ...JSON.parse(good), constructor: { prototype: 1 } }),
      '[1,2,3]',
      '{"schema":"exroute/audit/v9","kind":"decision"}',
      JSON.stringify({ ...JSON.parse(good), matched: 'everything' }),
      '['.repeat(100_000),
      'x'.repeat(200),
      '',
      good,
    ];
    const path = join(dir, 'hostile.jsonl');
    await writeFile(path, `${lines.join('\n')}\n`);
    const results = [];
    for await (const result of readAuditFile(path)) results.push(result);
    const codes = results.map((r) =>
      'record' in r ? `ok:${r.origin.line}` : `${r.diagnostic.code}:${r.diagnostic.line}`,
    );
    expect(codes).toEqual([
      'ok:1',
      'EXR_AUDIT_INVALID_JSON:2',
      'EXR_AUDIT_FORBIDDEN_KEY:3',
      'EXR_AUDIT_FORBIDDEN_KEY:4',
      'EXR_AUDIT_NOT_A_RECORD:5',
      'EXR_AUDIT_UNKNOWN_SCHEMA:6',
      'EXR_AUDIT_INVALID_RECORD:7',
      'EXR_AUDIT_INVALID_JSON:8',
      'EXR_AUDIT_INVALID_JSON:9',
      'ok:11',
    ]);
    for (const r of results) if ('diagnostic' in r) expect(r.diagnostic.file).toBe(path);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a huge line is skipped without being buffered, and the next line keeps its number', async () => {
    const good = JSON.stringify((await decisionFor(event())).record);
    const chunks = Readable.from(
      (function* () {
        yield Buffer.from(`${good}\n`);
        for (let i = 0; i < 64; i++) yield Buffer.alloc(64 * 1024, 0x61);
        yield Buffer.from(`\n${good}`);
      })(),
    );
    const results = [];
    for await (const r of readAuditLines(chunks, 'huge.jsonl', 1024 * 1024)) results.push(r);
    expect(results.map((r) => ('record' in r ? `ok:${r.origin.line}` : r.diagnostic.code))).toEqual(
      ['ok:1', 'EXR_AUDIT_LINE_TOO_LONG', 'ok:3'],
    );
  });

  it('an unreadable file is one diagnostic', async () => {
    const results = [];
    for await (const r of readAuditFile(join(dir, 'missing.jsonl'))) results.push(r);
    expect(results.map((r) => ('diagnostic' in r ? r.diagnostic.code : 'ok'))).toEqual([
      'EXR_AUDIT_UNREADABLE',
    ]);
  });

  it('splitLines agrees with String#split for any text and any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '\n', '{', '"') }), { maxLength: 30 }),
        async (pieces) => {
          const text = pieces.join('');
          const lines = [];
          for await (const item of splitLines(
            Readable.from(pieces.map((piece) => Buffer.from(piece))),
          ))
            if ('text' in item) lines.push([item.line, item.text]);
          const expected = text.split('\n').map((t, i) => [i + 1, t]);
          if (text.endsWith('\n') || text === '') expected.pop();
          expect(lines.filter(([, t]) => t !== '')).toEqual(expected.filter(([, t]) => t !== ''));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('parseAuditLine reports an unknown schema version at /schema', () => {
    const result = parseAuditLine('{"schema":1}', { file: 'a.jsonl', line: 7 });
    expect('diagnostic' in result && result.diagnostic).toMatchObject({
      code: 'EXR_AUDIT_UNKNOWN_SCHEMA',
      file: 'a.jsonl',
      line: 7,
      pointer: '/schema',
    });
  });
});

describe('filters on a crafted audit trail', () => {
  let records: AuditRecord[];
  beforeAll(async () => {
    const a = await decisionFor(event({ id: 'a', correlationId: 'job-1' }));
    const b = await decisionFor(
      event({
        id: 'b',
        correlationId: 'job-2',
        data: { customerReference: 'CUST-7', customer: { tier: 'silver' }, amounts: [500] },
      }),
    );
    const c = await decisionFor(
      event({ id: 'c', type: 'batch.completed', correlationId: 'job-2' }),
    );
    const at = (r: DecisionAuditRecord, time: string) => ({ ...r, at: time });
    const deliveryOf = (d: typeof a) =>
      buildDeliveryRecord({
        outgoing: d.dispatched.outgoing[0]!,
        result: { outcome: 'delivered', jobId: `job-of-${d.record.event.id}`, attempts: 1 },
        at: new Date('2026-03-03T12:00:00Z'),
      });
    records = [
      at(a.record, '2026-03-02T10:00:00Z'),
      at(b.record, '2026-03-03T10:00:00Z'),
      at(c.record, '2026-03-04T10:00:00Z'),
      deliveryOf(a),
      deliveryOf(b),
    ];
  });
  const select = (filter: Parameters<typeof createAuditFilter>[0]) => {
    const accepts = createAuditFilter(filter);
    return records
      .filter(accepts)
      .map((r) => (r.kind === 'decision' ? r.event.id : `delivery:${r.jobId ?? ''}`));
  };

  it('by event id (id or source/id)', () => {
    expect(select({ eventId: 'a' })).toEqual(['a', 'delivery:job-of-a']);
    expect(select({ eventId: 'exstream/test/b' })).toEqual(['b', 'delivery:job-of-b']);
  });
  it('by correlation id', () => {
    expect(select({ correlationId: 'job-2', kind: 'decision' })).toEqual(['b', 'c']);
  });
  it('by customer reference, with the linked delivery', () => {
    expect(select({ customerReference: 'CUST-7' })).toEqual(['b', 'delivery:job-of-b']);
  });
  it('by recipient key or address', () => {
    expect(select({ recipient: 'collections-uk', kind: 'decision' })).toEqual(['a']);
    expect(select({ recipient: 'compliance@example.com', kind: 'decision' })).toEqual([
      'a',
      'b',
      'c',
    ]);
  });
  it('by rule', () => {
    expect(select({ rule: 'lapse-to-collections' })).toEqual(['a', 'delivery:job-of-a']);
    expect(select({ rule: 'no-such-rule' })).toEqual([]);
  });
  it('by time range (since inclusive, until exclusive)', () => {
    expect(
      select({
        since: new Date('2026-03-03T00:00:00Z'),
        until: new Date('2026-03-04T10:00:00Z'),
      }),
    ).toEqual(['b', 'delivery:job-of-a', 'delivery:job-of-b']);
  });
});
