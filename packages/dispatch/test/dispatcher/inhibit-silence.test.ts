import { describe, expect, it } from 'vitest';
import { DispatchError } from '../../src/errors.js';
import { Bench, HOUR, MIN, T0 } from './harness.js';

const RULES = `policies:
  failures: { group: { by: [correlationId], wait: 5m } }
inhibit:
  - id: failed-batch-mutes-deliveries
    source: { type: batch.failed }
    target: { type: delivery.failed }
    equal: [correlationId]
    for: 6h
rules:
  - id: batch
    when: { type: batch.failed }
    notify: [{ to: [ops], template: alert }]
  - id: failed
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: digest, policy: failures }]
  - id: direct
    when: { type: delivery.failed, data.direct: true }
    notify: [{ to: [lead], template: alert }]
`;

describe('inhibition', () => {
  it('mutes targets with equal fields that arrive while the source is live', async () => {
    const b = new Bench(RULES);
    const source = await b.ingest(b.event({ type: 'batch.failed', correlationId: 'job-1' }));
    expect(source.verdicts[0]!.kind).toBe('sent');
    const muted = await b.ingest(b.event({ correlationId: 'job-1', data: { direct: true } }));
    expect(muted.verdicts.map((v) => v.kind)).toEqual(['inhibited', 'inhibited']);
    expect(muted.verdicts[0]).toMatchObject({
      inhibitId: 'failed-batch-mutes-deliveries',
      sourceEventId: 'exstream/test/e1',
    });
    expect(muted.outgoing).toEqual([]);
    // Another batch is not muted; neither is this one after `for`.
    expect((await b.ingest(b.event({ correlationId: 'job-2' }))).verdicts[0]!.kind).toBe('grouped');
    b.now = T0 + 6 * HOUR;
    expect((await b.ingest(b.event({ correlationId: 'job-1' }))).verdicts[0]!.kind).toBe('grouped');
  });

  it('counts a missing equal field as empty on both sides', async () => {
    const b = new Bench(RULES);
    await b.ingest(b.event({ type: 'batch.failed' }));
    expect((await b.ingest(b.event({}))).verdicts[0]!.kind).toBe('inhibited');
    expect((await b.ingest(b.event({ correlationId: 'x' }))).verdicts[0]!.kind).toBe('grouped');
  });

  it('is checked again when the target group flushes', async () => {
    const b = new Bench(RULES);
    await b.ingest(b.event({ correlationId: 'job-1', data: { ref: 'early' } }));
    await b.ingest(b.event({ correlationId: 'job-1', data: { ref: 'early2' } }));
    b.now += MIN;
    await b.ingest(b.event({ type: 'batch.failed', correlationId: 'job-1' }));
    expect(await b.run(10 * MIN)).toEqual([]);
  });

  it('an event matching both sides cannot be muted by another that matches both', async () => {
    const b = new Bench(`inhibit:
  - id: self
    source: { type: service.alert }
    target: { type: service.alert }
    equal: [correlationId]
    for: 1h
rules:
  - id: r
    when: { type: service.alert }
    notify: [{ to: [ops], template: alert }]
`);
    expect(
      (await b.ingest(b.event({ type: 'service.alert', correlationId: 'x' }))).verdicts[0]!.kind,
    ).toBe('sent');
    expect(
      (await b.ingest(b.event({ type: 'service.alert', correlationId: 'x' }))).verdicts[0]!.kind,
    ).toBe('sent');
  });

  it('survives a restart: a new dispatcher on the same store still mutes (Alertmanager #4064)', async () => {
    const b = new Bench(RULES);
    await b.ingest(b.event({ type: 'batch.failed', correlationId: 'job-1' }));
    const restarted = b.newDispatcher();
    expect((await b.ingest(b.event({ correlationId: 'job-1' }), restarted)).verdicts[0]!.kind).toBe(
      'inhibited',
    );
  });
});

