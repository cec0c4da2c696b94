// The StateStore on Redis (node-redis), for many dispatchers sharing one state.
//
// Layout: every key is `{<prefix>:<bucket>}:<type> <scope key>`. The bucket is a hash of the
// operation's scope (group key, dedup key, escalation scope, …) modulo `buckets`, so all keys an
// operation touches, including the bucket's due index, share one hash tag and one Cluster slot;
// each operation is one Lua script (see redis-scripts.ts). Scope keys never contain spaces
// (StateStore contract), so the space after the type keeps e.g. group `a` and group `a:p` apart.
import { ErrorReply } from 'redis';
import { DispatchError, asStoreError } from '../errors.js';
import { connectRedis, redactUrl } from './redis-connection.js';
import type { RedisConnection, StoreRedisClient } from './redis-connection.js';
import { GROUP_EXPIRY_GRACE_MS } from './state-store.js';
import type {
  AddGroupItemInput,
  AddGroupItemResult,
  AdvanceEscalationResult,
  ClaimRef,
  DueEntry,
  EscalationState,
  FlushGroupResult,
  GroupItem,
  SilenceRecord,
  StartEscalationInput,
  StateStore,
  TakeDeferredResult,
} from './state-store.js';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]` */
  readonly url: string;
  /** Prefix of every key (default `exroute`); dispatchers sharing state must use the same. */
  readonly prefix?: string;
  /**
   * Number of hash-tag buckets (default 16, 1–1024). Each has its own due index; on Redis
   * Cluster the buckets spread over the nodes. Every dispatcher on one prefix must use the same.
   */
  readonly buckets?: number;
  /** Give up connecting at start-up after this long (default 5,000 ms). */
  readonly connectTimeoutMs?: number;
  /** A command without a reply after this long fails (default 5,000 ms). */
  readonly commandTimeoutMs?: number;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** FNV-1a over UTF-16 code units: cheap and stable across processes and versions. */
function bucketOf(scope: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < scope.length; i++) {
    hash ^= scope.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % buckets;
}

/** Key names of one store (prefix + bucket count fixed). */
class KeyLayout {
  constructor(
    readonly prefix: string,
    readonly buckets: number,
  ) {}

  tagOf(scope: string): string {
    return `{${this.prefix}:${bucketOf(scope, this.buckets)}}`;
  }

  due(bucket: number): string {
    return `{${this.prefix}:${bucket}}:due`;
  }

  dueOf(scope: string): string {
    return `${this.tagOf(scope)}:due`;
  }

  key(type: string, scope: string, suffix = ''): string {
    return `${this.tagOf(scope)}:${type} ${scope}${suffix}`;
  }

  silences(): string {
    return `{${this.prefix}:silences}:silences`;
  }
}

/** The due-index member of an entry; ties in the sorted set then order by kind, then key. */
function memberOf(entry: DueEntry): string {
  return entry.kind === 'escalation'
    ? `escalation\n${entry.key}\n${entry.scope ?? ''}`
    : `${entry.kind}\n${entry.key}`;
}

function entryOf(member: string): DueEntry {
  const [kind, key, scope] = member.split('\n');
  if (kind === 'group' || kind === 'deferred') return { kind, key: key ?? '' };
  if (kind === 'escalation') return { kind, key: key ?? '', scope: scope ?? '' };
  throw corrupt(`unknown due-index member ${JSON.stringify(member.slice(0, 80))}`);
}

function corrupt(detail: string): DispatchError {
  return new DispatchError(
    'EXR_DISPATCH_STORE_CORRUPT',
    `Redis store holds data this version cannot read: ${detail}; check that no other program writes under this prefix`,
  );
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function asArray(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw corrupt(`${what}: expected a list`);
  return reply as unknown[];
}

function asString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw corrupt(`${what}: expected text`);
}

function asNumber(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : Number(asString(value, what));
  if (!Number.isFinite(n)) throw corrupt(`${what}: expected a number`);
  return n;
}

function parseItem(value: unknown): GroupItem {
  const text = asString(value, 'group item');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw corrupt('group item is not JSON');
  }
  const item = parsed as Partial<GroupItem> | null;
  if (
    item === null ||
    typeof item !== 'object' ||
    typeof item.eventId !== 'string' ||
    typeof item.at !== 'number' ||
    typeof item.line !== 'string' ||
    typeof item.dropped !== 'number' ||
    !Array.isArray(item.inhibitScopes)
  ) {
    throw corrupt('group item lacks eventId, at, line, dropped or inhibitScopes');
  }
  return {
    eventId: item.eventId,
    at: item.at,
    line: item.line,
    dropped: item.dropped,
    inhibitScopes: item.inhibitScopes.map((s) => String(s)),
  };
}

function serializeItem(item: GroupItem): string {
  return JSON.stringify({
    eventId: item.eventId,
    at: item.at,
    line: item.line,
    dropped: item.dropped,
    inhibitScopes: item.inhibitScopes,
  });
}

function parseEscalation(reply: unknown[], key: string, offset: number): EscalationState {
  const field = (i: number): string => asString(reply[offset + i], 'escalation');
  const status = field(1);
  if (
    status !== 'open' &&
    status !== 'acknowledged' &&
    status !== 'resolved' &&
    status !== 'done'
  ) {
    throw corrupt(`escalation status ${JSON.stringify(status)}`);
  }
  const steps = field(3);
  const acknowledgedBy = field(5);
  const closedAt = field(6);
  return {
    scope: field(0),
    key,
    status,
    stepsSent: asNumber(reply[offset + 2], 'escalation steps sent'),
    stepDueAt: steps === '' ? [] : steps.split(',').map((s) => asNumber(s, 'escalation step')),
    header: field(4),
    ...(acknowledgedBy !== '' ? { acknowledgedBy } : {}),
    ...(closedAt !== '' ? { closedAt: asNumber(closedAt, 'escalation closedAt') } : {}),
  };
}

function parseSilence(id: string, json: string, endsAt: string, updatedAt: string): SilenceRecord {
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    throw corrupt(`silence ${id} is not JSON`);
  }
  if (record === null || typeof record !== 'object') throw corrupt(`silence ${id}`);
  return {
    ...(record as SilenceRecord),
    id,
    endsAt: asNumber(endsAt, 'silence endsAt'),
    ...(updatedAt !== '' ? { updatedAt: asNumber(updatedAt, 'silence updatedAt') } : {}),
  };
}

/** The `replay` and `sealed` fields of a take's reply ('1' and a non-empty rendering). */
function claimFields(replay: unknown, sealed: unknown): { replay?: true; sealed?: string } {
  if (asString(replay, 'claim replay') !== '1') return {};
  const text = asString(sealed, 'claim sealed');
  return text === '' ? { replay: true } : { replay: true, sealed: text };
}

/** Maps a node-redis failure to the contract's errors: wrong key types mean foreign data. */
function storeError(error: unknown, operation: string): DispatchError {
  if (error instanceof ErrorReply && /^WRONGTYPE/.test(error.message)) {
    return corrupt(`${operation}: ${error.message}`);
  }
  return asStoreError(error, operation);
}

/** Rejects what node-redis would throw on (or choke on) before any connection is tried. */
function checkUrl(url: unknown): void {
  const invalid = (why: string) =>
    new DispatchError(
      'EXR_DISPATCH_INVALID_OPTIONS',
      `Redis store url ${why}; expected redis://[[user][:password]@]host[:port][/db] or rediss://…`,
    );
  if (typeof url !== 'string' || url === '') throw invalid('is missing');
  if (url.length > 2_048) throw invalid(`is ${url.length} characters long (at most 2,048)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`${JSON.stringify(redactUrl(url).slice(0, 80))} cannot be parsed`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw invalid(`has protocol ${JSON.stringify(parsed.protocol.slice(0, 20))}`);
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d{1,5}$/.test(parsed.pathname)) {
    throw invalid('names a database that is not a number');
  }
}

/**
 * Connects to Redis and returns a StateStore whose every operation is one atomic Lua script on
 * one hash slot. Rejects with `EXR_DISPATCH_STORE_UNAVAILABLE` when Redis cannot be reached
 * within `connectTimeoutMs`; afterwards calls fail fast with that code while Redis is away and
 * work resumes when it is back (the client reconnects in the background).
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<StateStore> {
  const prefix = options.prefix ?? 'exroute';
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new DispatchError(
      'EXR_DISPATCH_INVALID_OPTIONS',
      `Redis store prefix ${JSON.stringify(prefix.slice(0, 80))} must be 1-64 characters of letters, digits, _ . : -`,
    );
  }
  const buckets = options.buckets ?? 16;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1024) {
    throw new DispatchError(
      'EXR_DISPATCH_INVALID_OPTIONS',
      `Redis store buckets must be an integer from 1 to 1024, got ${String(buckets)}`,
    );
  }
  checkUrl(options.url);
  const connection = await connectRedis({
    url: options.url,
    ...(options.connectTimeoutMs !== undefined
      ? { connectTimeoutMs: options.connectTimeoutMs }
      : {}),
    ...(options.commandTimeoutMs !== undefined
      ? { commandTimeoutMs: options.commandTimeoutMs }
      : {}),
  });
  return new RedisStore(connection, new KeyLayout(prefix, buckets), redactUrl(options.url));
}

/** The Redis StateStore; see the contract comments on {@link StateStore}. */
class RedisStore implements StateStore {
  readonly name: string;
  private readonly client: StoreRedisClient;
  private closed = false;
  /** The latest `now` any call passed: the clock of calls that take none (like the memory store). */
  private lastNow = 0;

  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: KeyLayout,
    url: string,
  ) {
    this.client = connection.client;
    this.name = url;
  }

  private async run<T>(operation: string, now: number | undefined, body: () => Promise<T>) {
    if (this.closed) {
      throw new DispatchError(
        'EXR_DISPATCH_STORE_UNAVAILABLE',
        `Redis store ${this.name} was closed; ${operation} needs a new store`,
      );
    }
    if (now !== undefined && now > this.lastNow) this.lastNow = now;
    try {
      return await body();
    } catch (error) {
      throw storeError(error, operation);
    }
  }

  dedupCheck(input: Parameters<StateStore['dedupCheck']>[0]) {
    return this.run('dedupCheck', input.now, async () => {
      const reply = asArray(
        await this.client.exrDedupCheck(
          [this.keys.key('dd', input.key)],
          [input.member, String(input.now), String(input.expireAt)],
        ),
        'dedupCheck',
      );
      return {
        duplicate: asNumber(reply[0], 'dedupCheck') === 1,
        holder: asString(reply[1], 'dedupCheck holder'),
      };
    });
  }

  throttleHit(input: Parameters<StateStore['throttleHit']>[0]) {
    return this.run('throttleHit', input.now, async () => {
      const reply = asArray(
        await this.client.exrThrottleHit(
          [
            this.keys.key('tw', input.key, ` ${input.windowStart}`),
            this.keys.key('td', input.key),
            this.keys.key('tw', input.key, ` ${input.previousWindowStart ?? input.windowStart}`),
          ],
          [
            input.member,
            String(input.limit),
            String(input.now),
            String(input.windowExpireAt),
            String(input.droppedExpireAt),
          ],
        ),
        'throttleHit',
      );
      return {
        allowed: asNumber(reply[0], 'throttleHit') === 1,
        dropped: asNumber(reply[1], 'throttleHit dropped'),
      };
    });
  }

  private groupKeys(groupKey: string): string[] {
    return [
      this.keys.key('g', groupKey),
      this.keys.key('gp', groupKey),
      this.keys.key('gs', groupKey),
      this.keys.key('gl', groupKey),
      this.keys.dueOf(groupKey),
    ];
  }

  addGroupItem(input: AddGroupItemInput): Promise<AddGroupItemResult> {
    return this.run('addGroupItem', input.now, async () => {
      const t = input.timing;
      const reply = asArray(
        await this.client.exrGroupAdd(this.groupKeys(input.groupKey), [
          String(input.now),
          input.item.eventId,
          serializeItem(input.item),
          input.header,
          String(t.waitMs),
          String(t.intervalMs),
          t.repeatMs !== undefined ? String(t.repeatMs) : '',
          String(t.closeMs),
          t.maxItems !== undefined ? String(t.maxItems) : '',
          t.sendFirst ? '1' : '0',
          memberOf({ kind: 'group', key: input.groupKey }),
          String(GROUP_EXPIRY_GRACE_MS),
        ]),
        'addGroupItem',
      );
      const outcome = asString(reply[0], 'addGroupItem outcome');
      if (outcome !== 'opened' && outcome !== 'added' && outcome !== 'duplicate') {
        throw corrupt(`addGroupItem outcome ${JSON.stringify(outcome)}`);
      }
      return {
        outcome,
        openedAt: asNumber(reply[1], 'addGroupItem openedAt'),
        leading: asString(reply[2], 'addGroupItem leading') === '1',
      };
    });
  }

  flushGroup(input: {
    readonly groupKey: string;
    readonly now: number;
    readonly claimMs?: number;
  }) {
    return this.run('flushGroup', input.now, async (): Promise<FlushGroupResult> => {
      const reply = asArray(
        await this.client.exrGroupFlush(this.groupKeys(input.groupKey), [
          String(input.now),
          memberOf({ kind: 'group', key: input.groupKey }),
          String(GROUP_EXPIRY_GRACE_MS),
          input.claimMs !== undefined ? String(input.claimMs) : '',
        ]),
        'flushGroup',
      );
      const kind = asString(reply[0], 'flushGroup kind');
      if (kind === 'none') return { kind };
      const openedAt = asNumber(reply[1], 'flushGroup openedAt');
      if (kind === 'closed') return { kind, openedAt };
      if (kind !== 'flush' && kind !== 'repeat') {
        throw corrupt(`flushGroup kind ${JSON.stringify(kind)}`);
      }
      return {
        kind,
        openedAt,
        seq: asNumber(reply[2], 'flushGroup seq'),
        header: asString(reply[3], 'flushGroup header'),
        items: reply.slice(6).map(parseItem),
        ...claimFields(reply[4], reply[5]),
      };
    });
  }

  claimDue(input: { readonly now: number; readonly limit: number; readonly leaseMs: number }) {
    return this.run('claimDue', input.now, async () => {
      if (input.limit <= 0) return [];
      // Phase 1: the earliest due members of every bucket (one pipelined round trip).
      const perBucket = await Promise.all(
        Array.from({ length: this.keys.buckets }, (_, bucket) =>
          this.client.zRangeWithScores(this.keys.due(bucket), '-inf', String(input.now), {
            BY: 'SCORE',
            LIMIT: { offset: 0, count: input.limit },
          }),
        ),
      );
      const candidates = perBucket
        .flatMap((entries, bucket) => entries.map((e) => ({ ...e, bucket })))
        .sort((a, b) => a.score - b.score || codeUnitOrder(a.value, b.value))
        .slice(0, input.limit);
      if (candidates.length === 0) return [];
      // Phase 2: claim them per bucket, re-checking atomically that each is still due (another
      // dispatcher may have claimed it in between: then it is left out).
      const byBucket = new Map<number, string[]>();
      for (const c of candidates) {
        const list = byBucket.get(c.bucket) ?? [];
        list.push(c.value);
        byBucket.set(c.bucket, list);
      }
      const leaseUntil = String(input.now + input.leaseMs);
      const claimed = new Set<string>();
      await Promise.all(
        [...byBucket].map(async ([bucket, members]) => {
          const reply = asArray(
            await this.client.exrClaimDue(
              [this.keys.due(bucket)],
              [String(input.now), leaseUntil, ...members],
            ),
            'claimDue',
          );
          for (const m of reply) claimed.add(asString(m, 'claimDue member'));
        }),
      );
      return candidates.filter((c) => claimed.has(c.value)).map((c) => entryOf(c.value));
    });
  }

  nextDueAt() {
    return this.run('nextDueAt', undefined, async () => {
      const heads = await Promise.all(
        Array.from({ length: this.keys.buckets }, (_, bucket) =>
          this.client.zRangeWithScores(this.keys.due(bucket), 0, 0),
        ),
      );
      let earliest: number | undefined;
      for (const head of heads) {
        const score = head[0]?.score;
        if (score !== undefined && (earliest === undefined || score < earliest)) earliest = score;
      }
      return earliest;
    });
  }

  recordInhibitSource(input: Parameters<StateStore['recordInhibitSource']>[0]) {
    return this.run('recordInhibitSource', input.now, async () => {
      await this.client.exrInhibitRecord(
        [this.keys.key('inh', input.scope)],
        [input.sourceEventId, String(input.until), input.bothSides ? '1' : '0', String(input.now)],
      );
    });
  }

  findInhibitSource(input: Parameters<StateStore['findInhibitSource']>[0]) {
    return this.run('findInhibitSource', input.now, async () => {
      const reply = asArray(
        await this.client.exrInhibitLive([this.keys.key('inh', input.scope)], [String(input.now)]),
        'findInhibitSource',
      );
      let best: string | undefined;
      let bestUntil = -Infinity;
      for (let i = 0; i + 2 < reply.length; i += 3) {
        const id = asString(reply[i], 'inhibit source');
        const until = asNumber(reply[i + 1], 'inhibit until');
        const bothSides = asString(reply[i + 2], 'inhibit bothSides') === '1';
        if (id === input.targetEventId) continue;
        if (input.targetBothSides && bothSides) continue;
        if (until > bestUntil || (until === bestUntil && best !== undefined && id > best)) {
          best = id;
          bestUntil = until;
        }
      }
      return best;
    });
  }

  putSilence(input: { readonly silence: SilenceRecord; readonly expireAt: number }) {
    const s = input.silence;
    // No `now` here: like the memory store, a silence does not move the store's clock.
    return this.run('putSilence', undefined, async () => {
      await this.client.exrSilencePut(
        [this.keys.silences()],
        [s.id, JSON.stringify(s), String(s.endsAt), String(input.expireAt), String(s.updatedAt)],
      );
    });
  }

  expireSilence(input: { readonly id: string; readonly now: number }) {
    return this.run('expireSilence', input.now, async () => {
      const reply = await this.client.exrSilenceExpire(
        [this.keys.silences()],
        [input.id, String(input.now)],
      );
      return asNumber(reply, 'expireSilence') === 1;
    });
  }

  listSilences(input: { readonly now: number }) {
    return this.run('listSilences', input.now, async () => {
      const reply = asArray(
        await this.client.exrSilenceList([this.keys.silences()], [String(input.now)]),
        'listSilences',
      );
      const out: SilenceRecord[] = [];
      for (let i = 0; i + 3 < reply.length; i += 4) {
        out.push(
          parseSilence(
            asString(reply[i], 'silence id'),
            asString(reply[i + 1], 'silence'),
            asString(reply[i + 2], 'silence endsAt'),
            asString(reply[i + 3], 'silence updatedAt'),
          ),
        );
      }
      return out.sort((a, b) => codeUnitOrder(a.id, b.id));
    });
  }

  private escalationKeys(scope: string, key: string): { hash: string; due: string } {
    // Escalations live in their scope's bucket, so resolving a scope is one script.
    return {
      hash: `${this.keys.tagOf(scope)}:esc ${key}`,
      due: this.keys.dueOf(scope),
    };
  }

  startEscalation(input: StartEscalationInput) {
    return this.run('startEscalation', input.now, async () => {
      const { hash, due } = this.escalationKeys(input.scope, input.key);
      const reply = asArray(
        await this.client.exrEscalationStart(
          [hash, this.keys.key('escs', input.scope), due],
          [
            input.scope,
            input.key,
            String(input.now),
            input.stepDueAt.map((n) => String(n)).join(','),
            input.header,
            String(input.expireAt),
            memberOf({ kind: 'escalation', key: input.key, scope: input.scope }),
          ],
        ),
        'startEscalation',
      );
      return {
        created: asString(reply[0], 'startEscalation') === '1',
        state: parseEscalation(reply, input.key, 1),
      };
    });
  }

  advanceEscalation(input: {
    readonly scope: string;
    readonly key: string;
    readonly now: number;
    readonly claimMs?: number;
  }) {
    return this.run('advanceEscalation', input.now, async (): Promise<AdvanceEscalationResult> => {
      const { hash, due } = this.escalationKeys(input.scope, input.key);
      const reply = asArray(
        await this.client.exrEscalationAdvance(
          [hash, due],
          [
            String(input.now),
            memberOf({ kind: 'escalation', key: input.key, scope: input.scope }),
            input.claimMs !== undefined ? String(input.claimMs) : '',
          ],
        ),
        'advanceEscalation',
      );
      if (reply.length === 0) return { kind: 'none' };
      return {
        kind: 'step',
        step: asNumber(reply[0], 'escalation step'),
        dueAt: asNumber(reply[1], 'escalation dueAt'),
        header: asString(reply[2], 'escalation header'),
        ...claimFields(reply[3], reply[4]),
      };
    });
  }

  acknowledgeEscalation(input: Parameters<StateStore['acknowledgeEscalation']>[0]) {
    return this.run('acknowledgeEscalation', input.now, async () => {
      const { hash, due } = this.escalationKeys(input.scope, input.key);
      const reply = asString(
        await this.client.exrEscalationAck(
          [hash, due],
          [
            input.scope,
            input.by,
            String(input.now),
            memberOf({ kind: 'escalation', key: input.key, scope: input.scope }),
          ],
        ),
        'acknowledgeEscalation',
      );
      if (reply !== 'acknowledged' && reply !== 'closed' && reply !== 'unknown') {
        throw corrupt(`acknowledgeEscalation answer ${JSON.stringify(reply)}`);
      }
      return reply;
    });
  }

  resolveEscalations(input: { readonly scope: string; readonly now: number }) {
    return this.run('resolveEscalations', input.now, async () => {
      const reply = asArray(
        await this.client.exrEscalationResolve(
          [this.keys.key('escs', input.scope), this.keys.dueOf(input.scope)],
          [input.scope, String(input.now), `${this.keys.tagOf(input.scope)}:esc `, 'escalation\n'],
        ),
        'resolveEscalations',
      );
      return reply.map((k) => asString(k, 'escalation key')).sort(codeUnitOrder);
    });
  }

  getEscalation(input: { readonly scope: string; readonly key: string }) {
    return this.run('getEscalation', undefined, async () => {
      const { hash } = this.escalationKeys(input.scope, input.key);
      const reply = asArray(
        await this.client.exrEscalationGet([hash], [String(this.lastNow)]),
        'getEscalation',
      );
      if (reply.length === 0) return undefined;
      const state = parseEscalation(reply, input.key, 0);
      return state.scope === input.scope ? state : undefined;
    });
  }

  deferSend(input: Parameters<StateStore['deferSend']>[0]) {
    return this.run('deferSend', input.now, async () => {
      const reply = await this.client.exrDeferSend(
        [this.keys.key('def', input.key), this.keys.dueOf(input.key)],
        [
          String(input.sendAt),
          input.payload,
          String(input.now),
          String(input.expireAt),
          memberOf({ kind: 'deferred', key: input.key }),
        ],
      );
      return { created: asNumber(reply, 'deferSend') === 1 };
    });
  }

  takeDeferred(input: { readonly key: string; readonly now: number; readonly claimMs?: number }) {
    return this.run('takeDeferred', input.now, async (): Promise<TakeDeferredResult> => {
      const reply = asArray(
        await this.client.exrTakeDeferred(
          [this.keys.key('def', input.key), this.keys.dueOf(input.key)],
          [
            String(input.now),
            memberOf({ kind: 'deferred', key: input.key }),
            input.claimMs !== undefined ? String(input.claimMs) : '',
          ],
        ),
        'takeDeferred',
      );
      if (reply.length === 0) return { kind: 'none' };
      return {
        kind: 'due',
        payload: asString(reply[0], 'deferred payload'),
        ...claimFields(reply[1], reply[2]),
      };
    });
  }

  /** The keys a claim's scripts touch: the owner's hash first, then the bucket's due index. */
  private claimKeys(entry: DueEntry): string[] {
    if (entry.kind === 'group') return this.groupKeys(entry.key);
    if (entry.kind === 'escalation') {
      const { hash, due } = this.escalationKeys(entry.scope ?? '', entry.key);
      return [hash, due];
    }
    return [this.keys.key('def', entry.key), this.keys.dueOf(entry.key)];
  }

  sealClaim(input: { readonly claim: ClaimRef; readonly payload: string; readonly now: number }) {
    return this.run('sealClaim', input.now, async () => {
      const { entry, token } = input.claim;
      const keys = this.claimKeys(entry);
      const reply = asArray(
        entry.kind === 'group'
          ? await this.client.exrGroupSeal(keys, [String(token), input.payload])
          : entry.kind === 'escalation'
            ? await this.client.exrEscalationSeal([keys[0]!], [String(token), input.payload])
            : await this.client.exrDeferredSeal([keys[0]!], [input.payload]),
        'sealClaim',
      );
      return reply.length === 0 ? undefined : asString(reply[0], 'sealed claim');
    });
  }

  confirmClaim(input: { readonly claim: ClaimRef; readonly now: number }) {
    return this.run('confirmClaim', input.now, async () => {
      const { entry, token } = input.claim;
      const keys = this.claimKeys(entry);
      const member = memberOf(entry);
      const reply =
        entry.kind === 'group'
          ? await this.client.exrGroupConfirm(keys, [
              String(input.now),
              String(token),
              member,
              String(GROUP_EXPIRY_GRACE_MS),
            ])
          : entry.kind === 'escalation'
            ? await this.client.exrEscalationConfirm(keys, [
                String(input.now),
                String(token),
                member,
              ])
            : await this.client.exrDeferredConfirm(keys, [member]);
      return asNumber(reply, 'confirmClaim') === 1;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
  }
}
