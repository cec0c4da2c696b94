// What only the Redis store can get wrong: TTLs on every key, Redis going away and coming back,
// foreign data under its prefix, bad options. Real redis-server processes, no mocks.
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DispatchError } from '../src/errors.js';
import type { GroupTiming, StateStore } from '../src/store/state-store.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { freeLoopbackPort, hasRedis, redisSkipReason, startRedis } from '../src/testing/index.js';
import type { RedisServer } from '../src/testing/index.js';

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

function rawClient(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<DispatchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DispatchError);
  return error as DispatchError;
}

/** Calls every kind of operation once, so every kind of key exists. */
async function touchEverything(store: StateStore, now: number): Promise<void> {
  await store.dedupCheck({ key: 'd', member: 'e1', now, expireAt: now + HOUR });
  await store.throttleHit({
    key: 't',
    member: 'e1',
    windowStart: now,
    limit: 1,
    now,
    windowExpireAt: now + HOUR,
    droppedExpireAt: now + HOUR,
  });
  await store.throttleHit({
    key: 't',
    member: 'e2',
    windowStart: now,
    limit: 1,
    now,
    windowExpireAt: now + HOUR,
    droppedExpireAt: now + HOUR,
  });
  for (const id of ['a', 'b']) {
    await store.addGroupItem({
      groupKey: 'g',
      now,
      timing,
      header: 'H',
      item: { eventId: id, at: now, line: id, dropped: 0, inhibitScopes: [] },
    });
  }
  await store.addGroupItem({
    groupKey: 'flushed',
    now,
    timing,
    header: 'H',
    item: { eventId: 'x', at: now, line: 'x', dropped: 0, inhibitScopes: [] },
  });
  await store.flushGroup({ groupKey: 'flushed', now: now + timing.waitMs });
  await store.recordInhibitSource({
    scope: 'i',
    sourceEventId: 's',
    until: now + HOUR,
    bothSides: false,
    now,
  });
  await store.putSilence({
    silence: {
      id: 'sil',
      when: { type: 'x' },
      startsAt: now,
      endsAt: now + HOUR,
      createdBy: 'ops',
      comment: 'c',
      createdAt: now,
      updatedAt: now,
    },
    expireAt: now + 2 * HOUR,
  });
  await store.startEscalation({
    scope: 'sc',
    key: 'esc',
    now,
    stepDueAt: [now + HOUR],
    header: 'H',
    expireAt: now + 3 * HOUR,
  });
  await store.deferSend({
    key: 'def',
    sendAt: now + HOUR,
    payload: 'P',
    now,
    expireAt: now + 2 * HOUR,
  });
}

