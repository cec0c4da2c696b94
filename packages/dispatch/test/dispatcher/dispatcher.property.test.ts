import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Outgoing } from '../../src/types.js';
import { crashSteps, run, steps } from './scenario.js';
import type { Step } from './scenario.js';

describe('dispatcher properties', () => {
  it('every grouped event is in exactly one flush; no flush reports more items than were ingested', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (list) => {
        const { verdicts, outgoing } = await run(list, 1);
        const grouped = new Set(verdicts.filter((v) => v.kind === 'grouped').map((v) => v.eventId));
        const flushed = outgoing
          .filter((o) => o.reason === 'group-flush')
          .flatMap((o) => o.eventIds);
        expect(flushed.length).toBe(new Set(flushed).size);
        for (const id of flushed) expect(grouped.has(id)).toBe(true);
        // Without inhibit sources nothing is muted at flush: every grouped event is sent.
        if (!verdicts.some((v) => v.template === 'alert' && v.policy === 'once')) {
          expect(new Set(flushed)).toEqual(grouped);
        }
        for (const o of outgoing) {
          if (o.digest !== undefined) expect(o.digest.count).toBe(o.eventIds.length);
          if (o.reason === 'group-flush') expect(o.digest!.count).toBeLessThanOrEqual(grouped.size);
        }
        const throttled = new Set(
          verdicts.filter((v) => v.kind === 'throttled').map((v) => v.eventId),
        );
        const reported = outgoing.reduce((n, o) => n + (o.digest?.dropped ?? 0), 0);
        expect(reported).toBeLessThanOrEqual(throttled.size);
        // A key names one message: a replayed event may hand it out again, identical.
        const byKey = new Map<string, unknown>();
        for (const o of outgoing) {
          if (byKey.has(o.key)) expect(o).toEqual(byKey.get(o.key));
          byKey.set(o.key, o);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('tick(persist) without crashes hands out exactly what tick() does', async () => {
    await fc.assert(
      fc.asyncProperty(steps, fc.integer({ min: 1, max: 3 }), async (list, instances) => {
        const auto = await run(list, 1);
        const confirmed = await run(list, instances, undefined, { persist: true });
        expect(confirmed).toEqual(auto);
      }),
      { numRuns: 40 },
    );
  });

  it('with ticks crashing between claim and persist, nothing is lost or counted twice, and a key always carries the same message', async () => {
    await fc.assert(
      fc.asyncProperty(crashSteps, fc.integer({ min: 1, max: 3 }), async (list, instances) => {
        const { verdicts, outgoing } = await run(list, instances, undefined, { persist: true });
        // A de-duplicating receiver: the first message per key; a repeat must be identical.
        const byKey = new Map<string, Outgoing>();
        for (const o of outgoing) {
          const known = byKey.get(o.key);
          if (known !== undefined) expect(o).toEqual(known);
          else byKey.set(o.key, o);
        }
        const received = [...byKey.values()];
        const flushed = received
          .filter((o) => o.reason === 'group-flush')
          .flatMap((o) => o.eventIds);
        expect(flushed.length).toBe(new Set(flushed).size);
        const grouped = new Set(verdicts.filter((v) => v.kind === 'grouped').map((v) => v.eventId));
        for (const id of flushed) expect(grouped.has(id)).toBe(true);
        if (!verdicts.some((v) => v.template === 'alert' && v.policy === 'once')) {
          expect(new Set(flushed)).toEqual(grouped);
        }
        // Every escalation step and deferred send the crash-free run sends is received too.
        const clean = await run(
          list.filter((s): s is Exclude<Step, { op: 'crash' }> => s.op !== 'crash'),
          1,
        );
        const keys = new Set(byKey.keys());
        for (const o of clean.outgoing) {
          if (o.reason === 'escalation' || o.reason === 'deferred' || o.reason === 'immediate') {
            expect(keys.has(o.key)).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the outcome does not depend on how many instances share the store', async () => {
    await fc.assert(
      fc.asyncProperty(steps, fc.integer({ min: 2, max: 4 }), async (list, instances) => {
        const one = await run(list, 1);
        const many = await run(list, instances);
        expect(many.verdicts).toEqual(one.verdicts);
        expect(many.outgoing).toEqual(one.outgoing);
      }),
      { numRuns: 50 },
    );
  });
});
