import { describe, expect, it } from 'vitest';
import { ExrouteError } from '@exroute/core';
import {
  NormalizationError,
  normalize,
  normalizeCloudEvent,
  normalizeDesignAssetChange,
  normalizeOrchestrationJob,
  normalizeTrackingEvent,
} from '@exroute/exstream';

function problems(run: () => unknown): { code: string; pointer: string | undefined }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NormalizationError);
    expect(error).toBeInstanceOf(ExrouteError);
    return (error as NormalizationError).diagnostics.map((d) => ({
      code: d.code,
      pointer: d.pointer,
    }));
  }
  throw new Error('expected a NormalizationError');
}

const tracking = (over: Record<string, unknown> = {}, expctr: Record<string, unknown> = {}) => ({
  expctr: {
    schemaType: 'Exstream-Generated',
    tenant: 't-1',
    eventId: 'e-1',
    eventDate: '2026-03-02T08:00:00Z',
    ...expctr,
  },
  exstreamJob: { communicationId: 'COMM-1', domain: 'uk-retail', status: 'success' },
  ...over,
});

const asset = (over: Record<string, unknown> = {}) => ({
  id: 'r-1',
  name: 'Policy Change Letter',
  type: 'exstrapplication',
  version: 3,
  state: 'REVIEW',
  previousState: 'DRAFT',
  lastModifiedDate: '2026-03-02T08:00:00Z',
  domain: 'uk-retail',
  ...over,
});

const job = (over: Record<string, unknown> = {}) => ({
  jobId: 'j-1',
  status: 'Completed',
  finish: '2026-03-02T08:00:00Z',
  ...over,
});

const cloudEvent = (over: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: 'c-1',
  source: '/svc',
  type: 'com.example.thing.happened',
  time: '2026-03-02T08:00:00Z',
  ...over,
});