describe.skipIf(!hasRedis)(`Redis store, Redis-only behaviour ${redisSkipReason}`, () => {
  let server: RedisServer;
  let prefixes = 0;
  const stores: StateStore[] = [];
  const open = async (options: { buckets?: number } = {}) => {
    const store = await createRedisStore({
      url: server.url,
      prefix: `faults${++prefixes}`,
      connectTimeoutMs: 2_000,
      commandTimeoutMs: 2_000,
      ...options,
    });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    if (!server.running) await server.restart();
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives every key it writes a TTL (SCAN over the whole server)', async () => {
    const store = await open();
    await touchEverything(store, T0);
    // A later clock: expired data is read and cleaned, and rewritten keys keep a TTL.
    await touchEverything(store, T0 + 30 * HOUR);
    await store.claimDue({ now: T0 + 40 * HOUR, limit: 100, leaseMs: MIN });
    const client = rawClient(server.url);
    await client.connect();
    try {
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ COUNT: 100 })) keys.push(...batch);
      const mine = keys.filter((k) => k.startsWith(`{faults${prefixes}:`));
      expect(mine.length).toBeGreaterThanOrEqual(12);
      const kinds = new Set(mine.map((k) => /}:(\w+)/.exec(k)?.[1]));
      for (const kind of ['due', 'g', 'gp', 'gs', 'gl', 'dd', 'tw', 'td', 'inh', 'esc', 'escs']) {
        expect(kinds).toContain(kind);
      }
      expect(kinds).toContain('def');
      expect(kinds).toContain('silences');
      const withoutTtl: string[] = [];
      for (const key of mine) {
        const ttl = await client.pTTL(key);
        if (ttl < 0) withoutTtl.push(`${key} (${ttl})`);
      }
      expect(withoutTtl).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('fails fast with EXR_DISPATCH_STORE_UNAVAILABLE while Redis is down and resumes when it is back (AOF on)', async () => {
    const aof = await startRedis({ appendonly: true });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = await createRedisStore({ url: aof.url, prefix: 'restart' });
      stores.push(store);
      const add = (eventId: string, now: number) =>
        store.addGroupItem({
          groupKey: 'g',
          now,
          timing,
          header: 'H',
          item: { eventId, at: now, line: eventId, dropped: 0, inhibitScopes: [] },
        });
      expect((await add('a', T0)).outcome).toBe('opened');
      await aof.stop();
      // Every kind of call fails with the stable code, without waiting for Redis to return.
      const down = await Promise.all([
        failure(add('b', T0 + 1)),
        failure(store.claimDue({ now: T0 + 1, limit: 10, leaseMs: MIN })),
        failure(store.nextDueAt()),
        failure(store.flushGroup({ groupKey: 'g', now: T0 + timing.waitMs })),
        failure(store.listSilences({ now: T0 })),
      ]);
      for (const error of down) expect(error.code).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
      await aof.restart();
      // The client reconnects by itself; the first calls may still see it offline.
      let added: Awaited<ReturnType<typeof add>> | undefined;
      for (let i = 0; i < 200 && added === undefined; i++) {
        added = await add('b', T0 + 2).catch((error: unknown) => {
          expect((error as DispatchError).code).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
          return undefined;
        });
        if (added === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // With the append-only file the open group survived the restart: b joined a's group.
      expect(added).toEqual({ outcome: 'added', openedAt: T0, leading: false });
      const flush = await store.flushGroup({ groupKey: 'g', now: T0 + timing.waitMs });
      expect(flush.kind === 'flush' ? flush.items.map((i) => i.eventId) : []).toEqual(['a', 'b']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await aof.close();
    }
  });

  it('loses open groups and timers when a Redis without persistence restarts (documented)', async () => {
    const store = await open();
    await store.addGroupItem({
      groupKey: 'g',
      now: T0,
      timing,
      header: 'H',
      item: { eventId: 'a', at: T0, line: 'a', dropped: 0, inhibitScopes: [] },
    });
    expect(await store.nextDueAt()).toBe(T0 + timing.waitMs);
    await server.restart();
    let next: number | undefined | 'down' = 'down';
    for (let i = 0; i < 200 && next === 'down'; i++) {
      next = await store.nextDueAt().catch(() => 'down' as const);
      if (next === 'down') await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(next).toBeUndefined();
  });

  it('rejects start-up with EXR_DISPATCH_STORE_UNAVAILABLE when nothing listens, without leaking the password', async () => {
    const port = await freeLoopbackPort();
    const error = await failure(
      createRedisStore({ url: `redis://:s3cret@127.0.0.1:${port}`, connectTimeoutMs: 300 }),
    );
    expect(error.code).toBe('EXR_DISPATCH_STORE_UNAVAILABLE');
    expect(error.message).not.toContain('s3cret');
  });

  it('refuses unusable options with EXR_DISPATCH_INVALID_OPTIONS', async () => {
    for (const options of [
      { url: server.url, prefix: 'has{brace}' },
      { url: server.url, prefix: 'x'.repeat(65) },
      { url: server.url, prefix: '' },
      { url: server.url, prefix: '__proto__ constructor' },
      { url: server.url, buckets: 0 },
      { url: server.url, buckets: 1.5 },
      { url: server.url, buckets: 1_000_000 },
      { url: '' },
      { url: 42 as unknown as string },
    ]) {
      expect((await failure(createRedisStore(options))).code).toBe('EXR_DISPATCH_INVALID_OPTIONS');
    }
  });

  it('reports foreign data under its prefix as EXR_DISPATCH_STORE_CORRUPT', async () => {
    const store = await open({ buckets: 1 });
    const client = rawClient(server.url);
    await client.connect();
    try {
      // A plain string where the group hash belongs: WRONGTYPE from Redis.
      await client.set(`{faults${prefixes}:0}:g g`, 'not a hash');
      const wrongType = await failure(
        store.addGroupItem({
          groupKey: 'g',
          now: T0,
          timing,
          header: 'H',
          item: { eventId: 'a', at: T0, line: 'a', dropped: 0, inhibitScopes: [] },
        }),
      );
      expect(wrongType.code).toBe('EXR_DISPATCH_STORE_CORRUPT');
      // A pending item that is not JSON: found when the group flushes.
      await store.addGroupItem({
        groupKey: 'h',
        now: T0,
        timing,
        header: 'H',
        item: { eventId: 'a', at: T0, line: 'a', dropped: 0, inhibitScopes: [] },
      });
      await client.rPush(`{faults${prefixes}:0}:gp h`, '{"__proto__": {"polluted": true}}');
      const bad = await failure(store.flushGroup({ groupKey: 'h', now: T0 + timing.waitMs }));
      expect(bad.code).toBe('EXR_DISPATCH_STORE_CORRUPT');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    } finally {
      client.destroy();
    }
  });

  it('keeps scopes with look-alike names apart (a, a:p, a gp)', async () => {
    const store = await open({ buckets: 1 });
    for (const groupKey of ['a', 'a:p', 'gp']) {
      await store.addGroupItem({
        groupKey,
        now: T0,
        timing,
        header: groupKey,
        item: { eventId: groupKey, at: T0, line: '', dropped: 0, inhibitScopes: [] },
      });
    }
    for (const groupKey of ['a', 'a:p', 'gp']) {
      const flush = await store.flushGroup({ groupKey, now: T0 + timing.waitMs });
      expect(flush).toMatchObject({ kind: 'flush', header: groupKey });
      expect(flush.kind === 'flush' ? flush.items.map((i) => i.eventId) : []).toEqual([groupKey]);
    }
  });

  it('stores text with quotes, newlines, unicode and Lua patterns unchanged', async () => {
    const store = await open();
    const line = 'a"b\\c\nd%s %d ]] [[ \u0000 é 😀 {{ x }}';
    await store.addGroupItem({
      groupKey: 'txt',
      now: T0,
      timing,
      header: line,
      item: { eventId: 'e%d', at: T0, line, dropped: 3, inhibitScopes: ['s1', 's%2'] },
    });
    const flush = await store.flushGroup({ groupKey: 'txt', now: T0 + timing.waitMs });
    expect(flush).toEqual({
      kind: 'flush',
      openedAt: T0,
      seq: 1,
      header: line,
      items: [{ eventId: 'e%d', at: T0, line, dropped: 3, inhibitScopes: ['s1', 's%2'] }],
    });
  });
});
