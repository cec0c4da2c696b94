import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/dispatcher.js';
import { DispatchError } from '../../src/errors.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { Bench } from './harness.js';

const RULES = `rules:
  - id: r
    when: { type: delivery.failed }
    notify: [{ to: [cs], template: alert }]
`;

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DispatchError);
  return (error as DispatchError).code;
}

describe('bad input never crashes the dispatcher', () => {
  it('rejects an event and decision that do not belong together, or are not what they claim', async () => {
    const b = new Bench(RULES);
    const event = b.event({});
    const decision = { eventId: 'other', ruleSetVersion: 'x', matched: [], notifications: [] };
    expect(await codeOf(b.dispatcher.ingest(event, decision))).toBe('EXR_DISPATCH_INVALID_INPUT');
    for (const bad of [null, 42, 'x', [], { id: 1 }]) {
      expect(await codeOf(b.dispatcher.ingest(bad as never, decision))).toBe(
        'EXR_DISPATCH_INVALID_INPUT',
      );
      expect(await codeOf(b.dispatcher.ingest(event, bad as never))).toBe(
        'EXR_DISPATCH_INVALID_INPUT',
      );
    }
  });

  it('handles events with odd fields: prototype keys, long values, unknown policies', async () => {
    const b = new Bench(RULES);
    const event = b.event({
      data: JSON.parse('{"__proto__": {"polluted": 1}, "ref": "x"}') as Record<string, unknown>,
      correlationId: 'c'.repeat(100_000),
    });
    const decision = {
      eventId: event.id,
      ruleSetVersion: b.ruleSet.version,
      matched: [],
      notifications: [
        {
          template: 'alert',
          templateId: 'T',
          channel: 'email',
          recipients: [],
          params: {},
          ruleIds: [],
          policy: 'no-such-policy',
          escalate: ['no-such'],
        },
      ],
    };
    const r = await b.dispatcher.ingest(event, decision);
    expect(r.verdicts[0]!.kind).toBe('sent');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects bad options with EXR_DISPATCH_INVALID_OPTIONS', () => {
    const b = new Bench(RULES);
    const store = createMemoryStore();
    for (const options of [
      null,
      {},
      { ruleSet: b.ruleSet },
      { ruleSet: b.ruleSet, store: {} },
      { ruleSet: b.ruleSet, store, clock: 5 },
      { ruleSet: b.ruleSet, store, leaseMs: -1 },
      { ruleSet: b.ruleSet, store, tickBatch: 1.5 },
    ]) {
      let code: string | undefined;
      try {
        createDispatcher(options as never);
      } catch (error) {
        code = (error as DispatchError).code;
      }
      expect(code).toBe('EXR_DISPATCH_INVALID_OPTIONS');
    }
  });

  it('reports a clock that returns nonsense, and a closed store, with codes', async () => {
    const b = new Bench(RULES);
    const broken = createDispatcher({
      ruleSet: b.ruleSet,
      store: b.store,
      clock: () => new Date(NaN),
    });
    expect(await codeOf(broken.tick())).toBe('EXR_DISPATCH_INVALID_OPTIONS');
    await b.store.close();
    expect(await codeOf(b.ingest(b.event({})))).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
    expect(await codeOf(b.dispatcher.tick())).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
    expect(await codeOf(b.dispatcher.listSilences())).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
  });
});
