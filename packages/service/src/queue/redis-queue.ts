import { createClient } from 'redis';
import { PARTITION_FIELD } from './stream-queue.js';
import type {
  EntryRef,
  QueueEntry,
  StreamName,
  StreamQueue,
  StreamReader,
  StreamStatus,
} from './stream-queue.js';

/** Settings of {@link openRedisQueue}. */
export interface RedisQueueOptions {
  url: string;
  password?: string;
  /**
   * Key prefix: streams are `{prefix}:events`, `{prefix}:outgoing`, `{prefix}:dead-letters`;
   * with partitions, `{prefix}:events:0` … `{prefix}:events:{P-1}` (and the same for outgoing).
   */
  prefix: string;
  /** Partition streams per work stream (default 1: unpartitioned keys). */
  partitions?: number;
  /** Approximate cap of each events and outgoing stream (`MAXLEN ~`): a guard, not the trim. */
  maxLength: number;
  deadLetterMaxLength: number;
  /** Called with connection errors; node-redis reconnects by itself. */
  onError?: (error: Error) => void;
}

/** The queue options a service configuration with a `redis` section asks for. */
export function redisQueueOptions(
  redis: { url: string; password?: string; prefix: string; partitions?: number },
  streams: { maxLength: number; deadLetterMaxLength: number },
): RedisQueueOptions {
  return {
    url: redis.url,
    prefix: redis.prefix,
    partitions: redis.partitions ?? 1,
    maxLength: streams.maxLength,
    deadLetterMaxLength: streams.deadLetterMaxLength,
    ...(redis.password !== undefined ? { password: redis.password } : {}),
  };
}

/** The consumer group every instance joins, on every stream. */
export const CONSUMER_GROUP = 'exroute';

type Client = ReturnType<
  typeof createClient<Record<string, never>, Record<string, never>, Record<string, never>, 2>
>;
type RawEntry = [string, string[] | null];
type WorkStream = 'events' | 'outgoing';

/**
 * The partition of a partition key among `partitions` (FNV-1a over UTF-16 code units, so
 * producers in any language can compute it): producers that `XADD` directly use the same.
 */