describe('silences', () => {
  const request = (b: Bench, extra: Record<string, unknown> = {}) => ({
    when: { type: 'delivery.failed', correlationId: 'job-9' },
    endsAt: new Date(b.now + 2 * HOUR).toISOString(),
    createdBy: 'ops@example.com',
    comment: 'known outage at the mail provider',
    ...extra,
  });

  it('mutes matching notifications until it ends, and can be listed and ended early', async () => {
    const b = new Bench(RULES);
    const silence = await b.dispatcher.silence(request(b));
    expect(silence).toMatchObject({ status: 'active', createdBy: 'ops@example.com' });
    const muted = await b.ingest(b.event({ correlationId: 'job-9' }));
    expect(muted.verdicts[0]).toMatchObject({ kind: 'silenced', silenceId: silence.id });
    expect((await b.ingest(b.event({ correlationId: 'job-8' }))).verdicts[0]!.kind).toBe('grouped');
    expect((await b.dispatcher.listSilences()).map((s) => s.id)).toEqual([silence.id]);
    expect(await b.dispatcher.expireSilence(silence.id)).toBe(true);
    expect(await b.dispatcher.expireSilence(silence.id)).toBe(false);
    expect((await b.dispatcher.listSilences())[0]!.status).toBe('expired');
    expect((await b.ingest(b.event({ correlationId: 'job-9' }))).verdicts[0]!.kind).toBe('grouped');
  });

  it('applies a silence created by another instance, and a pending one only from its start', async () => {
    const b = new Bench(RULES);
    const other = b.newDispatcher();
    await other.silence(request(b, { startsAt: new Date(b.now + HOUR).toISOString() }));
    expect((await b.ingest(b.event({ correlationId: 'job-9' }))).verdicts[0]!.kind).toBe('grouped');
    b.now += HOUR;
    expect((await b.ingest(b.event({ correlationId: 'job-9' }))).verdicts[0]!.kind).toBe(
      'silenced',
    );
  });

  it('matches with the rule language, regions included', async () => {
    const b = new Bench(RULES);
    await b.dispatcher.silence(
      request(b, { when: { region: { within: 'EMEA' }, 'data.ref': ['a', 'b'] } }),
    );
    expect((await b.ingest(b.event({ region: 'DE', data: { ref: 'a' } }))).verdicts[0]!.kind).toBe(
      'silenced',
    );
    expect((await b.ingest(b.event({ region: 'US', data: { ref: 'a' } }))).verdicts[0]!.kind).toBe(
      'grouped',
    );
  });

  async function problems(b: Bench, body: unknown): Promise<string[]> {
    const error = await b.dispatcher.silence(body as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DispatchError);
    expect((error as DispatchError).code).toBe('EXR_DISPATCH_INVALID_SILENCE');
    return (error as DispatchError).diagnostics.map((d) => `${d.code}@${d.pointer ?? ''}`);
  }

  it('rejects bad requests with stable codes and pointers', async () => {
    const b = new Bench(RULES);
    expect(await problems(b, { ...request(b), endsAt: undefined })).toEqual([
      'EXR_SILENCE_END_REQUIRED@/endsAt',
    ]);
    expect(
      await problems(b, request(b, { endsAt: new Date(b.now + 31 * 24 * HOUR).toISOString() })),
    ).toEqual(['EXR_SILENCE_END_TOO_FAR@/endsAt']);
    expect(await problems(b, request(b, { endsAt: new Date(b.now - 1).toISOString() }))).toEqual([
      'EXR_SILENCE_END_IN_PAST@/endsAt',
    ]);
    expect(await problems(b, request(b, { endsAt: 'tomorrow' }))).toEqual([
      'EXR_SILENCE_TIME_INVALID@/endsAt',
    ]);
    expect(await problems(b, request(b, { createdBy: ' ', comment: 7 }))).toEqual([
      'EXR_SILENCE_CREATED_BY_REQUIRED@/createdBy',
      'EXR_SILENCE_COMMENT_REQUIRED@/comment',
    ]);
    expect(await problems(b, request(b, { when: {} }))).toEqual([
      'EXR_SILENCE_MATCHER_INVALID@/when',
    ]);
    expect(await problems(b, request(b, { when: [] }))).toEqual([
      'EXR_SILENCE_MATCHER_INVALID@/when',
    ]);
    const unknownOperator = await problems(b, request(b, { when: { type: { startsWit: 'x' } } }));
    expect(unknownOperator).toHaveLength(1);
    expect(
      unknownOperator[0]!.endsWith('@/when/type/startsWit') ||
        unknownOperator[0]!.endsWith('@/when/type'),
    ).toBe(true);
    expect(await problems(b, null)).toEqual(['EXR_DISPATCH_INVALID_SILENCE@']);
    expect(await b.dispatcher.listSilences()).toEqual([]);
  });

  it('survives hostile matchers: prototype keys, deep nesting, huge lists, long text', async () => {
    const b = new Bench(RULES);
    const proto = JSON.parse('{"__proto__": {"x": 1}, "type": "a"}') as object;
    expect(await problems(b, request(b, { when: proto }))).toEqual([
      'EXR_SILENCE_MATCHER_INVALID@/when',
    ]);
    let deep: Record<string, unknown> = { equal: 'x' };
    for (let i = 0; i < 10_000; i++) deep = { nested: deep };
    expect(await problems(b, request(b, { when: { 'data.x': deep } }))).toEqual([
      'EXR_SILENCE_MATCHER_INVALID@/when',
    ]);
    const huge = Array.from({ length: 100_000 }, (_, i) => `v${i}`);
    expect(await problems(b, request(b, { when: { 'data.x': huge } }))).toEqual([
      'EXR_SILENCE_MATCHER_INVALID@/when',
    ]);
    expect(await problems(b, request(b, { comment: 'x'.repeat(1_000_000) }))).toEqual([
      'EXR_SILENCE_TEXT_TOO_LONG@/comment',
    ]);
    expect(await problems(b, request(b, { endsAt: '9'.repeat(100_000) }))).toEqual([
      'EXR_SILENCE_TIME_INVALID@/endsAt',
    ]);
  });
});
