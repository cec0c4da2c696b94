import { describe, expect, it } from 'vitest';
import { validateEvent } from '@exroute/core';

const valid = {
  id: 'evt-1',
  source: 'exstream/acme-prod',
  type: 'delivery.failed',
  time: '2026-11-28T09:30:00.123+01:00',
  priority: 'high',
  region: 'NO',
  data: { job: { id: 7 } },
};

const pointersAndCodes = (event: unknown) => validateEvent(event).map((d) => [d.code, d.pointer]);

describe('validateEvent', () => {
  it('accepts a valid event', () => {
    expect(validateEvent(valid)).toEqual([]);
    expect(validateEvent({ ...valid, time: '2026-02-28T23:59:60Z', data: {} })).toEqual([]);
  });

  it('reports a missing required field with a pointer to it', () => {
    const { data: _data, ...withoutData } = valid;
    expect(pointersAndCodes(withoutData)).toEqual([['EXR_EVENT_MISSING_FIELD', '/data']]);
  });

  it('reports an unknown top-level field', () => {
    expect(pointersAndCodes({ ...valid, volume: 3 })).toEqual([
      ['EXR_EVENT_UNKNOWN_FIELD', '/volume'],
    ]);
  });

  it.each([
    ['time', 'yesterday'],
    ['time', '2026-02-30T10:00:00Z'],
    ['time', '2026-01-01 10:00:00'],
    ['priority', 'urgent'],
    ['type', 'Delivery Failed'],
    ['data', []],
    ['id', ''],
    ['region', 7],
  ])('reports an invalid %s (%j)', (field, value) => {
    expect(pointersAndCodes({ ...valid, [field]: value })).toEqual([
      ['EXR_EVENT_INVALID_FIELD', `/${field}`],
    ]);
  });

  it('reports a non-object event at the root pointer', () => {
    expect(pointersAndCodes('event')).toEqual([['EXR_EVENT_INVALID_FIELD', '']]);
    expect(pointersAndCodes(null)).toEqual([['EXR_EVENT_INVALID_FIELD', '']]);
  });

  it('rejects __proto__, constructor and prototype keys anywhere, with pointers', () => {
    const hostile = JSON.parse(
      '{"id":"e","source":"s","type":"a.b","time":"2026-01-01T00:00:00Z","data":{"x":[{"__proto__":{"polluted":true}}],"constructor":1}}',
    ) as unknown;
    expect(pointersAndCodes(hostile)).toEqual([
      ['EXR_EVENT_FORBIDDEN_KEY', '/data/x/0/__proto__'],
      ['EXR_EVENT_FORBIDDEN_KEY', '/data/constructor'],
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('bounds depth, including circular data', () => {
    let deep: Record<string, unknown> = {};
    const data = deep;
    for (let i = 0; i < 100; i++) {
      const next = {};
      deep['x'] = next;
      deep = next;
    }
    expect(pointersAndCodes({ ...valid, data })).toEqual([['EXR_EVENT_TOO_DEEP', '']]);
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(pointersAndCodes({ ...valid, data: circular })).toEqual([['EXR_EVENT_TOO_DEEP', '']]);
  });

  it('bounds size', () => {
    const data = { values: Array.from({ length: 100_001 }, (_, i) => i) };
    expect(pointersAndCodes({ ...valid, data })).toEqual([['EXR_EVENT_TOO_LARGE', '']]);
  });
});