export function partitionOf(partitionKey: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    hash ^= partitionKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * Opens the Redis Streams queue (node-redis, RESP2 replies). Commands issued while Redis is
 * restarting wait in node-redis's offline queue and run after the reconnect.
 */
export async function openRedisQueue(options: RedisQueueOptions): Promise<StreamQueue> {
  const client = createClient({
    url: options.url,
    RESP: 2,
    ...(options.password !== undefined ? { password: options.password } : {}),
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
  }) as unknown as Client;
  client.on('error', (error: Error) => options.onError?.(error));
  await client.connect();
  return new RedisStreamQueue(client, options);
}

class RedisStreamQueue implements StreamQueue {
  readonly #client: Client;
  readonly #options: RedisQueueOptions;
  readonly #partitions: number;
  readonly #readers = new Set<Client>();

  constructor(client: Client, options: RedisQueueOptions) {
    this.#client = client;
    this.#options = options;
    this.#partitions = Math.max(1, options.partitions ?? 1);
  }

  #key(stream: StreamName, partition = 0): string {
    if (stream === 'dead-letters' || this.#partitions === 1) {
      return `${this.#options.prefix}:${stream}`;
    }
    return `${this.#options.prefix}:${stream}:${partition}`;
  }

  #keys(stream: WorkStream): string[] {
    return Array.from({ length: this.#partitions }, (_, p) => this.#key(stream, p));
  }

  #partitionOfFields(fields: Record<string, string>): number {
    const key = fields[PARTITION_FIELD] ?? fields['key'];
    return key === undefined ? 0 : partitionOf(key, this.#partitions);
  }

  #xadd(stream: StreamName, fields: Record<string, string>): string[] {
    const cap =
      stream === 'dead-letters' ? this.#options.deadLetterMaxLength : this.#options.maxLength;
    const key = this.#key(stream, this.#partitionOfFields(fields));
    const args = ['XADD', key, 'MAXLEN', '~', String(cap), '*'];
    for (const [name, value] of Object.entries(fields)) args.push(name, value);
    return args;
  }

  async ensureGroups(): Promise<void> {
    for (const key of [...this.#keys('events'), ...this.#keys('outgoing')]) {
      try {
        await this.#client.sendCommand(['XGROUP', 'CREATE', key, CONSUMER_GROUP, '0', 'MKSTREAM']);
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
  }

  async append(stream: StreamName, entries: readonly Record<string, string>[]): Promise<string[]> {
    if (entries.length === 0) return [];
    if (entries.length === 1) {
      return [await this.#client.sendCommand<string>(this.#xadd(stream, entries[0]!))];
    }
    const multi = this.#client.multi();
    for (const fields of entries) multi.addCommand(this.#xadd(stream, fields));
    const replies = (await multi.exec()) as unknown[];
    return replies.map(String);
  }

  reader(stream: WorkStream, consumer: string): StreamReader {
    const connection = this.#client.duplicate();
    connection.on('error', (error: Error) => this.#options.onError?.(error));
    this.#readers.add(connection);
    const ready = connection.connect();
    const keys = this.#keys(stream);
    const partitionByKey = new Map(keys.map((key, p) => [key, p]));
    return {
      read: async (count, blockMs) => {
        await ready;
        // One XREADGROUP over every partition stream: one connection, one round trip.
        const reply = await connection.sendCommand<[string, RawEntry[]][] | null>([
          'XREADGROUP',
          'GROUP',
          CONSUMER_GROUP,
          consumer,
          'COUNT',
          String(count),
          'BLOCK',
          String(blockMs),
          'STREAMS',
          ...keys,
          ...keys.map(() => '>'),
        ]);
        if (reply === null) return [];
        return reply.flatMap(([key, raw]) => toEntries(raw, 1, partitionByKey.get(key) ?? 0));
      },
      close: async () => {
        this.#readers.delete(connection);
        await ready.catch(() => undefined);
        connection.destroy();
      },
    };
  }

  async claimIdle(
    stream: WorkStream,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<QueueEntry[]> {
    const all: QueueEntry[] = [];
    for (let partition = 0; partition < this.#partitions; partition++) {
      const key = this.#key(stream, partition);
      const reply = await this.#client.sendCommand<[string, RawEntry[], string[]?]>([
        'XAUTOCLAIM',
        key,
        CONSUMER_GROUP,
        consumer,
        String(minIdleMs),
        '0-0',
        'COUNT',
        String(count),
      ]);
      const claimed = toEntries(reply[1] ?? [], 1, partition);
      if (claimed.length === 0) continue;
      // XAUTOCLAIM does not say how often an entry was delivered; XPENDING does.
      const pending = await this.#client.sendCommand<[string, string, number, number][]>([
        'XPENDING',
        key,
        CONSUMER_GROUP,
        claimed[0]!.id,
        claimed[claimed.length - 1]!.id,
        String(claimed.length + 1000),
        consumer,
      ]);
      const counts = new Map(pending.map(([id, , , deliveries]) => [id, Number(deliveries)]));
      for (const entry of claimed) entry.deliveries = counts.get(entry.id) ?? 2;
      all.push(...claimed);
    }
    return all;
  }

  async ack(
    stream: WorkStream,
    refs: readonly EntryRef[],
    then?: { stream: StreamName; entries: readonly Record<string, string>[] },
  ): Promise<void> {
    const byPartition = new Map<number, string[]>();
    for (const ref of refs) {
      const ids = byPartition.get(ref.partition) ?? [];
      ids.push(ref.id);
      byPartition.set(ref.partition, ids);
    }
    const acks = [...byPartition].map(([partition, ids]) => [
      'XACK',
      this.#key(stream, partition),
      CONSUMER_GROUP,
      ...ids,
    ]);
    const appends = (then?.entries ?? []).map((fields) => this.#xadd(then!.stream, fields));
    if (acks.length + appends.length === 0) return;
    if (acks.length === 1 && appends.length === 0) {
      await this.#client.sendCommand(acks[0]!);
      return;
    }
    // One MULTI: the follow-up entries exist exactly when the acknowledgement does.
    const multi = this.#client.multi();
    for (const command of [...appends, ...acks]) multi.addCommand(command);
    await multi.exec();
  }

  async range(stream: StreamName, start: string, count: number): Promise<QueueEntry[]> {
    const reply = await this.#client.sendCommand<RawEntry[]>([
      'XRANGE',
      this.#key(stream),
      start,
      '+',
      'COUNT',
      String(count),
    ]);
    return toEntries(reply, 0, 0);
  }

  async remove(stream: StreamName, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.#client.sendCommand(['XDEL', this.#key(stream), ...ids]));
  }

  async status(stream: StreamName): Promise<StreamStatus> {
    if (stream === 'dead-letters') {
      const length = Number(await this.#client.sendCommand(['XLEN', this.#key(stream)]));
      return { length, pending: 0, lag: 0, groupPresent: true };
    }
    const total: StreamStatus = { length: 0, pending: 0, lag: 0, groupPresent: true };
    for (const key of this.#keys(stream)) {
      const one = await this.#statusOf(key);
      total.length += one.length;
      total.pending += one.pending;
      total.lag =
        total.lag === undefined || one.lag === undefined ? undefined : total.lag + one.lag;
      total.groupPresent &&= one.groupPresent;
    }
    return total;
  }

  async #statusOf(key: string): Promise<StreamStatus> {
    const length = Number(await this.#client.sendCommand(['XLEN', key]));
    let groups: unknown[][];
    try {
      groups = await this.#client.sendCommand<unknown[][]>(['XINFO', 'GROUPS', key]);
    } catch {
      return { length, pending: 0, lag: undefined, groupPresent: false };
    }
    for (const group of groups) {
      const info = pairs(group);
      if (info.get('name') !== CONSUMER_GROUP) continue;
      const lag = info.get('lag');
      return {
        length,
        pending: Number(info.get('pending') ?? 0),
        lag: lag === null || lag === undefined ? undefined : Number(lag),
        groupPresent: true,
      };
    }
    return { length, pending: 0, lag: undefined, groupPresent: false };
  }

  async trim(): Promise<void> {
    for (const key of [...this.#keys('events'), ...this.#keys('outgoing')]) {
      let groups: unknown[][];
      try {
        groups = await this.#client.sendCommand<unknown[][]>(['XINFO', 'GROUPS', key]);
      } catch {
        continue;
      }
      const info = groups.map(pairs).find((g) => g.get('name') === CONSUMER_GROUP);
      const lastDelivered = info?.get('last-delivered-id');
      if (typeof lastDelivered !== 'string' || lastDelivered === '0-0') continue;
      const summary = await this.#client.sendCommand<
        [number, string | null, string | null, unknown]
      >(['XPENDING', key, CONSUMER_GROUP]);
      // Everything older than the oldest unacknowledged entry (or, with none pending, than the
      // last delivered one) is done with: MINID keeps the rest, so no unread entry is ever trimmed.
      const keepFrom = Number(summary[0]) > 0 && summary[1] !== null ? summary[1] : lastDelivered;
      await this.#client.sendCommand(['XTRIM', key, 'MINID', '~', keepFrom]);
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.#client.sendCommand<string>(['PING'])) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    for (const reader of this.#readers) reader.destroy();
    this.#readers.clear();
    try {
      await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}

function toEntries(raw: readonly RawEntry[], deliveries: number, partition: number): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const [id, flat] of raw) {
    if (flat === null) continue;
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    entries.push({ id, fields, deliveries, partition });
  }
  return entries;
}

function pairs(flat: readonly unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(String(flat[i]), flat[i + 1]);
  return map;
}
