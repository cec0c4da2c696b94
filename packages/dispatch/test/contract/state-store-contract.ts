/**
 * The StateStore contract as a test suite: every store (memory, Redis) runs exactly these
 * tests, so "same semantics" is checked, not hoped for. Call `describeStateStoreContract`
 * from a test file with a factory that returns a fresh, empty, isolated store.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DispatchError } from '../../src/errors.js';
import type { GroupItem, GroupTiming, StateStore } from '../../src/store/state-store.js';

/** Makes a fresh, empty store; `cleanup` runs after each test (close connections, …). */
export type StateStoreFactory = () => Promise<StateStore>;

const T0 = Date.UTC(2027, 0, 4, 9, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

const timing: GroupTiming = {
  waitMs: 2 * MIN,
  intervalMs: 15 * MIN,
  repeatMs: 4 * HOUR,
  closeMs: 24 * HOUR,
  sendFirst: false,
};

function item(eventId: string, at = T0, line = `line ${eventId}`): GroupItem {
  return { eventId, at, line, dropped: 0, inhibitScopes: [] };
}

/** Registers the contract tests for one store implementation. */
export function describeStateStoreContract(
  name: string,
  factory: StateStoreFactory,
  options: { timeoutMs?: number } = {},
): void {
  const timeout = options.timeoutMs ?? 20_000;
  describe(`StateStore contract: ${name}`, { timeout }, () => {
    const opened: StateStore[] = [];
    async function store(): Promise<StateStore> {
      const s = await factory();
      opened.push(s);
      return s;
    }
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('dedupCheck', () => {
      it('lets the first member hold the key and drops others until it expires', async () => {
        const s = await store();
        const base = { key: 'd1', now: T0, expireAt: T0 + HOUR };
        expect(await s.dedupCheck({ ...base, member: 'e1' })).toEqual({
          duplicate: false,
          holder: 'e1',
        });
        expect(await s.dedupCheck({ ...base, member: 'e2', now: T0 + MIN })).toEqual({
          duplicate: true,
          holder: 'e1',
        });
        // A retry of the holder is not a duplicate, and does not extend the window.
        expect(
          await s.dedupCheck({ ...base, member: 'e1', now: T0 + 2 * MIN, expireAt: T0 + 9 * HOUR }),
        ).toEqual({ duplicate: false, holder: 'e1' });
        expect(await s.dedupCheck({ ...base, member: 'e3', now: T0 + HOUR })).toEqual({
          duplicate: false,
          holder: 'e3',
        });
      });
    });

    describe('throttleHit', () => {
      it('admits `limit` members per window, counts the rest and reports them with the next admission', async () => {
        const s = await store();
        const hit = (member: string, windowStart: number, now = windowStart) =>
          s.throttleHit({
            key: 't1',
            member,
            windowStart,
            limit: 2,
            now,
            windowExpireAt: windowStart + HOUR,
            droppedExpireAt: now + 24 * HOUR,
          });
        expect(await hit('a', T0)).toEqual({ allowed: true, dropped: 0 });
        expect(await hit('b', T0)).toEqual({ allowed: true, dropped: 0 });
        expect(await hit('c', T0)).toEqual({ allowed: false, dropped: 1 });
        expect(await hit('d', T0)).toEqual({ allowed: false, dropped: 2 });
        // Retries take no new slot and give the same answers.
        expect(await hit('a', T0)).toEqual({ allowed: true, dropped: 0 });
        expect(await hit('c', T0)).toEqual({ allowed: false, dropped: 2 });
        // Next window: the first admission reports the two drops, once.
        expect(await hit('e', T0 + HOUR)).toEqual({ allowed: true, dropped: 2 });
        expect(await hit('e', T0 + HOUR)).toEqual({ allowed: true, dropped: 2 });
        expect(await hit('f', T0 + HOUR)).toEqual({ allowed: true, dropped: 0 });
      });

      it('recognises a retry of a member admitted in the previous window, even when this one is full', async () => {
        const s = await store();
        const hit = (member: string, windowStart: number, now = windowStart) =>
          s.throttleHit({
            key: 't2',
            member,
            windowStart,
            previousWindowStart: windowStart - HOUR,
            limit: 1,
            now,
            windowExpireAt: windowStart + 2 * HOUR,
            droppedExpireAt: now + 24 * HOUR,
          });
        expect(await hit('a', T0)).toEqual({ allowed: true, dropped: 0 });
        expect(await hit('b', T0)).toEqual({ allowed: false, dropped: 1 });
        expect(await hit('c', T0 + HOUR)).toEqual({ allowed: true, dropped: 1 });
        // 'a' retried after the window turned: the same answer, no slot taken, nothing dropped.
        expect(await hit('a', T0 + HOUR, T0 + HOUR + MIN)).toEqual({ allowed: true, dropped: 0 });
        expect(await hit('d', T0 + HOUR)).toEqual({ allowed: false, dropped: 1 });
        // Two windows later it is a new event again.
        expect(await hit('a', T0 + 2 * HOUR)).toEqual({ allowed: true, dropped: 1 });
      });

      it('keeps keys apart', async () => {
        const s = await store();
        const hit = (key: string, member: string) =>
          s.throttleHit({
            key,
            member,
            windowStart: T0,
            limit: 1,
            now: T0,
            windowExpireAt: T0 + HOUR,
            droppedExpireAt: T0 + HOUR,
          });
        expect((await hit('k1', 'a')).allowed).toBe(true);
        expect((await hit('k2', 'b')).allowed).toBe(true);
        expect((await hit('k1', 'c')).allowed).toBe(false);
      });
    });

    describe('groups', () => {
      it('opens, collects and flushes after `wait`, exactly once', async () => {
        const s = await store();
        const add = (eventId: string, now: number) =>
          s.addGroupItem({ groupKey: 'g1', now, timing, item: item(eventId), header: 'H' });
        expect(await add('e1', T0)).toEqual({ outcome: 'opened', openedAt: T0, leading: false });
        expect(await add('e2', T0 + 1000)).toEqual({
          outcome: 'added',
          openedAt: T0,
          leading: false,
        });
        expect(await add('e1', T0 + 2000)).toEqual({
          outcome: 'duplicate',
          openedAt: T0,
          leading: false,
        });
        expect(await s.nextDueAt()).toBe(T0 + timing.waitMs);
        expect(await s.flushGroup({ groupKey: 'g1', now: T0 + timing.waitMs - 1 })).toEqual({
          kind: 'none',
        });
        const [first, second] = await Promise.all([
          s.flushGroup({ groupKey: 'g1', now: T0 + timing.waitMs }),
          s.flushGroup({ groupKey: 'g1', now: T0 + timing.waitMs }),
        ]);
        const flushes = [first, second].filter((r) => r?.kind === 'flush');
        expect(flushes).toHaveLength(1);
        expect(flushes[0]).toEqual({
          kind: 'flush',
          openedAt: T0,
          seq: 1,
          header: 'H',
          items: [item('e1'), item('e2')],
        });
      });

      it('sends later items on the interval grid, only when something new arrived', async () => {
        const s = await store();
        const add = (eventId: string, now: number) =>
          s.addGroupItem({ groupKey: 'g2', now, timing, item: item(eventId), header: 'H' });
        await add('e1', T0);
        const flushAt = T0 + timing.waitMs;
        expect((await s.flushGroup({ groupKey: 'g2', now: flushAt })).kind).toBe('flush');
        // Nothing new: the next due time is the repeat, not the interval.
        expect(await s.nextDueAt()).toBe(flushAt + (timing.repeatMs ?? 0));
        await add('e2', flushAt + 20 * MIN);
        // 20 minutes after the flush: the next grid point is 2 × 15 minutes after it.
        expect(await s.nextDueAt()).toBe(flushAt + 30 * MIN);
        expect(await s.flushGroup({ groupKey: 'g2', now: flushAt + 29 * MIN })).toEqual({
          kind: 'none',
        });
        const second = await s.flushGroup({ groupKey: 'g2', now: flushAt + 30 * MIN });
        expect(second).toMatchObject({ kind: 'flush', seq: 2, items: [item('e2')] });
      });

      it('flushes early at `maxItems`', async () => {
        const s = await store();
        const small: GroupTiming = { ...timing, maxItems: 3 };
        for (const id of ['a', 'b']) {
          await s.addGroupItem({
            groupKey: 'g3',
            now: T0,
            timing: small,
            item: item(id),
            header: 'H',
          });
        }
        expect(await s.nextDueAt()).toBe(T0 + timing.waitMs);
        await s.addGroupItem({
          groupKey: 'g3',
          now: T0 + 5,
          timing: small,
          item: item('c'),
          header: 'H',
        });
        expect(await s.nextDueAt()).toBe(T0 + 5);
        const flush = await s.flushGroup({ groupKey: 'g3', now: T0 + 5 });
        expect(flush.kind === 'flush' ? flush.items.map((i) => i.eventId) : []).toEqual([
          'a',
          'b',
          'c',
        ]);
      });

      it('marks the leading item with `sendFirst` and digests the rest after `wait`', async () => {
        const s = await store();
        const first: GroupTiming = { ...timing, sendFirst: true };
        const add = (eventId: string, now: number) =>
          s.addGroupItem({ groupKey: 'g4', now, timing: first, item: item(eventId), header: 'H' });
        expect(await add('lead', T0)).toEqual({ outcome: 'opened', openedAt: T0, leading: true });
        expect(await add('lead', T0 + 1)).toEqual({
          outcome: 'duplicate',
          openedAt: T0,
          leading: true,
        });
        await add('x', T0 + MIN);
        expect(await s.nextDueAt()).toBe(T0 + timing.waitMs);
        const flush = await s.flushGroup({ groupKey: 'g4', now: T0 + timing.waitMs });
        expect(flush).toMatchObject({ kind: 'flush', seq: 1, items: [item('x')] });
      });

      it('repeats the last flush after `repeat` and closes after `close`', async () => {
        const s = await store();
        const t: GroupTiming = { ...timing, repeatMs: HOUR, closeMs: 3 * HOUR };
        await s.addGroupItem({ groupKey: 'g5', now: T0, timing: t, item: item('a'), header: 'H' });
        const flushAt = T0 + t.waitMs;
        await s.flushGroup({ groupKey: 'g5', now: flushAt });
        expect(await s.flushGroup({ groupKey: 'g5', now: flushAt + HOUR - 1 })).toEqual({
          kind: 'none',
        });
        expect(await s.flushGroup({ groupKey: 'g5', now: flushAt + HOUR })).toEqual({
          kind: 'repeat',
          openedAt: T0,
          seq: 2,
          header: 'H',
          items: [item('a')],
        });
        expect(await s.nextDueAt()).toBe(Math.min(flushAt + 2 * HOUR, T0 + 3 * HOUR));
        expect(await s.flushGroup({ groupKey: 'g5', now: T0 + 3 * HOUR })).toEqual({
          kind: 'closed',
          openedAt: T0,
        });
        expect(await s.nextDueAt()).toBeUndefined();
        // After closing, the same event opens a new instance.
        expect(
          await s.addGroupItem({
            groupKey: 'g5',
            now: T0 + 4 * HOUR,
            timing: t,
            item: item('a'),
            header: 'H2',
          }),
        ).toEqual({ outcome: 'opened', openedAt: T0 + 4 * HOUR, leading: false });
      });

      it('closes an idle instance when the next item arrives after `close`, even without a tick', async () => {
        const s = await store();
        const t: GroupTiming = { ...timing, closeMs: HOUR };
        await s.addGroupItem({ groupKey: 'g6', now: T0, timing: t, item: item('a'), header: 'H' });
        await s.flushGroup({ groupKey: 'g6', now: T0 + t.waitMs });
        const again = await s.addGroupItem({
          groupKey: 'g6',
          now: T0 + 2 * HOUR,
          timing: t,
          item: item('b'),
          header: 'H',
        });
        expect(again).toEqual({ outcome: 'opened', openedAt: T0 + 2 * HOUR, leading: false });
      });

      it('never closes an instance that still has pending items', async () => {
        const s = await store();
        const t: GroupTiming = { ...timing, waitMs: 2 * HOUR, closeMs: HOUR };
        await s.addGroupItem({ groupKey: 'g7', now: T0, timing: t, item: item('a'), header: 'H' });
        const late = await s.addGroupItem({
          groupKey: 'g7',
          now: T0 + 90 * MIN,
          timing: t,
          item: item('b'),
          header: 'H',
        });
        expect(late.outcome).toBe('added');
        const flush = await s.flushGroup({ groupKey: 'g7', now: T0 + 2 * HOUR });
        expect(flush.kind === 'flush' ? flush.items.length : 0).toBe(2);
      });
    });

    describe('claimDue', () => {
      it('claims due entries earliest first, leases them, and hands them out again after the lease', async () => {
        const s = await store();
        await s.addGroupItem({
          groupKey: 'late',
          now: T0 + 1,
          timing,
          item: item('a'),
          header: 'H',
        });
        await s.addGroupItem({ groupKey: 'early', now: T0, timing, item: item('b'), header: 'H' });
        await s.deferSend({
          key: 'd1',
          sendAt: T0 + timing.waitMs,
          payload: 'p',
          now: T0,
          expireAt: T0 + 24 * HOUR,
        });
        const now = T0 + timing.waitMs + 1;
        expect(await s.claimDue({ now, limit: 2, leaseMs: MIN })).toEqual([
          { kind: 'deferred', key: 'd1' },
          { kind: 'group', key: 'early' },
        ]);
        expect(await s.claimDue({ now, limit: 10, leaseMs: MIN })).toEqual([
          { kind: 'group', key: 'late' },
        ]);
        expect(await s.claimDue({ now, limit: 10, leaseMs: MIN })).toEqual([]);
        // Nobody completed the work: after the lease, everything is due again.
        const again = await s.claimDue({ now: now + MIN, limit: 10, leaseMs: MIN });
        expect(again.map((e) => e.key).sort()).toEqual(['d1', 'early', 'late']);
        // Completing the work reschedules the entries to their real next due time.
        expect((await s.flushGroup({ groupKey: 'early', now: now + MIN })).kind).toBe('flush');
        expect((await s.takeDeferred({ key: 'd1', now: now + MIN })).kind).toBe('due');
        expect(await s.claimDue({ now: now + 2 * MIN, limit: 10, leaseMs: MIN })).toEqual([
          { kind: 'group', key: 'late' },
        ]);
      });

      it('reports escalation entries with their scope', async () => {
        const s = await store();
        await s.startEscalation({
          scope: 'sc',
          key: 'k',
          now: T0,
          stepDueAt: [T0 + HOUR],
          header: 'H',
          expireAt: T0 + 48 * HOUR,
        });
        expect(await s.claimDue({ now: T0 + HOUR, limit: 5, leaseMs: MIN })).toEqual([
          { kind: 'escalation', key: 'k', scope: 'sc' },
        ]);
      });
    });

    describe('inhibition', () => {
      it('finds the live source with the latest end, never the target itself', async () => {
        const s = await store();
        await s.recordInhibitSource({
          scope: 'i',
          sourceEventId: 's1',
          until: T0 + HOUR,
          bothSides: false,
          now: T0,
        });
        await s.recordInhibitSource({
          scope: 'i',
          sourceEventId: 's2',
          until: T0 + 2 * HOUR,
          bothSides: false,
          now: T0,
        });
        const find = (now: number, targetEventId = 't', targetBothSides = false) =>
          s.findInhibitSource({ scope: 'i', now, targetEventId, targetBothSides });
        expect(await find(T0)).toBe('s2');
        expect(await find(T0, 's2')).toBe('s1');
        expect(await find(T0 + HOUR + 1)).toBe('s2');
        expect(await find(T0 + 2 * HOUR)).toBeUndefined();
        expect(
          await s.findInhibitSource({
            scope: 'other',
            now: T0,
            targetEventId: 't',
            targetBothSides: false,
          }),
        ).toBeUndefined();
      });

      it('keeps the later end for a repeated source and skips both-sides sources for both-sides targets', async () => {
        const s = await store();
        await s.recordInhibitSource({
          scope: 'j',
          sourceEventId: 'b',
          until: T0 + 2 * HOUR,
          bothSides: true,
          now: T0,
        });
        await s.recordInhibitSource({
          scope: 'j',
          sourceEventId: 'b',
          until: T0 + HOUR,
          bothSides: true,
          now: T0,
        });
        expect(
          await s.findInhibitSource({
            scope: 'j',
            now: T0 + 90 * MIN,
            targetEventId: 't',
            targetBothSides: false,
          }),
        ).toBe('b');
        expect(
          await s.findInhibitSource({
            scope: 'j',
            now: T0,
            targetEventId: 't',
            targetBothSides: true,
          }),
        ).toBeUndefined();
        await s.recordInhibitSource({
          scope: 'j',
          sourceEventId: 'a',
          until: T0 + 2 * HOUR,
          bothSides: false,
          now: T0,
        });
        // Same end: the greater id wins (both-sides `b` for a plain target, `a` otherwise).
        expect(
          await s.findInhibitSource({
            scope: 'j',
            now: T0,
            targetEventId: 't',
            targetBothSides: false,
          }),
        ).toBe('b');
        expect(
          await s.findInhibitSource({
            scope: 'j',
            now: T0,
            targetEventId: 't',
            targetBothSides: true,
          }),
        ).toBe('a');
      });
    });

    describe('silences', () => {
      it('stores, lists by id and ends silences early', async () => {
        const s = await store();
        const base = {
          when: { type: 'delivery.failed', 'data.reason': ['bounced'] },
          startsAt: T0,
          endsAt: T0 + HOUR,
          createdBy: 'ops@example.com',
          comment: 'known outage',
          createdAt: T0,
          updatedAt: T0,
        };
        await s.putSilence({ silence: { ...base, id: 'b' }, expireAt: T0 + 48 * HOUR });
        await s.putSilence({ silence: { ...base, id: 'a' }, expireAt: T0 + 48 * HOUR });
        expect((await s.listSilences({ now: T0 })).map((x) => x.id)).toEqual(['a', 'b']);
        expect(await s.expireSilence({ id: 'a', now: T0 + MIN })).toBe(true);
        expect(await s.expireSilence({ id: 'a', now: T0 + 2 * MIN })).toBe(false);
        expect(await s.expireSilence({ id: 'nope', now: T0 })).toBe(false);
        const listed = await s.listSilences({ now: T0 + 2 * MIN });
        expect(listed[0]).toEqual({ ...base, id: 'a', endsAt: T0 + MIN, updatedAt: T0 + MIN });
        expect(listed[1]).toEqual({ ...base, id: 'b' });
      });
    });

    describe('escalations', () => {
      const start = (s: StateStore, key: string, stepDueAt: number[], scope = 'sc') =>
        s.startEscalation({
          scope,
          key,
          now: T0,
          stepDueAt,
          header: 'H',
          expireAt: T0 + 72 * HOUR,
        });

      it('sends each step once, when due, and is done after the last', async () => {
        const s = await store();
        expect((await start(s, 'k', [T0 + HOUR, T0 + 2 * HOUR])).created).toBe(true);
        expect((await start(s, 'k', [T0 + 5 * HOUR])).created).toBe(false);
        const adv = (now: number) => s.advanceEscalation({ scope: 'sc', key: 'k', now });
        expect(await adv(T0 + HOUR - 1)).toEqual({ kind: 'none' });
        const [a, b] = await Promise.all([adv(T0 + HOUR), adv(T0 + HOUR)]);
        expect([a, b].filter((r) => r?.kind === 'step')).toEqual([
          { kind: 'step', step: 1, dueAt: T0 + HOUR, header: 'H' },
        ]);
        expect(await s.nextDueAt()).toBe(T0 + 2 * HOUR);
        expect(await adv(T0 + 3 * HOUR)).toEqual({
          kind: 'step',
          step: 2,
          dueAt: T0 + 2 * HOUR,
          header: 'H',
        });
        expect(await adv(T0 + 4 * HOUR)).toEqual({ kind: 'none' });
        expect(await s.getEscalation({ scope: 'sc', key: 'k' })).toMatchObject({
          status: 'done',
          stepsSent: 2,
        });
        expect(await s.nextDueAt()).toBeUndefined();
      });

      it('stops on acknowledge and on resolve', async () => {
        const s = await store();
        await start(s, 'k1', [T0 + HOUR]);
        await start(s, 'k2', [T0 + HOUR]);
        await start(s, 'k3', [T0 + HOUR], 'other');
        expect(
          await s.acknowledgeEscalation({ scope: 'sc', key: 'k1', by: 'alice', now: T0 + 1 }),
        ).toBe('acknowledged');
        expect(
          await s.acknowledgeEscalation({ scope: 'sc', key: 'k1', by: 'alice', now: T0 + 2 }),
        ).toBe('closed');
        expect(
          await s.acknowledgeEscalation({ scope: 'sc', key: 'zz', by: 'alice', now: T0 + 2 }),
        ).toBe('unknown');
        expect(await s.getEscalation({ scope: 'sc', key: 'k1' })).toMatchObject({
          status: 'acknowledged',
          acknowledgedBy: 'alice',
          closedAt: T0 + 1,
        });
        expect(await s.resolveEscalations({ scope: 'sc', now: T0 + 3 })).toEqual(['k2']);
        expect(await s.resolveEscalations({ scope: 'sc', now: T0 + 4 })).toEqual([]);
        expect(await s.advanceEscalation({ scope: 'sc', key: 'k2', now: T0 + HOUR })).toEqual({
          kind: 'none',
        });
        expect(await s.claimDue({ now: T0 + HOUR, limit: 10, leaseMs: MIN })).toEqual([
          { kind: 'escalation', key: 'k3', scope: 'other' },
        ]);
      });

      it('is done at once without steps', async () => {
        const s = await store();
        const { state } = await start(s, 'none', []);
        expect(state.status).toBe('done');
        expect(await s.nextDueAt()).toBeUndefined();
      });
    });

    describe('deferred sends', () => {
      it('holds a payload until due, hands it out once, and ignores replays', async () => {
        const s = await store();
        const defer = () =>
          s.deferSend({
            key: 'd',
            sendAt: T0 + HOUR,
            payload: 'P',
            now: T0,
            expireAt: T0 + 48 * HOUR,
          });
        expect(await defer()).toEqual({ created: true });
        expect(await defer()).toEqual({ created: false });
        expect(await s.takeDeferred({ key: 'd', now: T0 + HOUR - 1 })).toEqual({ kind: 'none' });
        const both = await Promise.all([
          s.takeDeferred({ key: 'd', now: T0 + HOUR }),
          s.takeDeferred({ key: 'd', now: T0 + HOUR }),
        ]);
        expect(both.filter((r) => r.kind === 'due')).toEqual([{ kind: 'due', payload: 'P' }]);
        expect(await defer()).toEqual({ created: false });
        expect(await s.nextDueAt()).toBeUndefined();
      });
    });

    describe('claims (claim → persist → confirm)', () => {
      const LEASE = MIN;
      const groupClaim = (seq: number) => ({
        entry: { kind: 'group' as const, key: 'c1' },
        token: seq,
      });

      it('holds a claimed flush until confirmed, replays it after the lease, and puts later items in the next window', async () => {
        const s = await store();
        const add = (eventId: string, now: number) =>
          s.addGroupItem({ groupKey: 'c1', now, timing, item: item(eventId), header: 'H' });
        await add('a', T0);
        await add('b', T0 + 1);
        const at = T0 + timing.waitMs;
        const first = await s.flushGroup({ groupKey: 'c1', now: at, claimMs: LEASE });
        expect(first).toEqual({
          kind: 'flush',
          openedAt: T0,
          seq: 1,
          header: 'H',
          items: [item('a'), item('b')],
        });
        // While the claim is open the due index waits at the lease end and nobody else flushes.
        expect(await s.nextDueAt()).toBe(at + LEASE);
        await add('c', at + 1);
        expect(await s.nextDueAt()).toBe(at + LEASE);
        expect(await s.flushGroup({ groupKey: 'c1', now: at + LEASE - 1, claimMs: LEASE })).toEqual(
          { kind: 'none' },
        );
        // Lease over, nothing confirmed: the same window again, re-leased to the new caller.
        const [x, y] = await Promise.all([
          s.flushGroup({ groupKey: 'c1', now: at + LEASE, claimMs: LEASE }),
          s.flushGroup({ groupKey: 'c1', now: at + LEASE, claimMs: LEASE }),
        ]);
        expect([x, y].filter((r) => r.kind !== 'none')).toEqual([{ ...first, replay: true }]);
        // First seal wins; a later seal reads it back; a seal of another seq is refused.
        expect(await s.sealClaim({ claim: groupClaim(1), payload: 'P1', now: at + LEASE })).toBe(
          'P1',
        );
        expect(await s.sealClaim({ claim: groupClaim(1), payload: 'P2', now: at + LEASE })).toBe(
          'P1',
        );
        expect(await s.sealClaim({ claim: groupClaim(2), payload: 'P3', now: at + LEASE })).toBe(
          undefined,
        );
        expect(await s.flushGroup({ groupKey: 'c1', now: at + 2 * LEASE, claimMs: LEASE })).toEqual(
          {
            ...first,
            replay: true,
            sealed: 'P1',
          },
        );
        // Confirming ends the claim once; a second confirm (or a stale seq) changes nothing.
        expect(await s.confirmClaim({ claim: groupClaim(2), now: at + 2 * LEASE })).toBe(false);
        expect(await s.confirmClaim({ claim: groupClaim(1), now: at + 2 * LEASE })).toBe(true);
        expect(await s.confirmClaim({ claim: groupClaim(1), now: at + 2 * LEASE })).toBe(false);
        expect(
          await s.sealClaim({ claim: groupClaim(1), payload: 'P4', now: at + 2 * LEASE }),
        ).toBe(undefined);
        // The item that arrived during the claim is the next window, on the interval grid.
        expect(await s.nextDueAt()).toBe(at + timing.intervalMs);
        expect(
          await s.flushGroup({ groupKey: 'c1', now: at + timing.intervalMs, claimMs: LEASE }),
        ).toEqual({ kind: 'flush', openedAt: T0, seq: 2, header: 'H', items: [item('c')] });
        expect(await s.confirmClaim({ claim: groupClaim(2), now: at + timing.intervalMs })).toBe(
          true,
        );
        // Nothing new after that: the repeat comes next.
        expect(await s.nextDueAt()).toBe(at + timing.intervalMs + (timing.repeatMs ?? 0));
      });

      it('claims repeats too, and never closes a group with an open claim', async () => {
        const s = await store();
        const t: GroupTiming = { ...timing, repeatMs: HOUR, closeMs: 2 * HOUR };
        await s.addGroupItem({ groupKey: 'c1', now: T0, timing: t, item: item('a'), header: 'H' });
        const at = T0 + t.waitMs;
        expect((await s.flushGroup({ groupKey: 'c1', now: at })).kind).toBe('flush');
        const repeat = await s.flushGroup({ groupKey: 'c1', now: at + HOUR, claimMs: LEASE });
        expect(repeat).toMatchObject({ kind: 'repeat', seq: 2, items: [item('a')] });
        // Long past `close` with the claim still open: an add joins, a take replays.
        const late = at + 3 * HOUR;
        expect(
          await s.addGroupItem({
            groupKey: 'c1',
            now: late,
            timing: t,
            item: item('b'),
            header: 'H',
          }),
        ).toEqual({ outcome: 'added', openedAt: T0, leading: false });
        expect(await s.flushGroup({ groupKey: 'c1', now: late, claimMs: LEASE })).toEqual({
          ...repeat,
          replay: true,
        });
        // A take without claimMs hands the expired claim out once more and ends it (auto-confirm).
        expect(await s.flushGroup({ groupKey: 'c1', now: late + LEASE })).toEqual({
          ...repeat,
          replay: true,
        });
        expect(await s.confirmClaim({ claim: groupClaim(2), now: late + LEASE })).toBe(false);
        expect(await s.flushGroup({ groupKey: 'c1', now: late + LEASE })).toMatchObject({
          kind: 'flush',
          seq: 3,
          items: [item('b')],
        });
      });

      it('holds, replays and confirms an escalation step; acknowledging ends the claim', async () => {
        const s = await store();
        await s.startEscalation({
          scope: 'sc',
          key: 'k',
          now: T0,
          stepDueAt: [T0 + HOUR, T0 + 2 * HOUR],
          header: 'H',
          expireAt: T0 + 72 * HOUR,
        });
        const claim = (step: number) => ({
          entry: { kind: 'escalation' as const, key: 'k', scope: 'sc' },
          token: step,
        });
        const adv = (now: number, claimMs: number | undefined = LEASE) =>
          s.advanceEscalation({ scope: 'sc', key: 'k', now, ...(claimMs ? { claimMs } : {}) });
        const step1 = { kind: 'step', step: 1, dueAt: T0 + HOUR, header: 'H' };
        expect(await adv(T0 + HOUR)).toEqual(step1);
        expect(await s.nextDueAt()).toBe(T0 + HOUR + LEASE);
        expect(await adv(T0 + HOUR + LEASE - 1)).toEqual({ kind: 'none' });
        expect(await adv(T0 + HOUR + LEASE)).toEqual({ ...step1, replay: true });
        expect(await s.sealClaim({ claim: claim(1), payload: 'S', now: T0 + HOUR })).toBe('S');
        expect(await adv(T0 + HOUR + 2 * LEASE)).toEqual({ ...step1, replay: true, sealed: 'S' });
        expect(await s.confirmClaim({ claim: claim(1), now: T0 + HOUR + 2 * LEASE })).toBe(true);
        expect(await s.confirmClaim({ claim: claim(1), now: T0 + HOUR + 2 * LEASE })).toBe(false);
        expect(await s.nextDueAt()).toBe(T0 + 2 * HOUR);
        // The last step claims too (status done); acknowledge then ends the claim: no replay.
        expect(await adv(T0 + 2 * HOUR)).toMatchObject({ kind: 'step', step: 2 });
        expect(await s.getEscalation({ scope: 'sc', key: 'k' })).toMatchObject({ status: 'done' });
        expect(await s.nextDueAt()).toBe(T0 + 2 * HOUR + LEASE);
        expect(
          await s.acknowledgeEscalation({ scope: 'sc', key: 'k', by: 'al', now: T0 + 2 * HOUR }),
        ).toBe('closed');
        expect(await s.nextDueAt()).toBeUndefined();
        expect(await adv(T0 + 3 * HOUR)).toEqual({ kind: 'none' });
        expect(await s.sealClaim({ claim: claim(2), payload: 'X', now: T0 + 3 * HOUR })).toBe(
          undefined,
        );
        expect(await s.confirmClaim({ claim: claim(2), now: T0 + 3 * HOUR })).toBe(false);
      });

      it('resolving an escalation ends its open claim', async () => {
        const s = await store();
        await s.startEscalation({
          scope: 'sc',
          key: 'k',
          now: T0,
          stepDueAt: [T0 + HOUR, T0 + 2 * HOUR],
          header: 'H',
          expireAt: T0 + 72 * HOUR,
        });
        await s.advanceEscalation({ scope: 'sc', key: 'k', now: T0 + HOUR, claimMs: LEASE });
        expect(await s.resolveEscalations({ scope: 'sc', now: T0 + HOUR + 1 })).toEqual(['k']);
        expect(await s.nextDueAt()).toBeUndefined();
        expect(
          await s.advanceEscalation({ scope: 'sc', key: 'k', now: T0 + 3 * HOUR, claimMs: LEASE }),
        ).toEqual({ kind: 'none' });
      });

      it('holds, replays and confirms a deferred send', async () => {
        const s = await store();
        await s.deferSend({
          key: 'd',
          sendAt: T0,
          payload: 'P',
          now: T0,
          expireAt: T0 + 48 * HOUR,
        });
        const claim = { entry: { kind: 'deferred' as const, key: 'd' }, token: 1 };
        expect(await s.takeDeferred({ key: 'd', now: T0, claimMs: LEASE })).toEqual({
          kind: 'due',
          payload: 'P',
        });
        expect(await s.takeDeferred({ key: 'd', now: T0 + 1, claimMs: LEASE })).toEqual({
          kind: 'none',
        });
        expect(await s.nextDueAt()).toBe(T0 + LEASE);
        expect(await s.claimDue({ now: T0 + LEASE, limit: 5, leaseMs: LEASE })).toEqual([
          claim.entry,
        ]);
        expect(await s.takeDeferred({ key: 'd', now: T0 + LEASE, claimMs: LEASE })).toEqual({
          kind: 'due',
          payload: 'P',
          replay: true,
        });
        expect(await s.sealClaim({ claim, payload: 'S', now: T0 + LEASE })).toBe('S');
        expect(await s.confirmClaim({ claim, now: T0 + LEASE })).toBe(true);
        expect(await s.confirmClaim({ claim, now: T0 + LEASE })).toBe(false);
        expect(await s.nextDueAt()).toBeUndefined();
        expect(await s.takeDeferred({ key: 'd', now: T0 + 9 * LEASE, claimMs: LEASE })).toEqual({
          kind: 'none',
        });
        expect(
          await s.deferSend({ key: 'd', sendAt: T0, payload: 'P', now: T0, expireAt: T0 + HOUR }),
        ).toEqual({ created: false });
      });
    });

    describe('lifecycle', () => {
      it('throws EXR_DISPATCH_STORE_UNAVAILABLE after close', async () => {
        const s = await factory();
        await s.close();
        await s.close();
        const failure = await s
          .dedupCheck({ key: 'k', member: 'm', now: T0, expireAt: T0 + 1000 })
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        expect(failure).toBeInstanceOf(DispatchError);
        expect((failure as DispatchError).code).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
      });
    });

    describe('properties', () => {
      it('puts every added item in exactly one flush, never more items than were added', async () => {
        const step = fc.oneof(
          fc.record({
            op: fc.constant('add' as const),
            group: fc.integer({ min: 0, max: 2 }),
            event: fc.integer({ min: 0, max: 30 }),
            advance: fc.integer({ min: 0, max: 20 * MIN }),
          }),
          fc.record({
            op: fc.constant('tick' as const),
            advance: fc.integer({ min: 0, max: 30 * MIN }),
          }),
        );
        const t: GroupTiming = {
          waitMs: 2 * MIN,
          intervalMs: 5 * MIN,
          closeMs: HOUR,
          maxItems: 4,
          sendFirst: false,
        };
        await fc.assert(
          fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
            const s = await factory();
            try {
              let now = T0;
              const added = new Map<string, Set<string>>();
              const flushed = new Map<string, string[]>();
              const tick = async () => {
                for (const entry of await s.claimDue({ now, limit: 100, leaseMs: MIN })) {
                  if (entry.kind !== 'group') continue;
                  const r = await s.flushGroup({ groupKey: entry.key, now });
                  if (r.kind === 'flush') {
                    const list = flushed.get(`${entry.key}@${r.openedAt}`) ?? [];
                    list.push(...r.items.map((i) => i.eventId));
                    flushed.set(`${entry.key}@${r.openedAt}`, list);
                  }
                }
              };
              for (const st of steps) {
                now += st.advance;
                if (st.op === 'add') {
                  const r = await s.addGroupItem({
                    groupKey: `g${st.group}`,
                    now,
                    timing: t,
                    item: item(`e${st.event}`, now),
                    header: 'H',
                  });
                  const id = `g${st.group}@${r.openedAt}`;
                  const set = added.get(id) ?? new Set<string>();
                  set.add(`e${st.event}`);
                  added.set(id, set);
                } else {
                  await tick();
                }
              }
              now += 2 * HOUR;
              await tick();
              for (const [id, events] of added) {
                const got = flushed.get(id) ?? [];
                expect(new Set(got).size).toBe(got.length);
                expect(got.sort()).toEqual([...events].sort());
              }
              for (const id of flushed.keys()) expect(added.has(id)).toBe(true);
            } finally {
              await s.close();
            }
          }),
          { numRuns: 60 },
        );
      });
    });
  });
}