describe('normalize reports what is wrong, with codes and JSON pointers', () => {
  it.each<[string, unknown, { code: string; pointer: string }[]]>([
    ['an unknown object', { hello: 'world' }, [{ code: 'EXR_UNKNOWN_SHAPE', pointer: '' }]],
    ['an array', [1, 2], [{ code: 'EXR_UNKNOWN_SHAPE', pointer: '' }]],
    ['null', null, [{ code: 'EXR_UNKNOWN_SHAPE', pointer: '' }]],
    ['a string', 'expctr', [{ code: 'EXR_UNKNOWN_SHAPE', pointer: '' }]],
    [
      'a __proto__ key',
      JSON.parse('{"expctr":{"tenant":"t","__proto__":{"polluted":1}}}'),
      [{ code: 'EXR_FORBIDDEN_KEY', pointer: '/expctr/__proto__' }],
    ],
    [
      'a constructor key deep in the manifest',
      tracking({ user: { a: [{ constructor: 1 }] } }),
      [{ code: 'EXR_FORBIDDEN_KEY', pointer: '/user/a/0/constructor' }],
    ],
    [
      'an unknown schemaType',
      tracking({}, { schemaType: 'Exstream-Email-BOUNCE' }),
      [{ code: 'EXR_UNKNOWN_SCHEMA_TYPE', pointer: '/expctr/schemaType' }],
    ],
    [
      'a foreign schemaType',
      tracking({}, { schemaType: 'Other-Generated' }),
      [{ code: 'EXR_UNKNOWN_SCHEMA_TYPE', pointer: '/expctr/schemaType' }],
    ],
    [
      'a missing tenant',
      tracking({}, { tenant: undefined }),
      [{ code: 'EXR_MISSING_FIELD', pointer: '/expctr/tenant' }],
    ],
    [
      'a numeric tenant',
      tracking({}, { tenant: 42 }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/expctr/tenant' }],
    ],
    [
      'a bad eventDate',
      tracking({}, { eventDate: '02/03/2026' }),
      [{ code: 'EXR_INVALID_TIME', pointer: '/expctr/eventDate' }],
    ],
    [
      'an impossible date',
      tracking({}, { eventDate: '2026-02-30T08:00:00Z' }),
      [{ code: 'EXR_INVALID_TIME', pointer: '/expctr/eventDate' }],
    ],
    [
      'no time at all',
      tracking({}, { eventDate: undefined }),
      [{ code: 'EXR_MISSING_FIELD', pointer: '/expctr/eventDate' }],
    ],
    [
      'both bodies',
      tracking({ exstreamEmailStatistics: { communicationId: 'x' } }),
      [{ code: 'EXR_AMBIGUOUS_SHAPE', pointer: '' }],
    ],
    [
      'no body',
      { expctr: tracking().expctr },
      [{ code: 'EXR_MISSING_FIELD', pointer: '/exstreamJob' }],
    ],
    [
      'a non-object user',
      tracking({ user: 'jo' }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/user' }],
    ],
    [
      'an invalid manifest priority',
      tracking({ user: { Priority: 'urgent' } }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/user/Priority' }],
    ],
    [
      'an unknown workflow state',
      asset({ state: 'PUBLISHED' }),
      [{ code: 'EXR_UNKNOWN_STATE', pointer: '/state' }],
    ],
    [
      'a move DAS does not allow',
      asset({ state: 'REVIEW', previousState: 'APPROVED' }),
      [{ code: 'EXR_UNSUPPORTED_TRANSITION', pointer: '/previousState' }],
    ],
    [
      'a draft without history',
      asset({ state: 'DRAFT', previousState: undefined }),
      [{ code: 'EXR_UNSUPPORTED_TRANSITION', pointer: '/state' }],
    ],
    [
      'an asset without a date',
      asset({ lastModifiedDate: undefined }),
      [{ code: 'EXR_MISSING_FIELD', pointer: '/lastModifiedDate' }],
    ],
    [
      'a fractional version',
      asset({ version: 2.5 }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/version' }],
    ],
    [
      'an unknown job status',
      job({ status: 'Exploded' }),
      [{ code: 'EXR_UNKNOWN_JOB_STATUS', pointer: '/status' }],
    ],
    [
      'a finished job without a time',
      job({ finish: undefined }),
      [{ code: 'EXR_MISSING_FIELD', pointer: '/finish' }],
    ],
    [
      'a negative document count',
      job({ documentsFailed: -1 }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/documentsFailed' }],
    ],
    [
      'an invalid job priority',
      job({ priority: 'asap' }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/priority' }],
    ],
    [
      'CloudEvents 0.3',
      cloudEvent({ specversion: '0.3' }),
      [{ code: 'EXR_UNSUPPORTED_SPECVERSION', pointer: '/specversion' }],
    ],
    [
      'a CloudEvent without time',
      cloudEvent({ time: undefined }),
      [{ code: 'EXR_MISSING_FIELD', pointer: '/time' }],
    ],
    [
      'a CloudEvent without source',
      cloudEvent({ source: '' }),
      [{ code: 'EXR_MISSING_FIELD', pointer: '/source' }],
    ],
    [
      'an upper-case attribute name',
      cloudEvent({ myExt: 'x' }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/myExt' }],
    ],
    [
      'an object extension value',
      cloudEvent({ myext: { a: 1 } }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/myext' }],
    ],
    [
      'a bad exroutepriority',
      cloudEvent({ exroutepriority: 'p1' }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/exroutepriority' }],
    ],
    [
      'non-object data of a known type',
      cloudEvent({ type: 'batch.failed', data: [1] }),
      [{ code: 'EXR_INVALID_FIELD', pointer: '/data' }],
    ],
  ])('%s', (_label, raw, expected) => {
    expect(problems(() => normalize(raw))).toEqual(expected);
  });

  it('reports every problem of one event at once', () => {
    const found = problems(() =>
      normalize(tracking({}, { tenant: undefined, eventDate: 'soon', schemaType: 'Nope' })),
    );
    expect(found.map((p) => p.code).sort()).toEqual([
      'EXR_INVALID_TIME',
      'EXR_MISSING_FIELD',
      'EXR_UNKNOWN_SCHEMA_TYPE',
    ]);
  });

  it('refuses payloads nested deeper than the limit', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(problems(() => normalize(tracking({ user: { deep } })))[0]!.code).toBe('EXR_TOO_DEEP');
  });

  it('reports every prototype key in document order, and the first too-deep object only', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 60; i++) deep = { next: deep };
    const raw = JSON.parse(
      `{"expctr":{"constructor":1},"user":{"deep":${JSON.stringify(deep)},"again":${JSON.stringify(deep)},"prototype":2},"__proto__":3}`,
    ) as unknown;
    const found = problems(() => normalize(raw)).map((d) => [d.code, d.pointer]);
    expect(found).toEqual([
      ['EXR_FORBIDDEN_KEY', '/expctr/constructor'],
      ['EXR_TOO_DEEP', `/user/deep${'/next'.repeat(46)}`],
      ['EXR_FORBIDDEN_KEY', '/user/prototype'],
      ['EXR_FORBIDDEN_KEY', '/__proto__'],
    ]);
  });

  it('per-shape functions refuse other shapes instead of guessing', () => {
    expect(problems(() => normalizeTrackingEvent(asset()))[0]!.code).toBe('EXR_MISSING_FIELD');
    expect(problems(() => normalizeDesignAssetChange(job()))[0]!.code).toBe('EXR_MISSING_FIELD');
    expect(problems(() => normalizeOrchestrationJob(cloudEvent()))[0]!.code).toBe(
      'EXR_MISSING_FIELD',
    );
    expect(problems(() => normalizeCloudEvent(tracking()))[0]!.code).toBe(
      'EXR_UNSUPPORTED_SPECVERSION',
    );
    expect(problems(() => normalizeTrackingEvent(7))[0]!.code).toBe('EXR_UNKNOWN_SHAPE');
  });

  it('leaves Object.prototype untouched', () => {
    expect(() => normalize(JSON.parse('{"__proto__":{"polluted":true},"jobId":"j"}'))).toThrow(
      NormalizationError,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
