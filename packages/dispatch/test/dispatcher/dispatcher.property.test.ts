import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run, steps } from './scenario.js';

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
